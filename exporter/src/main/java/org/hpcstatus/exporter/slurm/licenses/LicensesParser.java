package org.hpcstatus.exporter.slurm.licenses;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.common.KeyValues;
import org.hpcstatus.exporter.slurm.common.SlurmValues;

/** Pure parser of {@code scontrol -o show licenses}. */
public final class LicensesParser {
  private LicensesParser() {}

  public static Parsed<List<License>> parse(String output) {
    Parsed.Errors errors = new Parsed.Errors();
    List<License> out = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.isBlank() || line.startsWith("No licenses")) {
        continue;
      }
      if (!line.startsWith("LicenseName=")) {
        errors.add("not a license record", line);
        continue;
      }
      Map<String, String> kv = KeyValues.parse(line);
      Long total = SlurmValues.parseLong(kv.get("Total"));
      Long used = SlurmValues.parseLong(kv.get("Used"));
      if (total == null || used == null || kv.get("LicenseName").isEmpty()) {
        errors.add("license without name, Total or Used", line);
        continue;
      }
      Long free = SlurmValues.parseLong(kv.get("Free"));
      Long reserved = SlurmValues.parseLong(kv.get("Reserved"));
      out.add(new License(kv.get("LicenseName"), total, used, free == null ? Math.max(0, total - used) : free,
          reserved == null ? 0 : reserved, "yes".equalsIgnoreCase(kv.get("Remote"))));
    }
    return Parsed.of(List.copyOf(out), errors);
  }
}
