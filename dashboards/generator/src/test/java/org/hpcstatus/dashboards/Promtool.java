package org.hpcstatus.dashboards;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Debian's promtool for the integration tests. Where integration tests must run
 * (-Dhpcstatus.it.required=true or CI=true) a missing promtool fails the test; elsewhere it is skipped
 * with a loud line on stderr. -Dhpcstatus.promtool=PATH overrides /usr/bin/promtool.
 */
final class Promtool {

  record Result(int exitCode, String output) {}

  private static final Path PROMTOOL = Path.of(System.getProperty("hpcstatus.promtool", "/usr/bin/promtool"));

  private Promtool() {}

  static void require() {
    if (Files.isExecutable(PROMTOOL)) {
      return;
    }
    boolean required = Boolean.getBoolean("hpcstatus.it.required") || "true".equalsIgnoreCase(System.getenv("CI"));
    if (required) {
      fail("REQUIRED prerequisite missing (integration tests must run here): " + PROMTOOL);
    }
    System.err.println("!!! SKIPPING integration test: " + PROMTOOL + " is not available");
    Assumptions.assumeTrue(false, PROMTOOL + " not available");
  }

  /** {@code promtool <args>} in {@code dir}, waiting at most two minutes. */
  static Result run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(PROMTOOL.toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    boolean done = p.waitFor(120, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
      fail("promtool " + String.join(" ", args) + " did not finish within 120 s: " + out);
    }
    return new Result(p.exitValue(), out);
  }
}
