package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code sacct -a -X -n -P --format=<SacctParser.FORMAT>} rows through the streamed parser: a row
 * generated from a model reads back as exactly the model's record (ids, names, state, times, CPUs, GPUs
 * from every AllocTRES form, memory from AllocTRES or the legacy ReqMem); each junk line mixed in is
 * counted once as malformed and never becomes a record; arbitrary text never throws, and every non-blank
 * line is accounted for exactly once (job, step, not finished, or malformed).
 */
public class SacctProperties {
  static final String[] STATES = {"COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL",
      "PREEMPTED", "BOOT_FAIL", "DEADLINE"};
  static final long FROM = 946_684_800L; // 2000-01-01
  static final long TO = 4_102_444_800L; // 2100-01-01

  /** One finished allocation as sacct prints it, with the record it must parse to. */
  public record Model(JobRecord expect, String display, String stateText, String tres, String reqMem, long nodes) {
    String line() {
      return String.join("|", String.valueOf(expect.jobIdRaw()), display, "c1", expect.user(),
          expect.account().equals("none") ? "" : expect.account(),
          expect.partition().equals("none") ? "" : expect.partition(),
          expect.qos().equals("none") ? "" : expect.qos(), stateText, "0:0", ts(expect.submit()),
          expect.start() < 0 ? "None" : ts(expect.start()), ts(expect.end()), String.valueOf(expect.elapsed()),
          String.valueOf(expect.allocCpus()), String.valueOf(nodes), reqMem, tres,
          expect.start() < 0 ? "None assigned" : "cn[1-" + nodes + "]");
    }
  }

  static String ts(long epoch) {
    return SyntheticSacct.ts(epoch);
  }

  static Arbitrary<String> name() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('a', 'z').withChars("-_.0123456789").ofMinLength(1).ofMaxLength(64),
        Arbitraries.of("jürgen", "用户", "o'neil", "a b", "x".repeat(200)));
  }

  @Provide
  public Arbitrary<Model> rows() {
    Arbitrary<Long> epoch = Arbitraries.longs().between(FROM, TO);
    return Builders.withBuilder(ModelBuilder::new)
        .use(Arbitraries.longs().between(1, 0xFFFF_FFFFL)).in((b, v) -> { b.id = v; return b; })
        .use(Arbitraries.integers().between(0, 2)).in((b, v) -> { b.idForm = v; return b; })
        .use(name()).in((b, v) -> { b.user = v; return b; })
        .use(Arbitraries.oneOf(name(), Arbitraries.just(""))).in((b, v) -> { b.account = v; return b; })
        .use(Arbitraries.oneOf(name(), Arbitraries.just(""))).in((b, v) -> { b.partition = v; return b; })
        .use(Arbitraries.oneOf(name(), Arbitraries.just(""))).in((b, v) -> { b.qos = v; return b; })
        .use(Arbitraries.integers().between(0, STATES.length - 1)).in((b, v) -> { b.state = v; return b; })
        .use(Arbitraries.integers().between(0, 5000)).in((b, v) -> { b.cancelledBy = v; return b; })
        .use(epoch).in((b, v) -> { b.end = v; return b; })
        .use(Arbitraries.longs().between(0, 10_000_000)).in((b, v) -> { b.elapsed = v; return b; })
        .use(Arbitraries.longs().between(0, 10_000_000)).in((b, v) -> { b.wait = v; return b; })
        .use(Arbitraries.integers().between(0, 9)).in((b, v) -> { b.startedDie = v; return b; })
        .use(Arbitraries.longs().between(1, 100_000)).in((b, v) -> { b.cpus = v; return b; })
        .use(Arbitraries.longs().between(1, 1000)).in((b, v) -> { b.nodes = v; return b; })
        .use(Arbitraries.integers().between(0, 6)).in((b, v) -> { b.gpuForm = v; return b; })
        .use(Arbitraries.longs().between(1, 64)).in((b, v) -> { b.gpus = v; return b; })
        .use(Arbitraries.integers().between(0, 3)).in((b, v) -> { b.memForm = v; return b; })
        .use(Arbitraries.longs().between(1, 4_000_000)).in((b, v) -> { b.memMib = v; return b; })
        .build(ModelBuilder::build);
  }

  static final class ModelBuilder {
    long id;
    int idForm;
    String user;
    String account;
    String partition;
    String qos;
    int state;
    int cancelledBy;
    long end;
    long elapsed;
    long wait;
    int startedDie;
    long cpus;
    long nodes;
    int gpuForm;
    long gpus;
    int memForm;
    long memMib;

    Model build() {
      boolean started = startedDie != 0;
      long el = started ? Math.min(elapsed, end - FROM) : 0;
      long start = started ? end - el : -1;
      long submit = Math.max(FROM - 1_000_000, (started ? start : end) - wait);
      String display = switch (idForm) {
        case 0 -> String.valueOf(id);
        case 1 -> id + "_" + (id % 1000);
        default -> id + "+" + (id % 3);
      };
      String stateText = STATES[state] + (state == 1 && cancelledBy % 2 == 0 ? " by " + cancelledBy : "");
      long g = 0;
      StringBuilder tres = new StringBuilder();
      String reqMem;
      long memBytes;
      if (started) {
        tres.append("billing=").append(cpus).append(",cpu=").append(cpus);
        g = gpus;
        switch (gpuForm) {
          case 0, 1 -> g = 0;
          case 2 -> tres.append(",gres/gpu:a100=").append(g).append(",gres/gpu=").append(g);
          case 3 -> tres.append(",gres/gpu=").append(g);
          case 4 -> tres.append(",gres/gpu:v100=").append(g);
          case 5 -> tres.append(",gres/gpu:a100=").append(g / 2).append(",gres/gpu:v100=").append(g - g / 2)
              .append(",gres/gpu=").append(g);
          default -> tres.append(",gres/gpu:h100=").append(g / 2).append(",gres/gpu:l40=").append(g - g / 2);
        }
      }
      switch (memForm) {
        case 0 -> { // AllocTRES in MiB
          reqMem = memMib + "M"; // a job that never started has no AllocTRES: ReqMem counts
          memBytes = memMib << 20;
          if (started) {
            tres.append(",mem=").append(memMib).append('M');
          }
        }
        case 1 -> { // AllocTRES in GiB
          reqMem = (memMib << 10) + "M";
          memBytes = (memMib << 20) * 1024;
          if (started) {
            tres.append(",mem=").append(memMib).append('G');
          }
        }
        case 2 -> { // legacy: no mem in AllocTRES, ReqMem per CPU
          reqMem = memMib + "Mc";
          memBytes = memMib * cpus << 20;
        }
        default -> { // legacy: per node
          reqMem = memMib + "Mn";
          memBytes = memMib * nodes << 20;
        }
      }
      if (started) {
        tres.append(",node=").append(nodes);
      }
      JobRecord r = new JobRecord(id, display, user, account.isEmpty() ? "none" : account,
          partition.isEmpty() ? "none" : partition, qos.isEmpty() ? "none" : qos, JobState.ALL[state], submit, start,
          end, el, cpus, g, memBytes);
      return new Model(r, display, stateText, tres.toString(), reqMem, nodes);
    }
  }

  /** Lines that are not finished allocations, each with what the parser must make of it. */
  @Provide
  public Arbitrary<String> junk() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("abc |:;\t0123456789-_.").ofMinLength(1).ofMaxLength(60)
            .filter(s -> !s.isBlank() && s.chars().filter(ch -> ch == '|').count() != 17),
        Arbitraries.of("123|123|c1|alice|physics|batch", "garbage without separators",
            "77|77|c1|alice|p|b|normal|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:00:01|2026-01-01T00:00:02"
                + "|notanumber|4|1|1G|cpu=4|cn1",
            "x7|x7|c1|alice|p|b|normal|COMPLETED|0:0|None|None|2026-01-01T00:00:02|1|4|1|1G|cpu=4|cn1",
            "99999999999|9|c1|alice|p|b|normal|COMPLETED|0:0|None|None|2026-01-01T00:00:02|1|4|1|1G|cpu=4|cn1",
            "5|5|c1|alice|p|b|normal|COMPLETED|0:0|None|None|Unknown|1|4|1|1G|cpu=4|cn1",
            "5|5|c1|alice|p|b|normal|COMPLETED|0:0|None|None|2026-01-01T00:00:02|-1|4|1|1G|cpu=4|cn1"));
  }

  @Property
  public void modelRowsAreReadExactlyAndJunkIsCounted(@ForAll @Size(max = 30) List<@From("rows") Model> models,
      @ForAll @Size(max = 10) List<@From("junk") String> junk) {
    StringBuilder text = new StringBuilder();
    int j = 0;
    for (int i = 0; i < models.size() || j < junk.size(); i++) {
      if (i < models.size()) {
        text.append(models.get(i).line()).append('\n');
      }
      if (j < junk.size() && (i % 2 == 1 || i >= models.size())) {
        text.append(junk.get(j++)).append('\n');
      }
    }
    List<JobRecord> got = new ArrayList<>();
    SacctParser.Counts c = new SacctParser().parse(text.toString(), got::add);
    assertThat(got).containsExactlyElementsOf(models.stream().map(Model::expect).toList());
    assertThat(c.jobs).isEqualTo(models.size());
    assertThat(c.malformed()).as(text.toString()).isEqualTo(junk.size());
    assertThat(c.steps + c.notFinished).isZero();
  }

  /** The same rows through the {@code Row} fast path the accounting engine uses (names by id). */
  @Property
  public void theFastPathSeesTheSameRows(@ForAll @Size(max = 30) List<@From("rows") Model> models) throws Exception {
    String text = models.stream().map(m -> m.line() + "\n").reduce("", String::concat);
    SacctParser p = new SacctParser();
    List<JobRecord> got = new ArrayList<>();
    p.scan(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        r -> got.add(r.toRecord()));
    assertThat(got).containsExactlyElementsOf(models.stream().map(Model::expect).toList());
  }

  @Property
  public void arbitraryTextNeverThrowsAndEveryLineIsAccountedFor(@ForAll("hostile") String text) {
    SacctParser.Counts c = new SacctParser().parse(text, r -> { });
    // the parser's lines: split at \n only; blank means nothing but spaces, tabs and \r
    long lines = java.util.Arrays.stream(text.split("\n", -1)).filter(l -> !l.chars().allMatch(
        ch -> ch == ' ' || ch == '\t' || ch == '\r')).count();
    assertThat(c.jobs + c.steps + c.notFinished + c.malformed()).as(text).isEqualTo(lines);
  }

  @Provide
  public Arbitrary<String> hostile() {
    Arbitrary<String> field = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(12),
        Arbitraries.of("", "None", "Unknown", "COMPLETED", "CANCELLED by 0", "RUNNING", "COMPLETED+", "0", "-1",
            "18446744073709551616", "2026-13-45T99:99:99", "2026-01-01T00:00:00", "1.batch", "gres/gpu=x",
            "mem=99999999999999999999T", "cpu=1,gres/gpu:a=2,gres/gpu=3", "1Gc", "0.5Tn", "\r", "ü"));
    Arbitrary<String> row = field.list().ofMinSize(1).ofMaxSize(20).map(l -> String.join("|", l));
    return row.list().ofMaxSize(20).map(l -> String.join("\n", l));
  }
}
