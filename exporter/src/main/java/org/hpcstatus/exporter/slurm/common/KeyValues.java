package org.hpcstatus.exporter.slurm.common;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits one record of {@code scontrol -o show …} output ({@code Key=value Key2=value with spaces …})
 * into a map. A value runs until the next whitespace-preceded {@code Key=}, so values with spaces
 * ({@code OS=Linux 6.1.0 #1 SMP}, {@code Reason=bad dimm [root@…]}) and values with '='
 * ({@code CfgTRES=cpu=4,mem=8000M}) stay whole.
 */
public final class KeyValues {
  private static final Pattern KEY = Pattern.compile("(?:^|(?<=\\s))([A-Za-z][A-Za-z0-9_]*)=");

  private KeyValues() {}

  public static Map<String, String> parse(String line) {
    Map<String, String> m = new LinkedHashMap<>();
    Matcher k = KEY.matcher(line);
    String key = null;
    int valueStart = -1;
    while (k.find()) {
      if (key != null) {
        m.putIfAbsent(key, line.substring(valueStart, k.start()).strip());
      }
      key = k.group(1);
      valueStart = k.end();
    }
    if (key != null) {
      m.putIfAbsent(key, line.substring(valueStart).strip());
    }
    return m;
  }

  /** Slurm's spellings of "nothing": {@code (null)}, {@code N/A}, {@code n/a}, {@code None}, empty. */
  public static boolean isNull(String v) {
    return v == null || v.isEmpty() || v.equals("(null)") || v.equalsIgnoreCase("N/A") || v.equals("None")
        || v.equals("n/s");
  }
}
