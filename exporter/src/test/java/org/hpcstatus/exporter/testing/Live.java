package org.hpcstatus.exporter.testing;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Prerequisites of integration tests (a live Slurm testbed, a real broker, promtool …). Where they
 * must run — CI ({@code CI=true}) or {@code -Dhpcstatus.it.required=true} — a missing prerequisite
 * FAILS the test. Elsewhere the test is skipped, with a loud line on stderr saying what was missing.
 */
public final class Live {
  private Live() {}

  public static boolean required() {
    return Boolean.getBoolean("hpcstatus.it.required") || "true".equalsIgnoreCase(System.getenv("CI"));
  }

  public static void require(boolean available, String what) {
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
