package org.hpcstatus.exporter.e2e;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waiting on a condition, never on the clock: probe every {@code every} until {@code ok} holds or the
 * (generous) deadline passes, then fail naming what was awaited and the last value seen. Exceptions of
 * the probe (a server not listening yet) count as "not yet".
 */
final class Poll {
  private Poll() {}

  interface Probe<T> {
    T get() throws Exception;
  }

  static <T> T until(String what, Duration deadline, Duration every, Probe<T> probe, Predicate<T> ok) {
    return until(what, deadline, every, probe, ok, () -> "");
  }

  static <T> T until(String what, Duration deadline, Duration every, Probe<T> probe, Predicate<T> ok,
      java.util.function.Supplier<String> context) {
    long end = System.nanoTime() + deadline.toNanos();
    T last = null;
    Exception lastError = null;
    while (true) {
      try {
        last = probe.get();
        lastError = null;
        if (ok.test(last)) {
          return last;
        }
      } catch (Exception e) {
        lastError = e;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + deadline.toSeconds() + " s waiting for " + what
            + "; last value: " + last + (lastError == null ? "" : "; last error: " + lastError) + "\n"
            + context.get(), lastError);
      }
      try {
        Thread.sleep(every.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
