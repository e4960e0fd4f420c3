package org.hpcstatus.exporter.web.security;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made in the test with Bouncy Castle: a CA, and leaves signed by it or by themselves. Public for
 * the health checks' TLS tests and the end-to-end test, which serves the exporter over TLS.
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  /** A key pair with its certificate and the issuer's (null when self-signed). */
  public record Issued(KeyPair keys, X509Certificate cert, X509Certificate issuer) {
    String certPem() {
      return pem(cert);
    }

    /** Writes cert (with the issuer appended when {@code chain}) and key; key format: pkcs8 or traditional. */
    public void write(Path certFile, Path keyFile, boolean chain, boolean pkcs8) throws IOException {
      Files.writeString(certFile, pem(cert) + (chain && issuer != null ? pem(issuer) : ""), StandardCharsets.US_ASCII);
      Files.writeString(keyFile, pkcs8 ? pkcs8(keys.getPrivate()) : traditional(keys), StandardCharsets.US_ASCII);
    }
  }

  public static KeyPair ec() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static Issued ca(String cn) {
    KeyPair k = ec();
    return new Issued(k, build(cn, k, cn, k.getPrivate(), true, Instant.now().minus(Duration.ofDays(1)),
        Instant.now().plus(Duration.ofDays(30)), null), null);
  }

  /** A leaf for 127.0.0.1/localhost signed by {@code ca}, or self-signed when {@code ca} is null. */
  public static Issued leaf(String cn, Issued ca, KeyPair k, Instant notBefore, Instant notAfter) {
    String issuerCn = ca == null ? cn : ca.cert().getSubjectX500Principal().getName().replace("CN=", "");
    PrivateKey signer = ca == null ? k.getPrivate() : ca.keys().getPrivate();
    return new Issued(k, build(cn, k, issuerCn, signer, false, notBefore, notAfter, cn),
        ca == null ? null : ca.cert());
  }

  public static Issued leaf(String cn, Issued ca) {
    return leaf(cn, ca, ec(), Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(10)));
  }

  public static Issued expired(String cn, Issued ca) {
    return leaf(cn, ca, ec(), Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
  }

  private static X509Certificate build(String cn, KeyPair k, String issuerCn, PrivateKey signer, boolean isCa,
                                       Instant notBefore, Instant notAfter, String san) {
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuerCn),
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
          new X500Name("CN=" + cn), k.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      if (isCa) {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.dNSName, san)}));
      }
      String alg = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signer)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(Object o) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return w.toString();
  }

  /** PKCS#1 for RSA; for EC the SEC1 form OpenSSL writes (curve parameters and public key included). */
  static String traditional(KeyPair k) {
    if (!(k.getPrivate() instanceof java.security.interfaces.ECPrivateKey ec)) {
      return pem(k.getPrivate());
    }
    try {
      var spki = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(k.getPublic().getEncoded());
      var params = spki.getAlgorithm().getParameters();
      var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(),
          spki.getPublicKeyData(), params);
      return pem(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pkcs8(PrivateKey k) {
    try {
      return pem(new JcaPKCS8Generator(k, null).generate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client SSLContext trusting {@code trusted} and presenting {@code client} (may be null). */
  static SSLContext clientContext(X509Certificate trusted, Issued client) {
    try {
      KeyManagerFactory kmf = null;
      if (client != null) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        X509Certificate[] chain = client.issuer() == null ? new X509Certificate[] {client.cert()}
            : new X509Certificate[] {client.cert(), client.issuer()};
        ks.setKeyEntry("client", client.keys().getPrivate(), new char[0], chain);
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : new javax.net.ssl.KeyManager[] {
          new Presenting((javax.net.ssl.X509ExtendedKeyManager) kmf.getKeyManagers()[0])},
          new javax.net.ssl.TrustManager[] {trustManager(trusted)}, new SecureRandom());
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Presents the client certificate whatever CAs the server names (as curl --cert does). */
  private static final class Presenting extends javax.net.ssl.X509ExtendedKeyManager {
    private final javax.net.ssl.X509ExtendedKeyManager km;

    Presenting(javax.net.ssl.X509ExtendedKeyManager km) {
      this.km = km;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine e) {
      return "client";
    }

    @Override
    public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
      return "client";
    }

    @Override
    public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return km.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return km.getPrivateKey(alias);
    }
  }

  static X509TrustManager trustManager(X509Certificate trusted) {
    try {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("ca", trusted);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      return (X509TrustManager) tmf.getTrustManagers()[0];
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
