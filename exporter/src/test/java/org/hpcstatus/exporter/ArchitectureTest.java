package org.hpcstatus.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The import rules of docs/architecture.md, checked on the sources: each package may import only the
 * packages of ours listed here (itself always; {@code slurm.common} means that sub-package only). The root package is the wiring: it may import
 * everything, and only {@code cli} imports it.
 */
class ArchitectureTest {
  static final String BASE = "org.hpcstatus.exporter";
  static final Map<String, Set<String>> ALLOWED = Map.of(
      "config", Set.of(),
      "core", Set.of("config"),
      "slurm", Set.of("core", "config"),
      "health", Set.of("core", "config"),
      "accounting", Set.of("core", "config", "slurm.common"), // sacct fields use Slurm's value syntax
      "web", Set.of("core", "config", "health"),
      "status", Set.of("core", "config", "web"), // reads metric snapshots, not other packages' internals
      "cli", Set.of("(root)", "config", "core", "web", "health", "accounting"));

  static Path sources() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("exporter/src/main/java"))) {
      p = p.getParent();
    }
    assertThat(p).as("exporter/src/main/java above the working directory").isNotNull();
    return p.resolve("exporter/src/main/java/org/hpcstatus/exporter");
  }

  /** "slurm" for org.hpcstatus.exporter.slurm.nodes, "(root)" for the root package. */
  static String area(String pkg) {
    if (pkg.equals(BASE)) {
      return "(root)";
    }
    String rest = pkg.substring(BASE.length() + 1);
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
  static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?(org\\.hpcstatus\\.exporter[\\w.]*)\\.[\\w*]+;",
      Pattern.MULTILINE);
  // fully qualified use in code, e.g. new org.hpcstatus.exporter.core.SelfMetrics()
  static final Pattern QUALIFIED = Pattern.compile("org\\.hpcstatus\\.exporter((?:\\.[a-z]\\w*)*)\\.[A-Z]");

  @Test
  void everyPackageImportsOnlyWhatItMay() throws IOException {
    List<String> violations = new ArrayList<>();
    int files = 0;
    try (Stream<Path> s = Files.walk(sources())) {
      for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
        files++;
        String text = Files.readString(f);
        Matcher pm = PACKAGE.matcher(text);
        assertThat(pm.find()).as("package of %s", f).isTrue();
        String from = area(pm.group(1));
        Matcher q = QUALIFIED.matcher(text.substring(pm.end()));
        while (q.find()) {
          String pkg = BASE + q.group(1);
          String to = area(pkg);
          String sub = pkg.equals(BASE) ? to : pkg.substring(BASE.length() + 1);
          Set<String> allowed = ALLOWED.get(from);
          boolean ok = to.equals(from) || from.equals("(root)") || allowed.contains(to)
              || allowed.stream().anyMatch(a -> a.contains(".") && (sub.equals(a) || sub.startsWith(a + ".")));
          if (!ok) {
            violations.add(sources().relativize(f) + " uses " + pkg);
          }
        }
      }
    }
    assertThat(files).isGreaterThan(50);
    assertThat(violations).as("imports against docs/architecture.md").isEmpty();
  }

  @Test
  void theRulesThemselvesCatchACycle() {
    // a cheap self-check that the matcher sees both import forms
    Matcher m = QUALIFIED.matcher("import org.hpcstatus.exporter.health.HealthChecks; x = new org.hpcstatus.exporter.Exporter(");
    assertThat(m.find()).isTrue();
    assertThat(area(BASE + m.group(1))).isEqualTo("health");
    assertThat(m.find()).isTrue();
    assertThat(area(BASE + m.group(1))).isEqualTo("(root)");
  }
}
