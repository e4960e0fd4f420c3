package org.hpcstatus.exporter.accounting;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand; its sleeper advances it instead of sleeping. */
final class FakeClock extends Clock {
  private long millis;
  long slept;

  FakeClock(long epochSecond) {
    this.millis = epochSecond * 1000;
  }

  void advanceSeconds(long s) {
    millis += s * 1000;
  }

  RateLimiter.Sleeper sleeper() {
    return ms -> {
      millis += ms;
      slept += ms;
    };
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }
}
