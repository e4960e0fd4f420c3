package org.hpcstatus.exporter.slurm.common;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small pure parsers for Slurm's value formats: numbers, memory sizes, TRES strings, timestamps. */
public final class SlurmValues {
  private SlurmValues() {}

  /** An integer, or {@code null} if absent or not a number. */
  public static Long parseLong(String s) {
    if (KeyValues.isNull(s)) {
      return null;
    }
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public static Double parseDouble(String s) {
    if (KeyValues.isNull(s)) {
      return null;
    }
    try {
      double d = Double.parseDouble(s.strip());
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Slurm memory size to bytes. Slurm's units are binary: a bare number and {@code M} are MiB,
   * {@code K} KiB, {@code G} GiB, {@code T} TiB, {@code P} PiB. Returns {@code null} if unparseable.
   */
  public static Long memoryBytes(String s) {
    if (KeyValues.isNull(s)) {
      return null;
    }
    String t = s.strip();
    char last = Character.toUpperCase(t.charAt(t.length() - 1));
    double mult = 1024.0 * 1024.0;
    if (Character.isLetter(last)) {
      t = t.substring(0, t.length() - 1);
      switch (last) {
        case 'K' -> mult = 1024.0;
        case 'M' -> mult = 1024.0 * 1024.0;
        case 'G' -> mult = 1024.0 * 1024.0 * 1024.0;
        case 'T' -> mult = 1024.0 * 1024.0 * 1024.0 * 1024.0;
        case 'P' -> mult = 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0;
        default -> {
          return null;
        }
      }
    }
    try {
      double v = Double.parseDouble(t);
      if (!Double.isFinite(v) || v < 0) {
        return null;
      }
      return Math.round(v * mult);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code cpu=4,mem=32G,node=1,gres/gpu=1} → ordered map; malformed items are dropped. */
  public static Map<String, String> tres(String s) {
    Map<String, String> m = new LinkedHashMap<>();
    if (KeyValues.isNull(s)) {
      return m;
    }
    for (String item : s.split(",")) {
      int eq = item.indexOf('=');
      if (eq > 0) {
        m.put(item.substring(0, eq).strip(), item.substring(eq + 1).strip());
      }
    }
    return m;
  }

  /**
   * GPUs in a TRES map. Slurm lists a job's GPUs both untyped ({@code gres/gpu=4}) and per type
   * ({@code gres/gpu:a100=4}): these are the same GPUs, so the untyped count wins and typed counts are
   * only summed when no untyped entry exists.
   */
  public static long gpus(Map<String, String> tres) {
    String untyped = tres.get("gres/gpu");
    if (untyped != null) {
      Long n = countValue(untyped);
      return n == null ? 0 : n;
    }
    long sum = 0;
    for (var e : tres.entrySet()) {
      if (e.getKey().startsWith("gres/gpu:")) {
        Long n = countValue(e.getValue());
        sum += n == null ? 0 : n;
      }
    }
    return sum;
  }

  /** Typed GPU counts of a TRES map ({@code gres/gpu:a100=2} → a100=2). */
  public static Map<String, Long> gpusByType(Map<String, String> tres) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (var e : tres.entrySet()) {
      if (e.getKey().startsWith("gres/gpu:")) {
        Long n = countValue(e.getValue());
        if (n != null) {
          m.merge(e.getKey().substring("gres/gpu:".length()), n, Long::sum);
        }
      }
    }
    return m;
  }

  /** A count with an optional K/M/G suffix (decimal multiples, as Slurm prints GRES counts). */
  public static Long countValue(String s) {
    if (KeyValues.isNull(s)) {
      return null;
    }
    String t = s.strip();
    long mult = 1;
    char last = Character.toUpperCase(t.charAt(t.length() - 1));
    if (last == 'K' || last == 'M' || last == 'G' || last == 'T') {
      mult = switch (last) {
        case 'K' -> 1_000L;
        case 'M' -> 1_000_000L;
        case 'G' -> 1_000_000_000L;
        default -> 1_000_000_000_000L;
      };
      t = t.substring(0, t.length() - 1);
    }
    try {
      return Long.parseLong(t) * mult;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * A Slurm timestamp in {@code SLURM_TIME_FORMAT=standard} ({@code 2026-11-23T19:00:00}), read as UTC
   * (the runner sets {@code TZ=UTC}). Returns epoch seconds, or {@code null} for Unknown/None/N/A.
   */
  public static Long timestamp(String s) {
    if (KeyValues.isNull(s) || s.startsWith("Unknown")) {
      return null;
    }
    String t = s.strip();
    // fast path for the fixed layout yyyy-MM-ddTHH:mm:ss (hundreds of thousands per squeue poll)
    if (t.length() == 19 && t.charAt(4) == '-' && t.charAt(7) == '-' && t.charAt(10) == 'T' && t.charAt(13) == ':'
        && t.charAt(16) == ':') {
      int y = digits(t, 0, 4);
      int mo = digits(t, 5, 2);
      int d = digits(t, 8, 2);
      int h = digits(t, 11, 2);
      int mi = digits(t, 14, 2);
      int se = digits(t, 17, 2);
      if (y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h < 24 && mi >= 0 && mi < 60 && se >= 0
          && se < 61) {
        try {
          return java.time.LocalDate.of(y, mo, d).toEpochDay() * 86_400L + h * 3600L + mi * 60L + se;
        } catch (java.time.DateTimeException e) {
          return null;
        }
      }
      return null;
    }
    try {
      return LocalDateTime.parse(t).toEpochSecond(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static int digits(String s, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** Splits on commas outside parentheses: {@code gpu:a100:2(IDX:0,2),gpu:v100:1} → 2 items. */
  public static java.util.List<String> splitTopLevel(String s) {
    java.util.List<String> out = new java.util.ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth = Math.max(0, depth - 1);
      } else if (c == ',' && depth == 0) {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
  }
}
