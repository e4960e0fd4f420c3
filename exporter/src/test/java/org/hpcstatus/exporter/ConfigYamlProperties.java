package org.hpcstatus.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.hpcstatus.exporter.config.ConfigException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The config loader on generated YAML: arbitrary documents built from the real keys and hostile values
 * either load or fail with a {@link ConfigException} (the only documented error), never another
 * exception; valid documents from a model load with exactly the model's values.
 */
public class ConfigYamlProperties {
  static final List<String> KEYS = List.of("cluster", "web", "listen_address", "slurm", "bin_dir", "command_timeout",
      "max_output_bytes", "collectors", "nodes", "jobs", "enabled", "interval", "top_users", "top_accounts",
      "exclude_users", "fairshare", "accounting", "state_dir", "services", "name", "kind", "target", "timeout", "typo");

  @Provide
  public Arbitrary<String> scalar() {
    return Arbitraries.oneOf(Arbitraries.of("", "~", "null", "true", "no", "15s", "-1s", "0", "1e400", "0x10",
        "99999999999999999999", "\"quoted: yes\"", "[1, 2]", "{a: b}", "*anchor", "&a x", "!!binary AAAA", "'",
        "1h30m", "7d", "500ms", ":9850", "localhost:0", "[::1]:9850", "\t", "%", "@", "`"),
        Arbitraries.strings().ofMaxLength(10), Arbitraries.integers().map(String::valueOf));
  }

  /** A nested YAML document (block style) from real keys and hostile scalars. */
  @Provide
  public Arbitrary<String> document() {
    return Arbitraries.lazyOf(() -> node(0)).map(n -> n);
  }

  Arbitrary<String> node(int depth) {
    Arbitrary<String> leaf = Combinators.combine(Arbitraries.of(KEYS), scalar()).as((k, v) -> k + ": " + v);
    if (depth >= 3) {
      return leaf.list().ofMaxSize(4).map(l -> String.join("\n", l));
    }
    Arbitrary<String> nested = Combinators.combine(Arbitraries.of(KEYS), node(depth + 1))
        .as((k, body) -> k + ":\n" + indent(body));
    Arbitrary<String> list = Combinators.combine(Arbitraries.of(KEYS), node(depth + 1))
        .as((k, body) -> k + ":\n  - " + indent(body).strip().replace("\n", "\n    "));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, leaf), net.jqwik.api.Tuple.of(2, nested),
        net.jqwik.api.Tuple.of(1, list)).list().ofMaxSize(5).map(l -> String.join("\n", l));
  }

  static String indent(String s) {
    return s.lines().map(l -> "  " + l).reduce((a, b) -> a + "\n" + b).orElse("  {}");
  }

  @Property
  public void arbitraryDocumentsLoadOrFailWithAConfigException(@ForAll("document") String yaml) {
    try {
      Config c = ConfigLoader.parse(yaml);
      assertThat(c).isNotNull();
    } catch (ConfigException e) {
      assertThat(e.getMessage()).startsWith("/");
    }
  }

  @Property
  public void arbitraryTextLoadsOrFailsWithAConfigException(@ForAll String text) {
    try {
      assertThat(ConfigLoader.parse(text)).isNotNull();
    } catch (ConfigException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  public record Model(String cluster, int port, int timeoutSeconds, int nodesInterval, boolean jobsEnabled, int topUsers,
               List<String> exclude) {
    String yaml() {
      return "cluster: \"" + cluster + "\"\nweb:\n  listen_address: \"127.0.0.1:" + port + "\"\nslurm:\n"
          + "  command_timeout: " + timeoutSeconds + "s\ncollectors:\n  nodes: {interval: " + nodesInterval + "s}\n"
          + "  jobs: {enabled: " + jobsEnabled + "}\njobs:\n  top_users: " + topUsers + "\n  exclude_users: ["
          + String.join(", ", exclude) + "]\n";
    }
  }

  @Provide
  public Arbitrary<Model> model() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
    return Combinators.combine(word, Arbitraries.integers().between(1, 65535), Arbitraries.integers().between(1, 3600),
        Arbitraries.integers().between(1, 86400), Arbitraries.of(true, false), Arbitraries.integers().between(0, 1000),
        word.list().uniqueElements().ofMaxSize(5)).as(Model::new);
  }

  @Property
  public void validDocumentsLoadWithTheModelsValues(@ForAll("model") Model m) {
    Config c = ConfigLoader.parse(m.yaml());
    assertThat(c.cluster()).isEqualTo(m.cluster());
    assertThat(c.web().listenAddress()).isEqualTo("127.0.0.1:" + m.port());
    assertThat(c.slurm().commandTimeout()).isEqualTo(Duration.ofSeconds(m.timeoutSeconds()));
    assertThat(c.collectors().get("nodes").interval()).isEqualTo(Duration.ofSeconds(m.nodesInterval()));
    assertThat(c.collectors().get("jobs").enabled()).isEqualTo(m.jobsEnabled());
    assertThat(c.jobs().topUsers()).isEqualTo(m.topUsers());
    assertThat(c.jobs().excludeUsers()).isEqualTo(m.exclude());
  }
}
