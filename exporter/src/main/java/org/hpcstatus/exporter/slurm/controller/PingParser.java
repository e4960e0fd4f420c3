package org.hpcstatus.exporter.slurm.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hpcstatus.exporter.core.Parsed;

/** Pure parser of {@code scontrol ping}: {@code Slurmctld(primary) at vm is UP}. */
public final class PingParser {
  private static final Pattern LINE = Pattern.compile("^Slurmctld\\(([^)]+)\\) at (\\S+) is (UP|DOWN)\\s*$");

  private PingParser() {}

  public static Parsed<List<ControllerStatus>> parse(String output) {
    Parsed.Errors errors = new Parsed.Errors();
    List<ControllerStatus> out = new ArrayList<>();
    for (String line : output.split("\n")) {
      String t = line.strip();
      if (t.isEmpty()) {
        continue;
      }
      Matcher m = LINE.matcher(t);
      if (!m.matches()) {
        errors.add("not a ping line", line);
        continue;
      }
      out.add(new ControllerStatus(m.group(1).toLowerCase(Locale.ROOT), m.group(2), m.group(3).equals("UP")));
    }
    if (out.isEmpty()) {
      // a ping that says nothing about any controller is a failure, not "all down"
      errors.fatal("scontrol ping printed no controller status", output.length() > 80 ? output.substring(0, 80) : output);
    }
    return Parsed.of(List.copyOf(out), errors);
  }
}
