package org.hpcstatus.exporter.health;

import java.time.Duration;

/** Per-run context: the deadline of this run. */
public final class CheckContext {
  private final long deadlineNanos;
  private final Duration timeout;

  public CheckContext(Duration timeout) {
    this.timeout = timeout;
    this.deadlineNanos = System.nanoTime() + timeout.toNanos();
  }

  public Duration timeout() {
    return timeout;
  }

  /** Milliseconds left before the hard timeout, at least 1 (so it can always be used as a socket timeout). */
  public int remainingMillis() {
    long ms = (deadlineNanos - System.nanoTime()) / 1_000_000;
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
  }

  /** Throws a timeout failure if the deadline has passed. */
  public void checkDeadline() throws CheckException {
    if (System.nanoTime() - deadlineNanos >= 0) {
      throw new CheckException(Reason.TIMEOUT, "no answer within " + timeout.toMillis() + "ms");
    }
  }
}
