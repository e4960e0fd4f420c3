package org.hpcstatus.dashboards.rules;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Prerequisites of integration tests, as the exporter module's {@code testing.Live}: where they must run
 * (CI={@code true} or {@code -Dhpcstatus.it.required=true}) a missing one FAILS the test, elsewhere it is
 * skipped with a loud line on stderr.
 */
final class Required {
  private Required() {}

  static boolean required() {
    return Boolean.getBoolean("hpcstatus.it.required") || "true".equalsIgnoreCase(System.getenv("CI"));
  }

  static void require(boolean available, String what) {
    if (available) {
      return;
    }
    if (required()) {
      fail("REQUIRED prerequisite missing (integration tests must run here): " + what);
    }
    System.err.println("!!! SKIPPING integration test: " + what + " is not available (set up with scripts/ci-test.sh)");
    Assumptions.assumeTrue(false, what + " not available");
  }
}
