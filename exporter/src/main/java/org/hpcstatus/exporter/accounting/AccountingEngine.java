package org.hpcstatus.exporter.accounting;

import java.io.InputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.core.CommandException;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-threaded heart of accounting: one {@link #step()} is one unit of work — rebuild a lost
 * month's bitmap, backfill one month, or one live increment — i.e. at most one sacct window, followed by
 * one atomic commit. Order: rebuilds first (counting into a month whose bitmap is missing could count a
 * job twice), then a pending backfill, then live ingest.
 *
 * <p>Live ingest queries {@code [cursor − overlap, now]} and then moves the cursor to {@code now}; the
 * overlap catches records that reach slurmdbd late, and the per-month bitmaps make the re-read rows
 * duplicates instead of double counts.
 */
public final class AccountingEngine {
  private static final Logger LOG = LoggerFactory.getLogger(AccountingEngine.class);
  private static final int MAX_ERROR_SAMPLES = 5;

  public enum Kind { REBUILD, BACKFILL, LIVE }

  /** What one step did. */
  public record StepResult(Kind kind, Instant from, Instant to, long rows, long counted, long duplicates,
                           long steps, long malformed) {}

  private final StateStore store;
  private final SacctSource source;
  private final AccountingConfig config;
  private final Clock clock;
  private final RateLimiter limiter;
  private final SacctParser parser = new SacctParser();
  private AccountingState state;
  private SeenIds seen;
  private final List<String> lastErrors = new ArrayList<>();
  private boolean warnedMalformed;
  /** A step failed after it may have changed {@link #state}/{@link #seen}: reload before the next one. */
  private boolean stale;

  public AccountingEngine(StateStore store, SacctSource source, AccountingConfig config, Clock clock,
                          RateLimiter limiter) throws IOException {
    this.store = store;
    this.source = source;
    this.config = config;
    this.clock = clock;
    this.limiter = limiter;
    StateStore.Loaded l = store.load(clock.instant().getEpochSecond());
    this.state = l.state();
    this.seen = l.seen();
    normalize();
  }

  private void normalize() {
    if (state.visibleAccounts == null) {
      // a state from before accounts were capped: admit now, so the first render labels them as later ones will
      Visibility.admitAccounts(state, config);
    }
    if (state.recentCounted == null) {
      state.recentCounted = new ArrayList<>();
    }
    if (state.recentSince == null) {
      // a state that has never been committed keeps the list from the start; an older state's overlap window
      // was counted without it
      state.recentSince = state.generation == 0 ? 0L : Math.max(0L, state.cursor);
    }
  }

  private long overlapSeconds() {
    return config.overlap().toSeconds();
  }

  /** Forgets recently counted jobs that have left the overlap window. */
  private void pruneRecent() {
    if (state.cursor >= 0) {
      long low = state.cursor - overlapSeconds();
      state.recentCounted.removeIf(p -> p[0] < low);
    }
  }

  public AccountingState state() {
    return state;
  }

  SeenIds seenForTests() {
    return seen;
  }

  /** Samples of the last malformed lines (for logs). */
  public List<String> lastErrors() {
    return List.copyOf(lastErrors);
  }

  /** True while a rebuild or backfill is pending (live ingest waits for them). */
  public boolean catchingUp() {
    return !state.rebuildMonths.isEmpty() || (state.backfill != null && !state.backfill.done());
  }

  /**
   * Schedules a month-by-month backfill of {@code [since, until)}. If the same backfill was interrupted
   * it resumes where it stopped; anything already counted is skipped by the bitmaps either way.
   */
  public void startBackfill(Instant since, Instant until) throws IOException {
    long s = since.getEpochSecond();
    long u = until.getEpochSecond();
    AccountingState.Backfill b = state.backfill;
    if (b != null && b.since == s && !b.done()) {
      b.until = Math.max(b.until, u);
      LOG.info("accounting: resuming backfill since {} at {}", since, Instant.ofEpochSecond(b.doneUntil));
    } else {
      state.backfill = new AccountingState.Backfill(s, u);
    }
    if (state.cursor < 0) {
      state.cursor = u; // live ingest continues where the backfill ends
    }
    state.origin = state.origin < 0 ? s : Math.min(state.origin, s);
    store.commit(state, seen);
  }

  /**
   * Does one unit of work and commits it. If it fails (sacct, I/O, or an Error such as OutOfMemoryError)
   * after it began changing the in-memory totals and bitmaps, those changes are not committed — and may be
   * torn (an Error between marking a job in its bitmap and adding it to the totals would lose that job on
   * the retry), so the next step first reloads the last committed state.
   */
  public StepResult step() throws CommandException, IOException, InterruptedException {
    if (stale) {
      reload();
    }
    try {
      StepResult r;
      if (!state.rebuildMonths.isEmpty()) {
        r = rebuild(state.rebuildMonths.get(0));
      } else if (state.backfill != null && !state.backfill.done()) {
        r = backfillMonth();
      } else {
        r = live();
      }
      store.clearFailure();
      return r;
    } catch (Throwable t) {
      if (!(t instanceof InterruptedException)) {
        store.recordFailure(clock.instant(), t);
      }
      // count nothing of a failed step: go back to the last commit now, so that nothing renders (or is
      // built upon) the half-counted totals; if that fails too, the next step tries again first
      stale = true;
      try {
        reload();
      } catch (Throwable ignored) {
        // still stale; see isStale()
      }
      throw t;
    }
  }

  /** True while the in-memory state may hold uncommitted changes of a failed step (do not render it). */
  public boolean isStale() {
    return stale;
  }

  private void reload() throws IOException {
    StateStore.Loaded l = store.load(clock.instant().getEpochSecond());
    String cluster = state.cluster;
    state = l.state();
    seen = l.seen();
    normalize();
    if (state.cluster == null) {
      state.cluster = cluster;
    }
    stale = false;
  }

  private StepResult live() throws CommandException, IOException, InterruptedException {
    long now = clock.instant().getEpochSecond();
    if (state.cursor < 0) {
      state.cursor = now;
    }
    long from = Math.max(0, Math.min(state.cursor, now) - config.overlap().toSeconds());
    if (state.origin < 0) {
      state.origin = from;
    }
    StepResult r = ingest(Kind.LIVE, from, now);
    state.cursor = Math.max(state.cursor, now);
    finish();
    return r;
  }

  private StepResult backfillMonth() throws CommandException, IOException, InterruptedException {
    AccountingState.Backfill b = state.backfill;
    long from = b.doneUntil;
    YearMonth ym = YearMonth.from(Instant.ofEpochSecond(from).atOffset(ZoneOffset.UTC));
    long monthEnd = ym.plusMonths(1).atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    long to = Math.min(monthEnd, b.until);
    StepResult r = ingest(Kind.BACKFILL, from, to);
    b.doneUntil = to;
    if (b.done()) {
      LOG.info("accounting: backfill since {} complete", Instant.ofEpochSecond(b.since));
      state.backfill = null;
    }
    finish();
    return r;
  }

  /**
   * Rebuilds a lost month's bitmap so that it holds exactly the jobs that were counted. Jobs that ended
   * before {@code cursor − overlap} were covered by queries long enough ago: they are marked from sacct.
   * Inside the overlap window sacct cannot tell a counted job from a late record that was never counted, so
   * those come from {@link AccountingState#recentCounted}; late records stay unmarked and the next overlap
   * re-read counts them.
   */
  private StepResult rebuild(String month) throws CommandException, IOException, InterruptedException {
    YearMonth ym = YearMonth.parse(month);
    long from = ym.atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    long monthEnd = ym.plusMonths(1).atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    // jobs ending before 'low' count as counted (for a state without the recent list: up to where it starts)
    long low = state.cursor < 0 ? monthEnd
        : Math.max(state.cursor - overlapSeconds(), Math.min(state.cursor, state.recentSince + 1));
    long limit = Math.min(monthEnd, low);
    RoaringBitmap b = new RoaringBitmap();
    long[] rows = new long[1];
    if (limit > from) {
      fetch(from, limit, in -> parser.scan(in, r -> {
        rows[0]++;
        if (r.end >= from && r.end < limit) {
          b.add((int) r.id);
        }
      }));
    }
    for (long[] p : state.recentCounted) {
      if (p[0] >= from && p[0] < monthEnd) {
        b.add((int) p[1]);
      }
    }
    seen.replace(month, b);
    state.rebuildMonths.remove(month);
    LOG.warn("accounting: rebuilt the job-id bitmap of {} from sacct ({} jobs marked as counted)", month,
        b.getLongCardinality());
    pruneRecent();
    store.commit(state, seen);
    return new StepResult(Kind.REBUILD, Instant.ofEpochSecond(from), Instant.ofEpochSecond(Math.max(from, limit)),
        rows[0], 0, 0, 0, 0);
  }

  private void finish() throws IOException {
    long today = Math.floorDiv(clock.instant().getEpochSecond(), 86400L);
    state.totals.pruneDaily(today);
    pruneRecent();
    Visibility.admit(state, config);
    store.commit(state, seen);
  }

  /**
   * Fetches {@code [from, to]} with one sacct call and counts it while it streams in (whatever its size: the
   * output is never held as a whole); the caller commits once at the end. If the call fails half way, the
   * rows counted so far are in memory only and {@link #step()} drops them (count nothing of a failed call).
   */
  private StepResult ingest(Kind kind, long from, long to) throws CommandException, IOException, InterruptedException {
    lastErrors.clear();
    StepResult[] part = new StepResult[1];
    fetch(from, to, in -> part[0] = applyChunk(kind, from, to, in));
    StepResult r = part[0];
    if (r.malformed() > 0) {
      // the overlap window re-reads the same bad lines every minute: warn once, then only at debug
      if (!warnedMalformed) {
        LOG.warn("accounting: skipped {} malformed sacct line(s) (counted in "
            + "hpcstatus_accounting_rows_skipped_total{reason=\"malformed\"}), e.g. {}", r.malformed(), lastErrors);
        warnedMalformed = true;
      } else {
        LOG.debug("accounting: skipped {} malformed sacct line(s), e.g. {}", r.malformed(), lastErrors);
      }
    }
    return r;
  }

  /** Parses and counts sacct output (dedupe included); no sacct call and no commit. */
  StepResult apply(Kind kind, long from, long to, InputStream in) throws IOException {
    lastErrors.clear();
    return applyChunk(kind, from, to, in);
  }

  private StepResult applyChunk(Kind kind, long from, long to, InputStream in) throws IOException {
    long[] counted = new long[2];
    long overlap = overlapSeconds();
    long recentFrom = state.cursor >= 0 ? state.cursor - overlap : Long.MAX_VALUE;
    Tally tally = new Tally(); // merged into the totals only once the whole output was read
    SacctParser.Counts c = parser.scan(in, r -> {
      if (seen.markNew(r.end, r.id)) {
        tally.add(r.user, r.account, r.partition, r.state, r.submit, r.start, r.end, r.elapsed, r.cpus, r.gpus,
            r.memoryBytes);
        counted[0]++;
        if (r.end >= recentFrom) {
          state.recentCounted.add(new long[] {r.end, r.id});
        }
      } else {
        counted[1]++;
      }
    });
    tally.mergeInto(state.totals, parser.names());
    state.skip("step", c.steps);
    state.skip("malformed", c.malformed());
    state.skip("duplicate", counted[1]);
    state.skip("not_finished", c.notFinished);
    if (lastErrors.size() < MAX_ERROR_SAMPLES) {
      for (String e : org.hpcstatus.exporter.core.Parsed.of(null, c.errors).samples()) {
        if (lastErrors.size() < MAX_ERROR_SAMPLES) {
          lastErrors.add(e);
        }
      }
    }
    return new StepResult(kind, Instant.ofEpochSecond(from), Instant.ofEpochSecond(to),
        c.jobs + c.steps + c.malformed() + c.notFinished, counted[0], counted[1], c.steps, c.malformed());
  }

  /** One rate-limited sacct call for {@code [from, to]}, its output streamed to {@code sink}. */
  private void fetch(long from, long to, SacctSource.Sink sink) throws CommandException, IOException,
      InterruptedException {
    limiter.acquire();
    source.fetch(Instant.ofEpochSecond(from), Instant.ofEpochSecond(to), sink);
  }

  /** Users counted per state across accounts (for tests and the backfill summary). */
  public Map<String, Long> jobsPerUser() {
    Map<String, Long> m = new HashMap<>();
    state.totals.users.forEach((u, accounts) -> accounts.values().forEach(a -> m.merge(u, a.jobCount(), Long::sum)));
    return m;
  }
}
