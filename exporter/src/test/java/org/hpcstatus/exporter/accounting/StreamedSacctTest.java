package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.hpcstatus.exporter.core.CommandException;
import org.hpcstatus.exporter.core.CommandRunner;
import org.hpcstatus.exporter.core.SelfMetrics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * sacct output streamed through the real {@link CommandRunner} from a fake {@code sacct} script: one call per
 * month whatever its size (the runner's output cap does not apply), and exactly-once when a call fails half
 * way — the rule is "count nothing of a failed call": the rows already parsed are dropped, the state is the
 * last commit, and the retry counts every job exactly once.
 */
class StreamedSacctTest {
  static final long JAN = SyntheticSacct.epoch("2026-01-01");
  static final long FEB = SyntheticSacct.epoch("2026-02-01");
  static final long MAR = SyntheticSacct.epoch("2026-03-01");

  @TempDir
  Path dir;
  Path bin;
  Path mode;
  Path calls;
  SyntheticSacct data;

  @BeforeEach
  void fakeSacct() throws Exception {
    bin = Files.createDirectories(dir.resolve("bin"));
    data = SyntheticSacct.generate(21, 8_000, JAN, MAR);
    // the script prints the rows of the -S/-E window it is asked for, like sacct (-S is argument 6, -E 8)
    Path jan = dir.resolve("2026-01.txt");
    Path feb = dir.resolve("2026-02.txt");
    StringBuilder a = new StringBuilder();
    StringBuilder b = new StringBuilder();
    for (SyntheticSacct.Row r : data.rows) {
      (r.end() < FEB ? a : b).append(r.text()).append('\n');
    }
    Files.writeString(jan, a);
    Files.writeString(feb, b);
    mode = dir.resolve("mode");
    calls = dir.resolve("calls");
    Files.writeString(mode, "ok");
    Path sacct = bin.resolve("sacct");
    Files.writeString(sacct, String.join("\n",
        "#!/bin/sh",
        "echo \"$6 $8\" >> " + calls,
        "case \"$6\" in 2026-01-*) f=" + jan + ";; *) f=" + feb + ";; esac",
        "case \"$(cat " + mode + ")\" in",
        "  ok) cat \"$f\" ;;",
        "  exit) head -n 3000 \"$f\"; echo 'sacct: error: Problem talking to the database' >&2; exit 1 ;;",
        "  hang) head -n 3000 \"$f\"; sleep 60 ;;",
        "  kill) head -n 3000 \"$f\"; kill -9 $$ ;;",
        "  cut) head -c 300123 \"$f\"; exit 1 ;;",
        "esac",
        ""));
    Files.setPosixFilePermissions(sacct, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** A runner with a tiny output cap: the streamed path must not be limited by it. */
  private SacctSource sacct(Duration timeout) {
    return SacctSource.of(new CommandRunner(bin, timeout, 4096, new SelfMetrics()));
  }

  private long sacctCalls() throws IOException {
    return Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
  }

  @Test
  void aMonthIsOneStreamedSacctCallWhateverItsSizeAndNothingIsFetchedTwice() throws Exception {
    assertThat(Files.size(dir.resolve("2026-01.txt"))).as("far above the runner's 4 KiB cap").isGreaterThan(1 << 20);
    try (Harness h = new Harness(dir.resolve("state"), sacct(Duration.ofSeconds(60)), Harness.config(0, 1000),
        new FakeClock(MAR + 86400))) {
      h.engine.startBackfill(Instant.ofEpochSecond(JAN), Instant.ofEpochSecond(MAR));
      h.catchUp();
      assertThat(sacctCalls()).as("one sacct call per month, none repeated").isEqualTo(2);
      Harness.assertMatches(h.engine.state().totals, data);
      assertThat(h.engine.state().skipped.getOrDefault("duplicate", 0L)).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"exit", "hang", "kill", "cut"})
  void aCallThatFailsHalfWayCountsNothingAndTheRetryCountsEveryJobOnce(String failure) throws Exception {
    try (Harness h = new Harness(dir.resolve("state"), sacct(Duration.ofSeconds(3)), Harness.config(0, 1000),
        new FakeClock(MAR + 86400))) {
      h.engine.startBackfill(Instant.ofEpochSecond(JAN), Instant.ofEpochSecond(MAR));
      h.engine.step(); // January, committed
      Totals january = h.totalsCopy();
      long gen = h.engine.state().generation;
      assertThat(january.jobCount()).isPositive();

      Files.writeString(mode, failure); // February: 3000 rows (or 300 kB) arrive, then sacct fails
      assertThatThrownBy(h.engine::step).isInstanceOf(CommandException.class)
          .satisfies(e -> assertThat(((CommandException) e).reason()).isEqualTo(
              failure.equals("hang") ? CommandException.Reason.TIMEOUT : CommandException.Reason.EXIT_CODE));
      assertThat(h.engine.isStale()).as("rolled back at once").isFalse();
      assertThat(h.engine.state().generation).as("nothing committed").isEqualTo(gen);
      assertThat(h.engine.state().totals).as("nothing of the failed call is counted").isEqualTo(january);
      assertThat(h.engine.state().backfill.doneUntil).isEqualTo(FEB);

      Files.writeString(mode, "ok");
      h.catchUp();
      Harness.assertMatches(h.engine.state().totals, data);
      assertThat(h.engine.state().skipped.getOrDefault("duplicate", 0L))
          .as("no row of the failed call was marked as seen").isZero();
      assertThat(sacctCalls()).isEqualTo(3);
    }
    // and the committed state agrees after a restart
    try (Harness h = new Harness(dir.resolve("state"), sacct(Duration.ofSeconds(3)), Harness.config(0, 1000),
        new FakeClock(MAR + 86400))) {
      Harness.assertMatches(h.engine.state().totals, data);
    }
  }

  @Test
  void aParserExceptionHalfWayCountsNothingAndTheRetryCountsEveryJobOnce() throws Exception {
    SacctSource real = sacct(Duration.ofSeconds(60));
    boolean[] explode = {true};
    // the consumer side blows up after 500 kB (a bug, or an Error such as OutOfMemoryError)
    SacctSource buggy = (start, end, sink) -> real.fetch(start, end, in -> sink.accept(!explode[0] ? in
        : new FilterInputStream(in) {
          long n;

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (n > 500_000) {
              throw new IllegalStateException("parser bug");
            }
            int r = super.read(b, off, len);
            n += Math.max(r, 0);
            return r;
          }
        }));
    try (Harness h = new Harness(dir.resolve("state"), buggy, Harness.config(0, 1000), new FakeClock(MAR + 86400))) {
      h.engine.startBackfill(Instant.ofEpochSecond(JAN), Instant.ofEpochSecond(MAR));
      assertThatThrownBy(h.engine::step).isInstanceOf(IllegalStateException.class);
      assertThat(h.engine.state().totals.jobCount()).isZero();
      explode[0] = false;
      h.catchUp();
      Harness.assertMatches(h.engine.state().totals, data);
      assertThat(h.engine.state().skipped.getOrDefault("duplicate", 0L)).isZero();
    }
  }

  @Test
  void anOverlongLineIsMalformedAndSkippedNotATooLargeOutput() throws Exception {
    String good = data.rows.stream().map(SyntheticSacct.Row::text)
        .filter(t -> SacctParser.parse(t).value().size() == 1).findFirst().orElseThrow();
    String huge = "1|1|synth|alice|physics|batch|normal|COMPLETED|0:0|x|x|x|1|1|1|1G|" + "y".repeat(SacctParser.MAX_LINE_BYTES + 1000) + "|cn1";
    InputStream in = new java.io.ByteArrayInputStream((good + "\n" + huge + "\n" + good + "\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    java.util.List<JobRecord> got = new java.util.ArrayList<>();
    SacctParser.Counts c = new SacctParser().parse(in, got::add);
    assertThat(got).hasSize(2);
    assertThat(c.malformed()).isEqualTo(1);
    assertThat(org.hpcstatus.exporter.core.Parsed.of(null, c.errors).samples().get(0)).contains("line longer than");
  }
}
