package org.hpcstatus.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.kinds.HttpCheck;
import org.hpcstatus.exporter.health.kinds.Kinds;
import org.junit.jupiter.api.Test;

/** The registry: each kind owns its name, its options, its metrics; options bind by kind. */
class KindsTest {

  @Test
  void kindNamesMetricsAndCommonKeysAreDistinct() {
    assertThat(Kinds.names()).doesNotHaveDuplicates().hasSize(Kinds.ALL.size());
    Set<String> metricNames = new HashSet<>();
    for (Kind<?> k : Kinds.ALL) {
      for (MetricDef d : k.metrics()) {
        assertThat(metricNames.add(d.name())).as(d.name() + " declared by two kinds").isTrue();
        assertThat(d.name()).startsWith("service_" + (k.name().equals("sql") ? "sql" : k.name()) + "_");
        assertThat(d.labels()).startsWith("service", "kind");
      }
      assertThat(k.optionKeys()).as(k + ": kind options must not shadow common keys")
          .doesNotContain("name", "kind", "target", "interval", "timeout", "failure_threshold", "username", "tls");
      assertThat(k.defaults()).isInstanceOf(k.optionsType());
    }
  }

  @Test
  void optionsBindToTheKindsTypedRecord() {
    ServiceCheckConfig c = HealthTesting.services("""
          - {name: a, kind: http, target: "http://h", path: /x, expect_status: [200, 204], json_field: /s}
          - {name: b, kind: tcp, target: "h:1"}
        """).get(0);
    HttpCheck.Options o = c.options(HttpCheck.Options.class);
    assertThat(o.path()).isEqualTo("/x");
    assertThat(o.expectStatus()).containsExactly(200, 204);
    assertThat(o.jsonField()).isEqualTo("/s");
    assertThat(ServiceCheckConfig.of("t", "tcp", "h:1").options()).isEqualTo(new Kind.NoOptions());
  }

  @Test
  void keysOfOtherKindsAndTypeErrorsNameTheirPath() {
    assertThatThrownBy(() -> HealthTesting.services("""
          - {name: a, kind: http, target: "http://h", round_trip_topic: t}
        """)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("/services/0/round_trip_topic: does not apply to kind http; its options are "
            + "[body_regex,");
    assertThatThrownBy(() -> HealthTesting.services("""
          - {name: a, kind: http, target: "http://h"}
          - {name: b, kind: http, target: "http://h", expect_status: [abc]}
        """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("/services/1/expect_status/0:");
    assertThatThrownBy(() -> HealthTesting.services("""
          - {name: a, kind: tcp, target: "h:1", failure_threshold: many}
        """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("/services/0/failure_threshold:");
    assertThatThrownBy(() -> HealthTesting.services("""
          - {name: a, target: "h:1"}
        """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("/services/0/kind: unknown kind 'null'");
  }

  @Test
  void programmaticOptionsOfTheWrongKindAreRejected() {
    ServiceCheckConfig wrong = ServiceCheckConfig.of("a", "tcp", "h:1").withOptions(new HttpCheck.Options(null, null,
        null, null, null));
    assertThatThrownBy(() -> wrong.validate("/services/0")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("/services/0: options of kind tcp");
  }
}
