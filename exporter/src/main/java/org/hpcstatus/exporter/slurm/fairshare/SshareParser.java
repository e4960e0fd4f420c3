package org.hpcstatus.exporter.slurm.fairshare;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.common.SlurmValues;

/** Pure parser of {@code sshare -a -P -l}: columns found by header name, so column order may vary. */
public final class SshareParser {
  private SshareParser() {}

  public static Parsed<List<ShareRow>> parse(String output) {
    Parsed.Errors errors = new Parsed.Errors();
    List<ShareRow> rows = new ArrayList<>();
    String[] lines = output.split("\n");
    int i = 0;
    while (i < lines.length && lines[i].isBlank()) {
      i++;
    }
    if (i == lines.length) {
      return Parsed.of(rows, errors);
    }
    String[] header = lines[i].split("\\|", -1);
    Map<String, Integer> col = new HashMap<>();
    for (int c = 0; c < header.length; c++) {
      col.put(header[c].strip(), c);
    }
    if (!col.containsKey("Account") || !col.containsKey("User")) {
      errors.add("no sshare header (Account|User|…)", lines[i]);
      return Parsed.of(rows, errors);
    }
    for (i++; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\\|", -1);
      if (f.length != header.length) {
        errors.add("expected " + header.length + " columns, got " + f.length, line);
        continue;
      }
      String account = f[col.get("Account")].strip();
      if (account.isEmpty()) {
        errors.add("row without account", line);
        continue;
      }
      rows.add(new ShareRow(account, f[col.get("User")].strip(), num(f, col, "RawShares"), num(f, col, "NormShares"),
          num(f, col, "RawUsage"), num(f, col, "NormUsage"), num(f, col, "EffectvUsage"), num(f, col, "FairShare"),
          num(f, col, "LevelFS")));
    }
    return Parsed.of(rows, errors);
  }

  private static Double num(String[] f, Map<String, Integer> col, String name) {
    Integer c = col.get(name);
    if (c == null) {
      return null;
    }
    String v = f[c].strip();
    if (v.equalsIgnoreCase("inf")) {
      return Double.POSITIVE_INFINITY;
    }
    return SlurmValues.parseDouble(v);
  }
}
