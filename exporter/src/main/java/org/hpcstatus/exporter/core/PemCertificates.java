package org.hpcstatus.exporter.core;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.hpcstatus.exporter.config.ConfigException;

/**
 * PEM files read with Bouncy Castle's PEMParser, and CA bundles turned into a JDK trust manager: shared by
 * the web server (its certificate chain and {@code client_ca_file}) and the service checks
 * ({@code tls_ca_file}). Errors are {@link ConfigException}s naming the given config key and the file, never
 * the file's content.
 */
public final class PemCertificates {
  private PemCertificates() {}

  /** All certificates in a PEM file, in file order (leaf first for a chain); at least one. */
  public static List<X509Certificate> certificates(Path file, String key) {
    List<X509Certificate> out = new ArrayList<>();
    for (Object o : objects(file, key)) {
      if (o instanceof X509CertificateHolder h) {
        try {
          out.add(new JcaX509CertificateConverter().getCertificate(h));
        } catch (GeneralSecurityException e) {
          throw new ConfigException(key, "unusable certificate in " + file + " (" + e.getClass().getSimpleName() + ")");
        }
      }
    }
    if (out.isEmpty()) {
      throw new ConfigException(key, "no PEM certificate in " + file);
    }
    return out;
  }

  /** Every PEM object of a file (certificates, keys, parameters), in file order. */
  public static List<Object> objects(Path file, String key) {
    List<Object> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        out.add(o);
      }
    } catch (IOException | RuntimeException e) {
      // PEMParser's messages may quote the damaged input: name only the file and the kind of problem
      throw new ConfigException(key, (e instanceof java.nio.file.NoSuchFileException ? "no such file " : "cannot read PEM from ")
          + file + " (" + e.getClass().getSimpleName() + ")");
    }
    return out;
  }

  /** The JDK's PKIX trust manager trusting exactly {@code cas} (no system CAs); hostnames are the caller's. */
  public static X509ExtendedTrustManager trustManager(List<X509Certificate> cas, String key) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        ks.setCertificateEntry("ca" + i, cas.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          return x;
        }
      }
      throw new ConfigException(key, "the JVM has no X.509 trust manager");
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException(key, "the JVM cannot use these CA certificates (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** {@link #trustManager} of the certificates in {@code file}. */
  public static X509ExtendedTrustManager trustManager(Path file, String key) {
    return trustManager(certificates(file, key), key);
  }
}
