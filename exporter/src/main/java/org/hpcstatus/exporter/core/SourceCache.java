package org.hpcstatus.exporter.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each {@link Source} at most once per freshness window and shares the parsed result between the
 * collectors that read it. Single-flight: while one caller runs a command, others asking for the same
 * source wait for that run instead of starting a second one — so slurmctld sees one RPC burst per
 * interval, whatever the number of collectors or Prometheus servers.
 */
public final class SourceCache {
  private static final Logger LOG = LoggerFactory.getLogger(SourceCache.class);

  private final CommandRunner runner;
  private final SelfMetrics self;
  private final Clock clock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  public SourceCache(CommandRunner runner, SelfMetrics self, Clock clock) {
    this.runner = runner;
    this.self = self;
    this.clock = clock;
  }

  public CommandRunner runner() {
    return runner;
  }

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    volatile Instant fetchedAt;
    volatile Object value;
    volatile CommandException failure;
  }

  /**
   * The source's parsed value, fetched now unless a result younger than {@code maxAge} exists.
   *
   * @throws CommandException if the command failed (also when the failure is itself recent)
   */
  @SuppressWarnings("unchecked")
  public <T> T get(Source<T> source, Duration maxAge) throws CommandException {
    Entry e = entries.computeIfAbsent(source.name(), k -> new Entry());
    e.lock.lock();
    try {
      Instant now = clock.instant();
      Duration age = maxAge.compareTo(source.minAge()) < 0 ? source.minAge() : maxAge;
      // a failed fetch is retried at the collector's pace, not held for the source's floor
      if (e.failure != null) {
        age = maxAge;
      }
      if (e.fetchedAt == null || !e.fetchedAt.plus(age).isAfter(now)) {
        fetch(source, e);
      }
      if (e.failure != null) {
        throw e.failure;
      }
      return (T) e.value;
    } finally {
      e.lock.unlock();
    }
  }

  private <T> void fetch(Source<T> source, Entry e) {
    try {
      CommandResult r = runner.run(source.label(), source.argv(), source.allowNonZero());
      Parsed<T> parsed = source.parser().apply(r.stdout());
      if (parsed.errors() > 0) {
        self.parseErrors(source.name(), parsed.errors());
        LOG.warn("{}: skipped {} malformed record(s) of `{}` output, e.g. {}", source.name(), parsed.errors(),
            source.label(), parsed.samples());
      }
      if (parsed.unusable()) {
        e.value = null;
        e.failure = new CommandException(source.label(), CommandException.Reason.PARSE,
            "output not understood (" + parsed.errors() + " malformed records, nothing usable): " + parsed.samples());
      } else {
        e.value = parsed.value();
        e.failure = null;
      }
    } catch (CommandException ex) {
      e.value = null;
      e.failure = ex;
    } catch (RuntimeException ex) {
      // a parser bug must not take the exporter down: count it and report the source as failed
      self.parseErrors(source.name(), 1);
      LOG.error("{}: parser failed on `{}` output", source.name(), source.label(), ex);
      e.value = null;
      e.failure = new CommandException(source.label(), CommandException.Reason.PARSE,
          "parser failed: " + ex);
    }
    e.fetchedAt = clock.instant();
  }
}
