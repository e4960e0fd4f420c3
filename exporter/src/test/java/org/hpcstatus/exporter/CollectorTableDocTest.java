package org.hpcstatus.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md's collector table is {@link Collectors#TABLE}, rendered (regenerate: ConfigurationDoc). */
class CollectorTableDocTest {

  @Test
  void configurationMdHasTheGeneratedCollectorTable() throws Exception {
    Path file = MetricsDocTest.docs().resolveSibling("configuration.md");
    String doc = Files.readString(file);
    String expected = ConfigurationDoc.withCollectorTable(doc);
    if (Boolean.getBoolean("hpcstatus.updateDocs")) {
      Files.writeString(file, expected);
      doc = expected;
    }
    assertThat(doc).contains(ConfigurationDoc.START).contains(ConfigurationDoc.END);
    assertThat(doc).as("docs/configuration.md's collector table is stale: regenerate with -Dhpcstatus.updateDocs=true"
        + " (CollectorTableDocTest) or ConfigurationDoc.main").isEqualTo(expected);
    for (Collectors.Entry e : Collectors.TABLE) {
      assertThat(doc).contains("| `" + e.name() + "` |");
    }
  }
}
