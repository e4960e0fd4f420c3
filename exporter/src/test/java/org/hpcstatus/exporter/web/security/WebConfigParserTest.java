package org.hpcstatus.exporter.web.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.hpcstatus.exporter.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebConfigParserTest {
  static final String HASH = "$2y$04$4mwd2gbBZ.P3s2pWIobH6.QZ5r9AvpN6PbC3MAEzNUmDuhsFgUSfa";
  private static final Path DIR = Path.of("/etc/hpc-status-exporter");

  @Test
  void fullFileInToolkitFormat() {
    WebConfig c = WebConfigParser.parse("""
        tls_server_config:
          cert_file: tls/server.crt
          key_file: /abs/server.key
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: ca.crt
          min_version: TLS13
          max_version: TLS13
          cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305]
          curve_preferences: [CurveP256, X25519]
          prefer_server_cipher_suites: true
          client_allowed_sans: [prometheus.example.org]
        http_server_config:
          http2: false
          headers:
            X-Frame-Options: deny
            Strict-Transport-Security: max-age=31536000
        basic_auth_users:
          prometheus: "%s"
        """.formatted(HASH), DIR);
    WebConfig.Tls t = c.tls();
    assertThat(t.certFile()).isEqualTo(DIR.resolve("tls/server.crt"));
    assertThat(t.keyFile()).isEqualTo(Path.of("/abs/server.key"));
    assertThat(t.clientCaFile()).isEqualTo(DIR.resolve("ca.crt"));
    assertThat(t.clientAuth()).isEqualTo(WebConfig.ClientAuth.RequireAndVerifyClientCert);
    assertThat(t.protocols()).containsExactly("TLSv1.3");
    assertThat(t.cipherSuites()).containsExactly("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    assertThat(t.curves()).containsExactly("secp256r1", "x25519");
    assertThat(t.preferServerCipherSuites()).isTrue();
    assertThat(t.allowedSans()).containsExactly("prometheus.example.org");
    assertThat(c.http2()).isFalse();
    assertThat(c.headers()).containsEntry("X-Frame-Options", "deny").hasSize(2);
    assertThat(c.basicAuthUsers()).containsEntry("prometheus", HASH);
    assertThat(c.toString()).doesNotContain(HASH);
  }

  @Test
  void defaultsAreTls12UpToTls13AndNoClientCert() {
    WebConfig c = WebConfigParser.parse("tls_server_config: {cert_file: a.crt, key_file: a.key}\n", DIR);
    assertThat(c.tls().protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    assertThat(c.tls().clientAuth()).isEqualTo(WebConfig.ClientAuth.NoClientCert);
    assertThat(c.tls().cipherSuites()).isEmpty();
    assertThat(c.authEnabled()).isFalse();
  }

  @Test
  void emptyFileOrEmptyTlsSectionMeansPlainHttp() {
    assertThat(WebConfigParser.parse("", DIR)).isEqualTo(WebConfig.NONE);
    assertThat(WebConfigParser.parse("# nothing\n", DIR).tlsEnabled()).isFalse();
    assertThat(WebConfigParser.parse("tls_server_config: {min_version: TLS13}\n", DIR).tlsEnabled()).isFalse();
    assertThat(WebConfigParser.parse("tls_server_config:\n", DIR).tlsEnabled()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "tls_server_config: {key_file: a.key}|/tls_server_config/cert_file: missing",
      "tls_server_config: {cert_file: a.crt}|/tls_server_config/key_file: missing",
      "tls_server_config: {cert_file: a, key_file: b, min_version: TLS14}|/tls_server_config/min_version: unknown TLS version",
      "tls_server_config: {cert_file: a, key_file: b, min_version: TLS13, max_version: TLS12}|/tls_server_config/min_version: is above",
      "tls_server_config: {cert_file: a, key_file: b, client_auth_type: Always}|/tls_server_config/client_auth_type: unknown value",
      "tls_server_config: {cert_file: a, key_file: b, client_ca_file: c}|/tls_server_config/client_ca_file: set without",
      "tls_server_config: {cert_file: a, key_file: b, client_auth_type: RequireAndVerifyClientCert}|/tls_server_config/client_ca_file: required",
      "tls_server_config: {cert_file: a, key_file: b, cipher_suites: [TLS_FOO]}|/tls_server_config/cipher_suites/0: unknown cipher suite",
      "tls_server_config: {cert_file: a, key_file: b, curve_preferences: [P-256]}|/tls_server_config/curve_preferences/0: unknown curve",
      "tls_server_config: {cert_file: [a], key_file: b}|/tls_server_config/cert_file: must be a string",
      "tls_server_config: {cert_file: a, key_file: b, certfile: c}|/tls_server_config/certfile: unknown key",
      "tls_server_config: {cert_file: a, key_file: b, prefer_server_cipher_suites: yes please}|/tls_server_config/prefer_server_cipher_suites: must be true or false",
      "tls_server_config: [a]|/tls_server_config: must be a mapping",
      "rate_limit: {interval: 1s}|/rate_limit: unknown key",
      "http_server_config: {headers: {Server: x}}|/http_server_config/headers/Server: this header can not be configured",
      "http_server_config: {headers: {X-Frame-Options: allow}}|/http_server_config/headers/X-Frame-Options: invalid value",
      "http_server_config: {http3: true}|/http_server_config/http3: unknown key",
      "basic_auth_users: {alice: 5}|/basic_auth_users/alice: must be a bcrypt hash",
      "basic_auth_users: [alice]|/basic_auth_users: must be a mapping",
      "'a: [b'|/: not valid YAML",
      "- a|/: must be a mapping",
  })
  void errorsNameTheKey(String yaml, String expected) {
    assertThatThrownBy(() -> WebConfigParser.parse(yaml + "\n", DIR)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(expected);
  }

  @Test
  void aPlainPasswordWhereAHashBelongsIsRefusedWithoutBeingEchoed() {
    String secret = "hunter2-plaintext-password";
    assertThatThrownBy(() -> WebConfigParser.parse("basic_auth_users:\n  alice: " + secret + "\n", DIR))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/basic_auth_users/alice: not a bcrypt hash")
        .hasMessageNotContaining(secret);
  }

  @Test
  void yamlErrorsDoNotQuoteTheInput() {
    String secret = HASH.substring(0, 40);
    assertThatThrownBy(() -> WebConfigParser.parse("basic_auth_users:\n  alice: \"" + secret + "\n  : [\n", DIR))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/: not valid YAML")
        .hasMessageNotContaining(secret);
  }

  @Test
  void yamlBooleanWordsAreFileNamesWhereAStringBelongs() {
    // found by the long fuzz run (FuzzBench): `cert_file: no` was read as the boolean false
    WebConfig c = WebConfigParser.parse("tls_server_config: {cert_file: no, key_file: on}\n"
        + "http_server_config: {http2: no}\n", DIR);
    assertThat(c.tls().certFile()).isEqualTo(DIR.resolve("no"));
    assertThat(c.tls().keyFile()).isEqualTo(DIR.resolve("on"));
    assertThat(c.http2()).isFalse();
  }

  @Test
  void duplicateKeysAreErrors() {
    assertThatThrownBy(() -> WebConfigParser.parse("basic_auth_users:\n  a: \"" + HASH + "\"\n  a: \"" + HASH + "\"\n", DIR))
        .isInstanceOf(ConfigException.class).hasMessageNotContaining(HASH);
  }

  @Test
  void allowedHeadersAreTheToolkitsList() {
    assertThat(WebConfigParser.ALLOWED_HEADERS.keySet()).containsExactly("Strict-Transport-Security",
        "X-Content-Type-Options", "X-Frame-Options", "X-XSS-Protection", "Content-Security-Policy");
    assertThat(WebConfigParser.parse("http_server_config: {headers: {X-Content-Type-Options: nosniff}}", DIR)
        .headers()).containsEntry("X-Content-Type-Options", "nosniff");
    assertThat(List.of(TlsNames.cipher("TLS_AES_128_GCM_SHA256"), TlsNames.cipher("TLS_RSA_WITH_RC4_128_SHA")))
        .containsExactly("TLS_AES_128_GCM_SHA256", "TLS_RSA_WITH_RC4_128_SHA");
  }
}
