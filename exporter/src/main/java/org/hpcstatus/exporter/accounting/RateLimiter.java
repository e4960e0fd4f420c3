package org.hpcstatus.exporter.accounting;

import java.time.Clock;
import java.time.Duration;

/** Spaces calls at least {@code spacing} apart (default 30 s: at most 2 sacct calls per minute). */
public final class RateLimiter {

  /** How to wait; tests pass one that advances a fake clock. */
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private final long spacingMillis;
  private final Clock clock;
  private final Sleeper sleeper;
  private long last = Long.MIN_VALUE;

  public RateLimiter(Duration spacing, Clock clock, Sleeper sleeper) {
    this.spacingMillis = spacing.toMillis();
    this.clock = clock;
    this.sleeper = sleeper;
  }

  public static RateLimiter realTime(Duration spacing) {
    return new RateLimiter(spacing, Clock.systemUTC(), Thread::sleep);
  }

  /** Blocks until a call is allowed, then records it. */
  public synchronized void acquire() throws InterruptedException {
    if (last != Long.MIN_VALUE) {
      long wait = last + spacingMillis - clock.millis();
      if (wait > 0) {
        sleeper.sleep(wait);
      }
    }
    last = clock.millis();
  }
}
