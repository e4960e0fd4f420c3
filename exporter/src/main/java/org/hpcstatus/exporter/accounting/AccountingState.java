package org.hpcstatus.exporter.accounting;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything accounting persists in {@code state.json} (one per cluster). The job-id bitmaps live in
 * separate per-month files named in {@link #seenFiles}; {@code state.json} is the commit point, so a
 * bitmap file it does not reference is a leftover of an interrupted write and is deleted on load.
 */
public final class AccountingState {
  public static final int VERSION = 1;

  public int version = VERSION;
  /** Incremented on every commit; part of the bitmap file names. */
  public long generation;
  public String cluster;
  /** Epoch seconds: every job that ended before {@code cursor} has been queried (live ingest goes on from here). */
  public long cursor = -1;
  /** Epoch seconds: the earliest End time the totals cover (-1 = unknown yet). */
  public long origin = -1;
  /** A backfill in progress, or null. */
  public Backfill backfill;
  /** Months ("2026-11") whose bitmap was lost and must be rebuilt from sacct before counting resumes. */
  public List<String> rebuildMonths = new ArrayList<>();
  /** Month ("2026-11") → bitmap file name in {@code seen/}. */
  public Map<String, String> seenFiles = new TreeMap<>();
  public Totals totals = new Totals();
  /** Users shown under their own name; admission is sticky so series do not flap. */
  public LinkedHashSet<String> visibleUsers = new LinkedHashSet<>();
  /**
   * Accounts shown under their own name (sticky, like users); the rest are {@code account="other"}. Null in a
   * state written before accounts were capped: the engine admits them on load, before anything is rendered.
   */
  public LinkedHashSet<String> visibleAccounts;
  /**
   * {@code [end, jobIdRaw]} of every job counted with End ≥ {@code cursor − overlap}. Whether such a job was
   * counted cannot be told from sacct (a late record may have reached slurmdbd after the last query that
   * covered its End), so a bitmap rebuild takes these from here instead of marking the whole overlap window.
   */
  public List<long[]> recentCounted = new ArrayList<>();
  /**
   * Jobs counted with End ≤ this were counted before {@link #recentCounted} was kept (a state written by an
   * older version; null until the engine has looked at the state, 0 for states that always kept it).
   */
  public Long recentSince;
  /** Rows skipped by reason (step, malformed, duplicate, not_finished). */
  public Map<String, Long> skipped = new TreeMap<>();

  /** A month-by-month backfill: months before {@code doneUntil} are done. */
  public static final class Backfill {
    public long since;
    public long until;
    public long doneUntil;

    public Backfill() {}

    public Backfill(long since, long until) {
      this.since = since;
      this.until = until;
      this.doneUntil = since;
    }

    public boolean done() {
      return doneUntil >= until;
    }
  }

  void skip(String reason, long n) {
    if (n > 0) {
      skipped.merge(reason, n, Long::sum);
    }
  }
}
