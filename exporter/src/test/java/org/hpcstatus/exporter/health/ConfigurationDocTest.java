package org.hpcstatus.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hpcstatus.exporter.Config;
import org.hpcstatus.exporter.ConfigLoader;
import org.junit.jupiter.api.Test;

/** The example in docs/configuration.md "## Service checks" must stay a valid config using every kind. */
class ConfigurationDocTest {

  @Test
  void serviceChecksExampleLoads() throws Exception {
    String base = System.getProperty("maven.multiModuleProjectDirectory");
    Path doc = base == null ? Path.of("../docs/configuration.md") : Path.of(base, "docs/configuration.md");
    if (!Files.exists(doc)) {
      doc = Path.of("docs/configuration.md");
    }
    String text = Files.readString(doc);
    int section = text.indexOf("## Service checks");
    assertThat(section).as("section in " + doc).isPositive();
    int example = text.indexOf("### Example", section);
    int start = text.indexOf("```yaml\n", example) + "```yaml\n".length();
    int end = text.indexOf("```", start);
    Config c = ConfigLoader.parse(text.substring(start, end));
    assertThat(c.services()).extracting(ServiceCheckConfig::kind).containsExactlyInAnyOrderElementsOf(
        ServiceChecksValidator.kinds().stream().flatMap(k -> k.equals("influxdb")
            ? java.util.stream.Stream.of(k, k) : java.util.stream.Stream.of(k)).toList());
    try (HealthChecks hc = new HealthChecks(c.services(), () -> "doc")) {
      assertThat(hc.configs()).hasSize(c.services().size());
    }
  }
}
