package org.hpcstatus.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hpcstatus.exporter.Config;
import org.hpcstatus.exporter.ConfigLoader;
import org.junit.jupiter.api.Test;

/** The example in docs/configuration.md "## Service checks" must stay a valid config using every kind. */
class ConfigurationDocTest {

  static String doc() throws java.io.IOException {
    String base = System.getProperty("maven.multiModuleProjectDirectory");
    Path doc = base == null ? Path.of("../docs/configuration.md") : Path.of(base, "docs/configuration.md");
    if (!Files.exists(doc)) {
      doc = Path.of("docs/configuration.md");
    }
    return Files.readString(doc);
  }

  /** Adding a kind = its file + its registry line + these docs: the kinds table and the `kind` key list. */
  @Test
  void kindsTableListsEveryRegisteredKind() throws Exception {
    String text = doc();
    int table = text.indexOf("### Kinds");
    java.util.List<String> rows = new java.util.ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\| `([a-z0-9_]+)` \\|")
        .matcher(text.substring(table, text.indexOf("\n### ", table + 1)));
    while (m.find()) {
      rows.add(m.group(1));
    }
    assertThat(rows).containsExactlyElementsOf(ServiceChecks.kinds());
    String kindKey = text.lines().filter(l -> l.startsWith("| `kind` |")).findFirst().orElseThrow();
    assertThat(kindKey).isEqualTo("| `kind` | (required) | " + String.join(", ",
        ServiceChecks.kinds().stream().map(k -> "`" + k + "`").toList()) + " |");
  }

  @Test
  void serviceChecksExampleLoads() throws Exception {
    String text = doc();
    int section = text.indexOf("## Service checks");
    assertThat(section).as("section in docs/configuration.md").isPositive();
    int example = text.indexOf("### Example", section);
    int start = text.indexOf("```yaml\n", example) + "```yaml\n".length();
    int end = text.indexOf("```", start);
    Config c = ConfigLoader.parse(text.substring(start, end));
    assertThat(c.services()).extracting(ServiceCheckConfig::kind).containsExactlyInAnyOrderElementsOf(
        ServiceChecks.kinds().stream().flatMap(k -> k.equals("influxdb")
            ? java.util.stream.Stream.of(k, k) : java.util.stream.Stream.of(k)).toList());
    try (HealthChecks hc = new HealthChecks(c.services(), () -> "doc")) {
      assertThat(hc.configs()).hasSize(c.services().size());
    }
  }
}
