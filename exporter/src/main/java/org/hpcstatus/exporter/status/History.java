package org.hpcstatus.exporter.status;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.status.StatusSnapshot.State;

/**
 * Uptime history per component ("service:NAME", "cluster:NAME"): time spent up, degraded and down in
 * 5-minute buckets for 7 days and daily (UTC) buckets for 90 days, plus the last state changes. Time
 * is attributed between observations (capped, so a stopped exporter is a gap, not an outage);
 * {@code unknown} time counts in no bucket. Fixed-size rings: memory and file size per component are
 * bounded whatever the uptime. Not thread-safe: one producer ({@link StatusHub}) owns it.
 */
public final class History {
  public static final long FINE_MILLIS = 5 * 60_000L;
  public static final int FINE_BUCKETS = 7 * 24 * 12;
  public static final long DAY_MILLIS = 86_400_000L;
  public static final int DAILY_BUCKETS = 90;
  public static final int MAX_CHANGES = 100;
  /** Longest gap between two observations still attributed to the earlier state. */
  static final long MAX_GAP_MILLIS = 10_000;

  /** Seconds up / degraded / down in one bucket (millisecond resolution); {@code index} = start / width. */
  public record Bucket(long index, double up, double degraded, double down) {
    public double known() {
      return up + degraded + down;
    }

    /** Available = up or degraded (it answers, if imperfectly). */
    public double uptime() {
      return known() == 0 ? Double.NaN : (up + degraded) / known();
    }
  }

  /** One state change of a component. */
  public record Change(long atMillis, State from, State to, String reason) {}

  /** One component's history. */
  public static final class Track {
    final long[][] fine = new long[FINE_BUCKETS][];
    final long[][] daily = new long[DAILY_BUCKETS][];
    final ArrayDeque<Change> changes = new ArrayDeque<>();
    State state = State.UNKNOWN;
    long sinceMillis;
    long lastSeenMillis;

    public State state() {
      return state;
    }

    public long sinceMillis() {
      return sinceMillis;
    }

    public List<Change> changes() {
      return List.copyOf(changes);
    }

    void add(long[][] ring, long index, int stateIdx, long millis) {
      int slot = (int) Math.floorMod(index, (long) ring.length);
      long[] b = ring[slot];
      if (b == null || b[0] != index) {
        b = new long[] {index, 0, 0, 0};
        ring[slot] = b;
      }
      b[1 + stateIdx] += millis; // millis while counting, exposed as seconds
    }

    /** Buckets of a ring newer than {@code fromIndex}, oldest first. */
    List<Bucket> buckets(long[][] ring, long fromIndex, long toIndex) {
      List<Bucket> out = new ArrayList<>();
      for (long i = fromIndex; i <= toIndex; i++) {
        long[] b = ring[(int) Math.floorMod(i, (long) ring.length)];
        if (b != null && b[0] == i) {
          out.add(new Bucket(i, b[1] / 1000.0, b[2] / 1000.0, b[3] / 1000.0));
        } else {
          out.add(new Bucket(i, 0, 0, 0));
        }
      }
      return out;
    }
  }

  private final Map<String, Track> tracks = new LinkedHashMap<>();

  public Track track(String component) {
    return tracks.get(component);
  }

  public Map<String, Track> tracks() {
    return tracks;
  }

  /**
   * Records that {@code component} is in {@code state} at {@code nowMillis}: the time since its last
   * observation goes to the previous state's buckets, and a change of state is remembered.
   */
  public void observe(String component, State state, String reason, long nowMillis) {
    Track t = tracks.computeIfAbsent(component, k -> new Track());
    if (t.lastSeenMillis > 0 && nowMillis > t.lastSeenMillis) {
      long gap = Math.min(nowMillis - t.lastSeenMillis, MAX_GAP_MILLIS);
      int idx = switch (t.state) {
        case UP -> 0;
        case DEGRADED -> 1;
        case DOWN -> 2;
        case UNKNOWN -> -1;
      };
      if (idx >= 0) {
        long at = nowMillis - gap;
        t.add(t.fine, Math.floorDiv(at, FINE_MILLIS), idx, gap);
        t.add(t.daily, Math.floorDiv(at, DAY_MILLIS), idx, gap);
      }
    }
    if (t.state != state || t.sinceMillis == 0) {
      if (t.sinceMillis != 0 || state != State.UNKNOWN) {
        t.changes.addLast(new Change(nowMillis, t.state, state, reason));
        while (t.changes.size() > MAX_CHANGES) {
          t.changes.removeFirst();
        }
      }
      t.state = state;
      t.sinceMillis = nowMillis;
    }
    t.lastSeenMillis = nowMillis;
  }

  /** The last {@code days} daily buckets up to today, oldest first (empty buckets included). */
  public List<Bucket> daily(String component, int days, long nowMillis) {
    Track t = tracks.get(component);
    long today = Math.floorDiv(nowMillis, DAY_MILLIS);
    if (t == null) {
      return new Track().buckets(new long[DAILY_BUCKETS][], today - days + 1, today);
    }
    return t.buckets(t.daily, today - Math.min(days, DAILY_BUCKETS) + 1, today);
  }

  /** 5-minute buckets covering the last {@code millis} (at most 7 days), oldest first. */
  public List<Bucket> fine(String component, long millis, long nowMillis) {
    Track t = tracks.get(component);
    long now = Math.floorDiv(nowMillis, FINE_MILLIS);
    long n = Math.min(FINE_BUCKETS, Math.max(1, millis / FINE_MILLIS));
    return (t == null ? new Track() : t).buckets(t == null ? new long[FINE_BUCKETS][] : t.fine, now - n + 1, now);
  }

  /** Uptime ratio (0–1) over the last {@code millis}, NaN when nothing known: 5-minute buckets up to 7 days, daily beyond. */
  public double uptime(String component, long millis, long nowMillis) {
    List<Bucket> bs = millis <= FINE_BUCKETS * FINE_MILLIS ? fine(component, millis, nowMillis)
        : daily(component, (int) Math.min(DAILY_BUCKETS, millis / DAY_MILLIS), nowMillis);
    double avail = 0;
    double known = 0;
    for (Bucket b : bs) {
      avail += b.up() + b.degraded();
      known += b.known();
    }
    return known == 0 ? Double.NaN : avail / known;
  }

  /** Forgets components not observed for 90 days (removed checks), so the file stays bounded. */
  public void prune(long nowMillis) {
    tracks.values().removeIf(t -> t.lastSeenMillis < nowMillis - DAILY_BUCKETS * DAY_MILLIS);
  }
}
