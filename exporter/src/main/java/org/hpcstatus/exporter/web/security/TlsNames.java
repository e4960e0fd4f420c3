package org.hpcstatus.exporter.web.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Go crypto/tls names as written in exporter-toolkit web-config files, mapped to JSSE names. Go's cipher
 * suite names are the IANA names JSSE uses, except for Go's short ChaCha20 aliases.
 */
final class TlsNames {
  private TlsNames() {}

  /** exporter-toolkit's min_version/max_version values, in order, with their JSSE protocol names. */
  static final Map<String, String> VERSIONS = new LinkedHashMap<>();

  static {
    VERSIONS.put("TLS10", "TLSv1");
    VERSIONS.put("TLS11", "TLSv1.1");
    VERSIONS.put("TLS12", "TLSv1.2");
    VERSIONS.put("TLS13", "TLSv1.3");
  }

  /** Go's tls.CipherSuites() and tls.InsecureCipherSuites() names (what the toolkit accepts). */
  static final List<String> GO_CIPHERS = List.of(
      "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      // insecure ones: accepted by the toolkit; JSSE refuses most by default (then: a clear error)
      "TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA256",
      "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");

  /** TLS 1.3 suites: Go does not let cipher_suites restrict them, so neither do we. */
  static final List<String> TLS13_CIPHERS = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256");

  /** The JSSE name of a Go cipher suite name, or null if the toolkit would not accept it. */
  static String cipher(String goName) {
    if (goName.equals("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305")
        || goName.equals("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305")) {
      return goName + "_SHA256";
    }
    return GO_CIPHERS.contains(goName) ? goName : null;
  }

  /** curve_preferences: Go names to JSSE named groups. */
  static final Map<String, String> CURVES = Map.of("CurveP256", "secp256r1", "CurveP384", "secp384r1",
      "CurveP521", "secp521r1", "X25519", "x25519");
}
