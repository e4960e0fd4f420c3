package org.hpcstatus.exporter.status;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.hpcstatus.exporter.status.StatusSnapshot.State;

/** Escaping and the small formatting helpers every renderer shares. */
final class Html {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private Html() {}

  /** Escapes text for HTML and XML content and attribute values. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            b.append(' '); // not allowed in XML 1.0
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /** A value usable in an id attribute and URL fragment. */
  static String id(String s) {
    return s == null ? "" : s.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  static String time(Instant t) {
    return t == null ? "" : TIME.format(t);
  }

  static String isoTime(Instant t) {
    return t == null ? "" : DateTimeFormatter.ISO_INSTANT.format(t);
  }

  /** "42 s", "3 min", "2 h 5 min", "3 d 4 h". */
  static String duration(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      return "never";
    }
    long s = Math.max(0, Math.round(seconds));
    if (s < 120) {
      return s + " s";
    }
    long m = s / 60;
    if (m < 120) {
      return m + " min";
    }
    long h = m / 60;
    if (h < 48) {
      return h + " h " + (m % 60) + " min";
    }
    return (h / 24) + " d " + (h % 24) + " h";
  }

  static String pct(double ratio) {
    if (Double.isNaN(ratio)) {
      return "–";
    }
    double p = ratio * 100;
    return p >= 99.995 ? "100 %" : String.format(Locale.ROOT, p >= 99 ? "%.2f %%" : "%.1f %%", p);
  }

  static String bytes(double b) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    while (b >= 1024 && u < units.length - 1) {
      b /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  }

  static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  /** An icon (hidden from screen readers: the text next to it says the same). */
  static String icon(State s) {
    return "<span class=\"ic\" aria-hidden=\"true\">" + switch (s) {
      case UP -> "✓";
      case DEGRADED -> "!";
      case DOWN -> "✕";
      case UNKNOWN -> "?";
    } + "</span>";
  }

  /** "Updated N s ago" with its freshness level (text says stale/outdated too, not only the colour). */
  static String age(StatusView.Age a, String what) {
    String text = switch (a.level()) {
      case "never" -> "No data yet" + (a.source() == null ? "" : " from " + a.source());
      case "old" -> "Outdated: " + what + " last updated " + duration(a.seconds()) + " ago (" + a.source() + ")";
      case "stale" -> "Delayed: " + what + " updated " + duration(a.seconds()) + " ago (" + a.source() + ")";
      default -> "Updated " + duration(a.seconds()) + " ago";
    };
    return "<p class=\"age age-" + a.level() + "\">" + esc(text) + "</p>";
  }
}
