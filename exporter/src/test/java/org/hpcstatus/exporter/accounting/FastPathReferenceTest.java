package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.hpcstatus.exporter.slurm.common.KeyValues;
import org.hpcstatus.exporter.slurm.common.SlurmValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast path (SWAR scan, int-id names, tally) against a deliberately plain reference — {@code String.split},
 * {@link SlurmValues} for every value, a {@code HashSet} for dedupe and {@code Totals.add} per job — on a
 * synthetic month full of odd rows: malformed lines, unicode and long names, huge values, empty fields, CRLF
 * endings, blank lines, duplicates, non-dates, unusual TRES. Totals and every skip count must be equal.
 */
class FastPathReferenceTest {
  static final long FROM = SyntheticSacct.epoch("2026-01-01");
  static final long TO = SyntheticSacct.epoch("2026-02-01");

  @TempDir
  Path dir;

  /** What the reference saw. */
  static final class Ref {
    final Totals totals = new Totals();
    long steps;
    long malformed;
    long notFinished;
    long duplicates;
  }

  static long digitsOrMinus1(String s) {
    return s.matches("[0-9]{1,18}") ? Long.parseLong(s) : -1;
  }

  static long time(String s) {
    Long t = SlurmValues.timestamp(s);
    return t == null ? -1 : t;
  }

  static Ref reference(String text) {
    Ref r = new Ref();
    Set<String> seen = new HashSet<>();
    for (String line : text.split("\n", -1)) {
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.chars().allMatch(ch -> ch == ' ' || ch == '\t' || ch == '\r')) {
        continue;
      }
      String[] f = line.split("\\|", -1);
      if (f.length != 18) {
        r.malformed++;
        continue;
      }
      if (f[0].contains(".")) {
        r.steps++;
        continue;
      }
      long id = digitsOrMinus1(f[0]);
      if (id < 0 || id > 0xFFFF_FFFFL) {
        r.malformed++;
        continue;
      }
      JobState state = JobState.parse(f[7]);
      if (state == null) {
        r.notFinished++;
        continue;
      }
      long end = time(f[11]);
      long elapsed = digitsOrMinus1(f[12]);
      long cpus = digitsOrMinus1(f[13]);
      if (end < 0 || elapsed < 0 || cpus < 0) {
        r.malformed++;
        continue;
      }
      Map<String, String> tres = SlurmValues.tres(f[16]);
      long gpus = SlurmValues.gpus(tres);
      // AllocTRES mem=, or (absent or unreadable) ReqMem
      Long mem = tres.containsKey("mem") ? SlurmValues.memoryBytes(tres.get("mem")) : null;
      long memBytes = mem != null ? mem : reqMem(f[15], cpus, digitsOrMinus1(f[14]));
      String month = YearMonth.from(java.time.Instant.ofEpochSecond(end).atOffset(ZoneOffset.UTC)).toString();
      if (!seen.add(month + "/" + id)) {
        r.duplicates++;
        continue;
      }
      r.totals.add(new JobRecord(id, f[1], f[3].isEmpty() ? "unknown" : f[3], f[4].isEmpty() ? "none" : f[4],
          f[5].isEmpty() ? "none" : f[5], f[6], state, time(f[9]), time(f[10]), end, elapsed, cpus, gpus,
          Math.max(0, memBytes)));
    }
    return r;
  }

  static long reqMem(String v, long cpus, long nodes) {
    if (KeyValues.isNull(v)) {
      return -1;
    }
    String t = v.strip();
    long mult = 1;
    if (t.endsWith("c")) {
      mult = Math.max(cpus, 1);
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("n")) {
      mult = Math.max(nodes, 1);
      t = t.substring(0, t.length() - 1);
    }
    Long b = t.isEmpty() ? null : SlurmValues.memoryBytes(t);
    return b == null ? -1 : b * mult;
  }

  static String ts(long t) {
    return SyntheticSacct.ts(t);
  }

  /** A month of ordinary rows (the generator's mix) with odd rows sprinkled in. */
  static String oddMonth(long seed) {
    Random r = new Random(seed);
    SyntheticSacct s = SyntheticSacct.generate(seed, 6_000, FROM, TO);
    List<String> lines = new ArrayList<>();
    for (SyntheticSacct.Row row : s.rows) {
      lines.add(row.text());
    }
    String[] users = {"", "jürgen", "用户用户用户x", "exactly8", "sixteen-chars-16", "seventeen-chars17",
        "u-" + "é".repeat(40), "other", "alice"};
    String[] tres = {"", "cpu=4", "cpu=4,mem=", "mem=9999999999999999T,cpu=1", "mem=1.5G,cpu=2",
        "gres/gpu=2,gres/gpu:a100=2,mem=4G", "gres/gpu:v100=3,gres/gpu:a100=1", "gres/gpumem=40G,mem=1024",
        "gres/gpu=1K,mem=2T", "billing=1,cpu=1,mem=123456789012345678K,node=1", "gres/gpu=x,mem=1M"};
    String[] reqMems = {"", "4000Mc", "1.50Gn", "0", "Unknown", "123456789012345678M"};
    String[] starts = {"None", "Unknown", "2026-01-05T10:00:00", "2026-02-30T10:00:00", "2026-01-05 10:00:00"};
    long id = 900_000_000L;
    for (int i = 0; i < 3_000; i++) {
      long end = FROM + (long) (r.nextDouble() * (TO - FROM));
      String user = users[r.nextInt(users.length)];
      String elapsed = switch (r.nextInt(6)) {
        case 0 -> "999999999999999999"; // 18 digits: the largest accepted
        case 1 -> "1000000000000000000"; // 19: malformed
        case 2 -> "";
        default -> String.valueOf(r.nextInt(100_000));
      };
      String cpus = r.nextInt(10) == 0 ? "4294967296" : String.valueOf(1 + r.nextInt(128));
      String endText = switch (r.nextInt(20)) {
        case 0 -> "Unknown";
        case 1 -> "2026-01-31T24:00:00";
        case 2 -> "2026-02-29T01:00:00"; // not a date in 2026
        default -> ts(end);
      };
      String raw = switch (r.nextInt(25)) {
        case 0 -> "4294967296"; // above 32 bits: malformed
        case 1 -> "";
        case 2 -> id + ".batch";
        case 3 -> "x" + id;
        default -> String.valueOf(id);
      };
      String state = new String[] {"COMPLETED", "CANCELLED by 42", "FAILED", "RUNNING", "COMPLETED+", "TIMEOUT",
          "", "OUT_OF_MEMORY"}[r.nextInt(8)];
      String line = String.join("|", raw, raw, "synth", user, r.nextBoolean() ? "" : "acct-ü", r.nextInt(7) == 0 ? ""
          : "part" + r.nextInt(3), "normal", state, "0:0", ts(end - 5000), starts[r.nextInt(starts.length)], endText,
          elapsed, cpus, String.valueOf(r.nextInt(3)), reqMems[r.nextInt(reqMems.length)],
          tres[r.nextInt(tres.length)], "cn[1-" + (1 + r.nextInt(9)) + "]");
      switch (r.nextInt(12)) {
        case 0 -> line = line + "|extra";
        case 1 -> line = line.substring(0, r.nextInt(line.length()));
        case 2 -> line = "   \t";
        default -> { }
      }
      lines.add(r.nextInt(8) == 0 ? line + "\r" : line);
      if (r.nextInt(15) == 0) {
        lines.add(line); // sacct printing the same job twice: a duplicate
      }
      id += 1 + r.nextInt(3);
    }
    java.util.Collections.shuffle(lines, r);
    lines.add(2, "");
    return String.join("\n", lines) + (seed % 2 == 0 ? "\n" : ""); // with and without a final newline
  }

  @Test
  void fastPathAndReferenceAgreeOnAMonthOfOddRows() throws Exception {
    for (long seed = 1; seed <= 4; seed++) {
      String text = oddMonth(seed);
      Ref ref = reference(text);
      assertThat(ref.malformed).as("the month has malformed rows").isPositive();
      assertThat(ref.duplicates).as("and duplicates").isPositive();
      try (Harness h = new Harness(dir.resolve("s" + seed), SacctSource.text((a, b) -> ""), Harness.config(0, 1000),
          new FakeClock(TO + 86400))) {
        AccountingEngine.StepResult got = h.engine.apply(AccountingEngine.Kind.BACKFILL, FROM, TO,
            new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        Map<String, Long> skipped = new TreeMap<>(h.engine.state().skipped);
        assertThat(h.totalsCopy()).as("seed %d: totals", seed).isEqualTo(ref.totals);
        assertThat(h.engine.state().totals).isEqualTo(ref.totals);
        assertThat(skipped.getOrDefault("malformed", 0L)).as("seed %d: malformed", seed).isEqualTo(ref.malformed);
        assertThat(skipped.getOrDefault("step", 0L)).as("seed %d: steps", seed).isEqualTo(ref.steps);
        assertThat(skipped.getOrDefault("not_finished", 0L)).isEqualTo(ref.notFinished);
        assertThat(skipped.getOrDefault("duplicate", 0L)).isEqualTo(ref.duplicates);
        assertThat(got.counted()).isEqualTo(ref.totals.jobCount());
      }
    }
  }

  @Test
  void namesKeepLongAndShortValuesApartAcrossTableGrowth() throws Exception {
    // many distinct names that share their first 16 bytes, and names that differ only after byte 16
    StringBuilder sb = new StringBuilder();
    long id = 1;
    for (int i = 0; i < 5_000; i++) {
      String user = i % 2 == 0 ? "a-very-long-prefix-" + i : "short" + (i % 97);
      sb.append(String.join("|", String.valueOf(id++), "1", "c", user, "acct" + (i % 13), "p", "normal", "COMPLETED",
          "0:0", "2026-01-02T00:00:00", "2026-01-02T00:00:00", "2026-01-02T00:00:10", "10", "1", "1", "1G", "cpu=1", "n"))
          .append('\n');
    }
    Ref ref = reference(sb.toString());
    try (Harness h = new Harness(dir, SacctSource.text((a, b) -> ""), Harness.config(0, 1000), new FakeClock(TO))) {
      h.engine.apply(AccountingEngine.Kind.BACKFILL, FROM, TO,
          new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)));
      assertThat(h.engine.state().totals).isEqualTo(ref.totals);
      assertThat(h.engine.state().totals.users).hasSize(2_500 + 97);
    }
  }
}
