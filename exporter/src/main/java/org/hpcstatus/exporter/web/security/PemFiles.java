package org.hpcstatus.exporter.web.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.hpcstatus.exporter.config.ConfigException;

/**
 * Reads PEM certificates and private keys with Bouncy Castle's PEMParser: certificate chains, PKCS#1
 * ({@code RSA PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}) and PKCS#8 ({@code PRIVATE KEY}) keys. Errors
 * are {@link ConfigException}s naming the web-config key and the file, never the file's content.
 */
final class PemFiles {
  private PemFiles() {}

  /** All certificates in a PEM file, in file order (leaf first for a chain); at least one. */
  static List<X509Certificate> certificates(Path file, String key) {
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

  /** The one private key in a PEM file (other PEM blocks, e.g. EC PARAMETERS, are ignored). */
  static PrivateKey privateKey(Path file, String key) {
    JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
    PrivateKey found = null;
    for (Object o : objects(file, key)) {
      PrivateKey k;
      try {
        if (o instanceof PEMKeyPair kp) {
          k = conv.getPrivateKey(kp.getPrivateKeyInfo()); // SEC1 keys may lack the public half
        } else if (o instanceof PrivateKeyInfo info) {
          k = conv.getPrivateKey(info);
        } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new ConfigException(key, "encrypted private keys are not supported (" + file + ")");
        } else {
          continue;
        }
      } catch (IOException | RuntimeException e) {
        if (e instanceof ConfigException ce) {
          throw ce;
        }
        throw new ConfigException(key, "unusable private key in " + file + " (" + e.getClass().getSimpleName() + ")");
      }
      if (found != null) {
        throw new ConfigException(key, "more than one private key in " + file);
      }
      found = k;
    }
    if (found == null) {
      throw new ConfigException(key, "no PEM private key in " + file);
    }
    return found;
  }

  private static List<Object> objects(Path file, String key) {
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

  /** True if {@code key} signs what {@code pub} verifies (the check Go's tls.LoadX509KeyPair makes). */
  static boolean matches(PrivateKey key, PublicKey pub) {
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (alg == null || !key.getAlgorithm().equals(pub.getAlgorithm()) && !alg.equals("Ed25519")) {
      return alg == null; // unknown kinds (e.g. RSASSA-PSS) are left to the TLS handshake
    }
    try {
      byte[] data = new byte[32];
      new SecureRandom().nextBytes(data);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(data);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(data);
      return v.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
