package org.hpcstatus.exporter.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.hpcstatus.exporter.config.ConfigException;

/**
 * The web-config parser on generated input: only {@link ConfigException}s (naming a key, never echoing
 * a hash) for bad files, and valid files from a model parsed to exactly the model's values.
 */
class WebConfigProperties {
  static final List<String> KEYS = List.of("tls_server_config", "cert_file", "key_file", "client_auth_type",
      "client_ca_file", "min_version", "max_version", "cipher_suites", "curve_preferences",
      "prefer_server_cipher_suites", "client_allowed_sans", "http_server_config", "http2", "headers",
      "basic_auth_users", "X-Frame-Options", "Strict-Transport-Security", "alice", "typo");
  static final String HASH = WebConfigParserTest.HASH;

  @Provide
  Arbitrary<String> document() {
    Arbitrary<String> scalar = Arbitraries.oneOf(Arbitraries.of("", "~", "TLS12", "TLS13", "TLS99", "deny", "nosniff",
        "RequireAndVerifyClientCert", "NoClientCert", "a.crt", "\"" + HASH + "\"", "$2y$04$short", "true", "[a, b]",
        "{a: 1}", "[TLS_AES_128_GCM_SHA256]", "[CurveP256]", "'", "&x", "*x"), Arbitraries.strings().ofMaxLength(8));
    Arbitrary<String> leaf = Combinators.combine(Arbitraries.of(KEYS), scalar).as((k, v) -> k + ": " + v);
    Arbitrary<String> section = Combinators.combine(Arbitraries.of(KEYS), leaf.list().ofMaxSize(5))
        .as((k, body) -> k + ":\n" + String.join("\n", body.stream().map(l -> "  " + l).toList()));
    return Arbitraries.oneOf(leaf, section).list().ofMaxSize(4).map(l -> String.join("\n", l));
  }

  @Property
  void badFilesAreConfigExceptionsThatNameAKeyAndHideHashes(@ForAll("document") String yaml) {
    try {
      WebConfig c = WebConfigParser.parse(yaml, Path.of("/etc/x"));
      assertThat(c).isNotNull();
      assertThat(c.toString()).doesNotContain(HASH);
    } catch (ConfigException e) {
      assertThat(e.getMessage()).startsWith("/").doesNotContain(HASH);
    }
  }

  @Property
  void arbitraryTextIsAConfigOrAConfigException(@ForAll String text) {
    try {
      assertThat(WebConfigParser.parse(text, null)).isNotNull();
    } catch (ConfigException e) {
      assertThat(e.getMessage()).startsWith("/");
    }
  }

  record Model(String cert, String key, WebConfig.ClientAuth auth, int min, int max, List<String> ciphers,
               Map<String, String> users, String frameOptions) {
    String yaml() {
      StringBuilder b = new StringBuilder("tls_server_config:\n  cert_file: " + cert + "\n  key_file: " + key + "\n");
      b.append("  client_auth_type: ").append(auth).append('\n');
      if (auth != WebConfig.ClientAuth.NoClientCert) {
        b.append("  client_ca_file: ca.pem\n");
      }
      b.append("  min_version: TLS1").append(min).append("\n  max_version: TLS1").append(max).append('\n');
      if (!ciphers.isEmpty()) {
        b.append("  cipher_suites: [").append(String.join(", ", ciphers)).append("]\n");
      }
      b.append("http_server_config:\n  headers:\n    X-Frame-Options: ").append(frameOptions).append('\n');
      if (!users.isEmpty()) {
        b.append("basic_auth_users:\n");
        users.forEach((u, h) -> b.append("  ").append(u).append(": \"").append(h).append("\"\n"));
      }
      return b.toString();
    }
  }

  @Provide
  Arbitrary<Model> model() {
    Arbitrary<String> file = Arbitraries.strings().withCharRange('a', 'z').withChars('/', '.', '-').ofMinLength(1)
        .ofMaxLength(30).filter(s -> Character.isLetter(s.charAt(0)));
    Arbitrary<String> hash = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').numeric()
        .withChars('.', '/').ofLength(53).map(s -> "$2y$10$" + s);
    Arbitrary<Map<String, String>> users = Arbitraries.maps(Arbitraries.strings().withCharRange('a', 'z')
        .ofMinLength(1).ofMaxLength(10), hash).ofMaxSize(4);
    return Combinators.combine(file, file, Arbitraries.of(WebConfig.ClientAuth.class), Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, 3), Arbitraries.of(TlsNames.GO_CIPHERS).list().uniqueElements().ofMaxSize(4),
        users, Arbitraries.of("deny", "sameorigin")).as((c, k, a, mn, mx, ci, u, f) ->
        new Model(c, k, a, Math.min(mn, mx), Math.max(mn, mx), ci, u, f));
  }

  @Property
  void validFilesParseToTheModel(@ForAll("model") Model m) {
    Path dir = Path.of("/etc/hpc-status-exporter");
    WebConfig c = WebConfigParser.parse(m.yaml(), dir);
    assertThat(c.tls().certFile()).isEqualTo(dir.resolve(m.cert()));
    assertThat(c.tls().keyFile()).isEqualTo(dir.resolve(m.key()));
    assertThat(c.tls().clientAuth()).isEqualTo(m.auth());
    assertThat(c.tls().protocols()).hasSize(m.max() - m.min() + 1)
        .startsWith(List.copyOf(TlsNames.VERSIONS.values()).get(m.min()));
    assertThat(c.tls().cipherSuites()).isEqualTo(m.ciphers());
    assertThat(c.basicAuthUsers()).isEqualTo(m.users());
    assertThat(c.headers()).isEqualTo(Map.of("X-Frame-Options", m.frameOptions()));
  }
}
