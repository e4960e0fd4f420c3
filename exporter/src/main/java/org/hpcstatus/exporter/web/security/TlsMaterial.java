package org.hpcstatus.exporter.web.security;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.core.PemCertificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key manager and client-certificate trust manager loaded from one {@code tls_server_config}, checked
 * as Go's crypto/tls would (key matches certificate, cipher suites exist); immutable. {@link ReloadingTls}
 * swaps whole instances.
 */
record TlsMaterial(WebConfig.Tls config, X509ExtendedKeyManager keyManager, X509ExtendedTrustManager trustManager,
                   List<String> cipherSuites) {
  private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);
  private static final String P = "/tls_server_config";

  static TlsMaterial load(WebConfig.Tls tls) {
    List<X509Certificate> chain = PemCertificates.certificates(tls.certFile(), P + "/cert_file");
    PrivateKey key = PemFiles.privateKey(tls.keyFile(), P + "/key_file");
    if (!PemFiles.matches(key, chain.get(0).getPublicKey())) {
      throw new ConfigException(P + "/key_file", "private key in " + tls.keyFile()
          + " does not match the certificate in " + tls.certFile());
    }
    if (chain.get(0).getNotAfter().before(new Date())) {
      LOG.warn("{}/cert_file: certificate in {} expired at {}", P, tls.certFile(), chain.get(0).getNotAfter().toInstant());
    }
    X509ExtendedTrustManager trust = null;
    if (tls.clientCaFile() != null) {
      trust = PemCertificates.trustManager(tls.clientCaFile(), P + "/client_ca_file");
    }
    return new TlsMaterial(tls, keyManager(key, chain), trust, cipherSuites(tls));
  }

  private static X509ExtendedKeyManager keyManager(PrivateKey key, List<X509Certificate> chain) {
    try {
      char[] pw = new char[0];
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("server", key, pw, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      for (KeyManager km : kmf.getKeyManagers()) {
        if (km instanceof X509ExtendedKeyManager x) {
          return x;
        }
      }
      throw new ConfigException(P + "/key_file", "the JVM has no X.509 key manager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new ConfigException(P + "/key_file", "the JVM cannot use this key and certificate ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  /** The enabled cipher suites: the configured TLS 1.2 ones plus all TLS 1.3 ones (as Go does); empty = JVM default. */
  private static List<String> cipherSuites(WebConfig.Tls tls) {
    if (tls.cipherSuites().isEmpty()) {
      return List.of();
    }
    List<String> supported;
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, null, new SecureRandom());
      supported = List.of(ctx.getDefaultSSLParameters().getCipherSuites());
    } catch (GeneralSecurityException e) {
      throw new ConfigException(P + "/cipher_suites", "the JVM has no TLS implementation");
    }
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    for (int i = 0; i < tls.cipherSuites().size(); i++) {
      String c = tls.cipherSuites().get(i);
      if (!supported.contains(c)) {
        throw new ConfigException(P + "/cipher_suites/" + i, c + " is not enabled in this JVM (jdk.tls.disabledAlgorithms)");
      }
      out.add(c);
    }
    for (String c : TlsNames.TLS13_CIPHERS) {
      if (supported.contains(c)) {
        out.add(c);
      }
    }
    return List.copyOf(out);
  }
}
