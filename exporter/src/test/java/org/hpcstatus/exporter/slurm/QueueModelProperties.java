package org.hpcstatus.exporter.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.fairshare.ShareRow;
import org.hpcstatus.exporter.slurm.fairshare.SshareParser;
import org.hpcstatus.exporter.slurm.jobs.Job;
import org.hpcstatus.exporter.slurm.jobs.SqueueParser;
import org.hpcstatus.exporter.slurm.scheduler.Sdiag;
import org.hpcstatus.exporter.slurm.scheduler.SdiagParser;

/** squeue, sshare and sdiag output generated from a model and parsed back: the same numbers, junk counted. */
class QueueModelProperties {
  static final Map<String, String> STATES = Map.of("PD", "pending", "R", "running", "CG", "completing",
      "S", "suspended", "CF", "configuring");

  record JobModel(long id, int arrayTask, String user, String account, List<String> partitions, String code,
                  long cpus, long nodes, long submit, String name) {
    String jobId() {
      return arrayTask < 0 ? Long.toString(id) : id + "_" + arrayTask;
    }

    String render() {
      return jobId() + "|" + id + "|" + user + "|" + account + "|" + String.join(",", partitions) + "|" + code
          + "|Priority|" + cpus + "|" + nodes + "|cpu=" + cpus + ",mem=500M,node=" + nodes + ",billing=" + cpus
          + "|N/A|N/A|normal|" + NodesModelProperties.TS.format(LocalDateTime.ofEpochSecond(submit, 0, ZoneOffset.UTC))
          + "|N/A|" + name;
    }
  }

  @Provide
  Arbitrary<List<JobModel>> jobs() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10);
    return Combinators.combine(Arbitraries.longs().between(1, 99_999_999), Arbitraries.integers().between(-1, 5000),
        word, word, Arbitraries.of("batch", "gpu", "debug").set().ofMinSize(1).ofMaxSize(3).map(ArrayList::new),
        Arbitraries.of(List.copyOf(STATES.keySet())), Arbitraries.longs().between(1, 1_000_000),
        Arbitraries.longs().between(1, 10_000)).as((id, task, user, acct, parts, code, cpus, nodes) ->
        new JobModel(id, task, user, acct, parts, code, cpus, nodes, 1_700_000_000L + id, "job|with|bars " + user))
        .list().ofMaxSize(50);
  }

  @Property
  void squeueLinesAreReadExactly(@ForAll("jobs") List<JobModel> model, @ForAll("junk") List<String> junk) {
    List<String> lines = new ArrayList<>();
    model.forEach(m -> lines.add(m.render()));
    lines.addAll(junk);
    Parsed<List<Job>> r = SqueueParser.parse(String.join("\n", lines) + "\n");
    assertThat(r.errors()).isEqualTo(junk.size());
    assertThat(r.value()).hasSize(model.size());
    for (int i = 0; i < model.size(); i++) {
      JobModel m = model.get(i);
      Job j = r.value().get(i);
      assertThat(j.id()).isEqualTo(m.jobId());
      assertThat(j.user()).isEqualTo(m.user());
      assertThat(j.account()).isEqualTo(m.account());
      assertThat(j.partitions()).isEqualTo(m.partitions());
      assertThat(j.state()).isEqualTo(STATES.get(m.code()));
      assertThat(j.cpus()).isEqualTo(m.cpus());
      assertThat(j.nodes()).isEqualTo(m.nodes());
      assertThat(j.gpus()).isZero();
      assertThat(j.submitTime()).isEqualTo(m.submit());
      assertThat(j.startTime()).isNull();
    }
  }

  /** Lines no parser may take for data: too few fields, or a non-numeric id or count. */
  @Provide
  Arbitrary<List<String>> junk() {
    return Arbitraries.of("x|1|2", "abc|1|u|a|batch|R|None|1|1|cpu=1|N/A|N/A|normal|N/A|N/A|n",
        "1|1|u|a|batch|R|None|-4|1|cpu=1|N/A|N/A|normal|N/A|N/A|n", "1|1|u|a|batch|ZZ|None|1|1||||||n",
        "<html>", "1|1|u|a|batch|R|None|1|one|cpu=1|N/A|N/A|normal|N/A|N/A|n").list().ofMaxSize(5);
  }

  record ShareModel(String account, String user, double rawShares, double norm, long rawUsage, double effUsage,
                    double fairShare) {
    String render() {
      return (user.isEmpty() ? " " : "  ") + account + "|" + user + "|" + (long) rawShares + "|"
          + String.format(Locale.ROOT, "%.6f", norm) + "|" + rawUsage + "|" + String.format(Locale.ROOT, "%.6f", effUsage)
          + "|" + String.format(Locale.ROOT, "%.6f", effUsage) + "|" + (user.isEmpty() ? "" : String.format(Locale.ROOT,
          "%.6f", fairShare)) + "|" + (fairShare == 0 ? "inf" : String.format(Locale.ROOT, "%.6f", 1 / fairShare))
          + "||cpu=0,mem=0";
    }
  }

  @Property
  void sshareRowsAreReadExactly(@ForAll("shares") List<ShareModel> model) {
    StringBuilder b = new StringBuilder("Account|User|RawShares|NormShares|RawUsage|NormUsage|EffectvUsage|FairShare"
        + "|LevelFS|GrpTRESMins|TRESRunMins\n");
    model.forEach(m -> b.append(m.render()).append('\n'));
    b.append("only|three|columns\n");
    Parsed<List<ShareRow>> r = SshareParser.parse(b.toString());
    assertThat(r.errors()).isEqualTo(1);
    assertThat(r.value()).hasSize(model.size());
    for (int i = 0; i < model.size(); i++) {
      ShareModel m = model.get(i);
      ShareRow s = r.value().get(i);
      assertThat(s.account()).isEqualTo(m.account());
      assertThat(s.user()).isEqualTo(m.user());
      assertThat(s.rawShares()).isEqualTo((double) (long) m.rawShares());
      assertThat(s.normShares()).isEqualTo(Double.parseDouble(String.format(Locale.ROOT, "%.6f", m.norm())));
      assertThat(s.rawUsage()).isEqualTo((double) m.rawUsage());
      assertThat(s.effectiveUsage()).isEqualTo(Double.parseDouble(String.format(Locale.ROOT, "%.6f", m.effUsage())));
      assertThat(s.fairShare()).isEqualTo(m.user().isEmpty() ? null
          : Double.parseDouble(String.format(Locale.ROOT, "%.6f", m.fairShare())));
      assertThat(s.levelFs()).isEqualTo(m.fairShare() == 0 ? Double.POSITIVE_INFINITY
          : Double.parseDouble(String.format(Locale.ROOT, "%.6f", 1 / m.fairShare())));
    }
  }

  @Provide
  Arbitrary<List<ShareModel>> shares() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
    return Combinators.combine(word, word.injectNull(0.3).map(u -> u == null ? "" : u),
        Arbitraries.longs().between(0, 100_000).map(Long::doubleValue), Arbitraries.doubles().between(0, 1),
        Arbitraries.longs().between(0, Long.MAX_VALUE / 4), Arbitraries.doubles().between(0, 1),
        Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0, 1))).as(ShareModel::new).list().ofMaxSize(40);
  }

  @Property
  void sdiagCountersAreReadExactly(@ForAll("sdiagModel") Map<String, Long> general,
                                   @ForAll("rpcModel") Map<String, long[]> rpcs,
                                   @ForAll("epochs") long dataSince) {
    StringBuilder b = new StringBuilder("*******************************************************\n"
        + "sdiag output at Mon Nov 23 19:37:04 2026 (1795462624)\n"
        + "Data since      Mon Nov 23 19:36:33 2026 (" + dataSince + ")\n"
        + "*******************************************************\n");
    general.forEach((k, v) -> b.append(k).append(":  ").append(v).append('\n'));
    b.append("\nMain schedule statistics (microseconds):\n\tLast cycle:   ").append(general.size())
        .append("\n\tMean cycle:   ").append(dataSince % 100_000).append("\n\nBackfilling stats\n\tLast cycle when: N/A\n")
        .append("\tLast cycle: ").append(dataSince % 7777).append("\n\n")
        .append("Remote Procedure Call statistics by message type\n");
    rpcs.forEach((k, v) -> b.append("\t").append(k).append(" ( 2009) count:").append(v[0]).append(" ave_time:")
        .append(v[0] == 0 ? 0 : v[1] / v[0]).append(" total_time:").append(v[1]).append('\n'));
    b.append("\nRemote Procedure Call statistics by user\n\troot            (       0) count:5 ave_time:2 total_time:10\n");
    Parsed<Sdiag> r = SdiagParser.parse(b.toString());
    assertThat(r.errors()).isZero();
    assertThat(r.unusable()).isFalse();
    Sdiag s = r.value();
    assertThat(s.dataSince()).isEqualTo(dataSince);
    general.forEach((k, v) -> assertThat(s.general().get(k)).as(k).isEqualTo(v.doubleValue()));
    assertThat(s.main().get("Last cycle")).isEqualTo((double) general.size());
    assertThat(s.main().get("Mean cycle")).isEqualTo((double) (dataSince % 100_000));
    assertThat(s.backfill().get("Last cycle")).isEqualTo((double) (dataSince % 7777));
    assertThat(s.backfillLastCycle()).isNull();
    assertThat(s.rpcByType()).hasSize(rpcs.size());
    rpcs.forEach((k, v) -> assertThat(s.rpcByType().get(k)).isEqualTo(new Sdiag.Rpc(v[0], v[1])));
    assertThat(s.rpcByUser().get("root")).isEqualTo(new Sdiag.Rpc(5, 10));
  }

  @Provide
  Arbitrary<Map<String, Long>> sdiagModel() {
    return Arbitraries.maps(Arbitraries.of("Server thread count", "Agent queue size", "DBD Agent queue size",
        "Jobs submitted", "Jobs started", "Jobs completed", "Jobs canceled", "Jobs failed", "Jobs pending",
        "Jobs running"), Arbitraries.longs().between(0, 1L << 40)).ofMinSize(1);
  }

  @Provide
  Arbitrary<Map<String, long[]>> rpcModel() {
    return Arbitraries.maps(Arbitraries.of("REQUEST_NODE_INFO", "REQUEST_PARTITION_INFO", "REQUEST_JOB_INFO",
        "MESSAGE_NODE_REGISTRATION_STATUS", "REQUEST_STATS_INFO", "REQUEST_PING"),
        Combinators.combine(Arbitraries.longs().between(0, 1L << 40), Arbitraries.longs().between(0, 1L << 50))
            .as((c, t) -> new long[] {c, t})).ofMaxSize(6);
  }

  @Provide
  Arbitrary<Long> epochs() {
    return Arbitraries.longs().between(1_000_000, 4_000_000_000L);
  }

  static <K, V> Map<K, V> ordered(Map<K, V> m) {
    return new LinkedHashMap<>(m);
  }
}
