package org.hpcstatus.exporter.slurm.common;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Splits one record of {@code scontrol -o show …} output ({@code Key=value Key2=value with spaces …})
 * into a map. A value runs until the next whitespace-preceded {@code Key=}, so values with spaces
 * ({@code OS=Linux 6.1.0 #1 SMP}, {@code Reason=bad dimm [root@…]}) and values with '='
 * ({@code CfgTRES=cpu=4,mem=8000M}) stay whole.
 */
public final class KeyValues {

  private KeyValues() {}

  public static Map<String, String> parse(String line) {
    return parse(line, null);
  }

  /** Like {@link #parse(String)}, but keeps only the {@code wanted} keys (null: all). */
  public static Map<String, String> parse(String line, java.util.Set<String> wanted) {
    // hand-written scanner (this runs once per node per poll; a regex with look-behind was 5x slower)
    Map<String, String> m = new LinkedHashMap<>(64);
    int n = line.length();
    String key = null;
    int valueStart = -1;
    int i = 0;
    while (i < n) {
      // a key starts at the beginning or after whitespace, with a letter, and runs to '='
      if ((i == 0 || Character.isWhitespace(line.charAt(i - 1))) && isLetter(line.charAt(i))) {
        int j = i + 1;
        while (j < n && isKeyChar(line.charAt(j))) {
          j++;
        }
        if (j < n && line.charAt(j) == '=') {
          if (key != null) {
            m.putIfAbsent(key, line.substring(valueStart, i).strip());
          }
          key = wanted == null ? line.substring(i, j) : match(line, i, j, wanted);
          valueStart = j + 1;
          i = j + 1;
          continue;
        }
        i = j;
        continue;
      }
      i++;
    }
    if (key != null) {
      m.putIfAbsent(key, line.substring(valueStart).strip());
    }
    return m;
  }

  /** The wanted key equal to line[from, to), without allocating; null if not wanted. */
  private static String match(String line, int from, int to, java.util.Set<String> wanted) {
    int len = to - from;
    for (String w : wanted) {
      if (w.length() == len && line.startsWith(w, from)) {
        return w;
      }
    }
    return null;
  }

  private static boolean isLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  private static boolean isKeyChar(char c) {
    return isLetter(c) || (c >= '0' && c <= '9') || c == '_';
  }

  /** Slurm's spellings of "nothing": {@code (null)}, {@code N/A}, {@code n/a}, {@code None}, empty. */
  public static boolean isNull(String v) {
    return v == null || v.isEmpty() || v.equals("(null)") || v.equalsIgnoreCase("N/A") || v.equals("None")
        || v.equals("n/s");
  }
}
