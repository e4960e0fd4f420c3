package org.hpcstatus.exporter.web.security;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.core.PemCertificates;

/**
 * Reads PEM private keys with Bouncy Castle's PEMParser (certificates: {@link PemCertificates}): PKCS#1
 * ({@code RSA PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}) and PKCS#8 ({@code PRIVATE KEY}) keys. Errors
 * are {@link ConfigException}s naming the web-config key and the file, never the file's content.
 */
final class PemFiles {
  private PemFiles() {}

  /** The one private key in a PEM file (other PEM blocks, e.g. EC PARAMETERS, are ignored). */
  static PrivateKey privateKey(Path file, String key) {
    JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
    PrivateKey found = null;
    for (Object o : PemCertificates.objects(file, key)) {
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
