package org.hpcstatus.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed dashboards/*.json and docs/dashboards.md are exactly what the generator produces. Run with
 * -Ddashboards.update=true to rewrite them (see docs/dashboards.md, "Regenerating").
 */
class DashboardsTest {

  static final String REGENERATE = "regenerate with: mvn -B -o -pl dashboards/generator -am test "
      + "-Ddashboards.update=true -Dtest=DashboardsTest -Dsurefire.failIfNoSpecifiedTests=false";

  @Test
  void committedFilesMatchTheGenerator() throws IOException {
    Path root = Repo.root();
    Map<String, String> rendered = Generator.render(root);
    if (Boolean.getBoolean("dashboards.update")) {
      try (Stream<Path> old = Files.list(root.resolve("dashboards"))) {
        for (Path p : old.filter(p -> p.toString().endsWith(".json")).toList()) {
          Files.delete(p);
        }
      }
      for (var e : rendered.entrySet()) {
        Path file = root.resolve(e.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, e.getValue());
      }
    }
    for (var e : rendered.entrySet()) {
      Path file = root.resolve(e.getKey());
      assertThat(file).as(e.getKey() + " is missing; " + REGENERATE).exists();
      assertThat(Files.readString(file)).as(e.getKey() + " differs from the generator's output; " + REGENERATE)
          .isEqualTo(e.getValue());
    }
    try (Stream<Path> files = Files.list(root.resolve("dashboards"))) {
      assertThat(files.filter(p -> p.toString().endsWith(".json"))
          .map(p -> "dashboards/" + p.getFileName()))
          .as("dashboards/*.json the generator does not produce (stale files); " + REGENERATE)
          .allMatch(rendered::containsKey);
    }
  }

  @Test
  void docKeepsTheEndToEndSectionVerbatim() {
    String existing = "# old\n\nstale generated text\n" + DashboardsDoc.PRESERVED_MARKER + "\n## Proven end to end\n\n| a |\n";
    String doc = DashboardsDoc.render(Generator.boards(), existing);
    assertThat(doc).startsWith("# Dashboards\n").doesNotContain("stale generated text")
        .endsWith("\n" + DashboardsDoc.PRESERVED_MARKER + "\n## Proven end to end\n\n| a |\n");
    assertThat(DashboardsDoc.render(Generator.boards(), "no marker")).isEqualTo(DashboardsDoc.render(Generator.boards()));
  }

  @Test
  void fourDashboardsWithStableUids() {
    assertThat(Generator.render().keySet()).containsExactly(
        "dashboards/hpcstatus-operator-overview.json", "dashboards/hpcstatus-cluster-status.json",
        "dashboards/hpcstatus-scoreboard.json", "dashboards/hpcstatus-exporter-health.json", "docs/dashboards.md");
  }

  @Test
  void renderingIsDeterministic() {
    assertThat(Generator.render()).isEqualTo(Generator.render());
  }

  @Test
  void substituteReplacesGrafanaVariables() {
    assertThat(Generator.substitute("rate(x{cluster=~\"$cluster\", p=~\"${partition:regex}\"}[$__rate_interval])",
        "1m", Map.of("cluster", "testbed")))
        .isEqualTo("rate(x{cluster=~\"testbed\", p=~\".*\"}[1m])");
  }
}
