package org.hpcstatus.exporter.core;

import java.time.Duration;

/** What a collector gets for one run: shared sources, at the freshness its poll interval asks for. */
public final class CollectContext {
  private final SourceCache sources;
  private final Duration maxAge;

  public CollectContext(SourceCache sources, Duration interval) {
    this.sources = sources;
    // a source fetched by a sibling collector earlier in this same tick counts as fresh
    long ms = interval.toMillis();
    this.maxAge = Duration.ofMillis(Math.max(ms / 2, ms - 2000));
  }

  public <T> T get(Source<T> source) throws CommandException {
    return sources.get(source, maxAge);
  }

  public CommandRunner runner() {
    return sources.runner();
  }
}
