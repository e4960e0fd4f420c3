package org.hpcstatus.exporter.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.common.ScontrolConfig;
import org.hpcstatus.exporter.slurm.controller.PingParser;
import org.hpcstatus.exporter.slurm.fairshare.SshareParser;
import org.hpcstatus.exporter.slurm.jobs.SqueueParser;
import org.hpcstatus.exporter.slurm.licenses.LicensesParser;
import org.hpcstatus.exporter.slurm.nodes.NodesParser;
import org.hpcstatus.exporter.slurm.partitions.PartitionsParser;
import org.hpcstatus.exporter.slurm.reservations.ReservationsParser;
import org.hpcstatus.exporter.slurm.scheduler.SdiagParser;

/**
 * Every Slurm parser on generated hostile input (random text, and real captures damaged by random
 * edits): never an exception, always a result; lines it cannot read are counted, not turned into data.
 * Property-based complement of {@link HostileInputTest}; valid-line models are in *ModelProperties.
 */
class ParserRobustnessProperties {

  static final Map<String, Function<String, Parsed<?>>> PARSERS = Map.of(
      "nodes", NodesParser::parse, "partitions", PartitionsParser::parse, "squeue", SqueueParser::parse,
      "sdiag", SdiagParser::parse, "sshare", SshareParser::parse, "reservations", ReservationsParser::parse,
      "licenses", LicensesParser::parse, "ping", PingParser::parse);

  static final Map<String, String> CAPTURES = Map.of(
      "nodes", "scontrol-show-nodes-detail_22.05.8.txt", "partitions", "scontrol-show-partitions_22.05.8.txt",
      "squeue", "squeue_22.05.8.txt", "sdiag", "sdiag_22.05.8.txt", "sshare", "sshare_22.05.8.txt",
      "reservations", "scontrol-show-reservations_22.05.8.txt", "licenses", "scontrol-show-licenses_22.05.8.txt",
      "ping", "scontrol-ping_22.05.8.txt");

  /** Characters that mean something to some parser, plus control and non-ASCII junk. */
  @Provide
  Arbitrary<String> hostileText() {
    Arbitrary<Character> special = Arbitraries.of('=', '|', ':', ',', '(', ')', '[', ']', '@', '+', '*', '-', '_',
        ' ', '\t', '\n', '\r', '\u0000', '\ufffd', 'é', '9', '0', '.', 'T', 'N', '/', '$', '#');
    Arbitrary<String> tokens = Arbitraries.of("NodeName=", "PartitionName=", "ReservationName=", "LicenseName=",
        "State=", "CPUTot=", "Total=", "Used=", "Gres=gpu:", "GresUsed=", "Slurmctld(primary) at ", " is UP",
        "Account|User|RawShares", "count:", " ave_time:", " total_time:", "Data since", "(1795462593)",
        "Main schedule statistics", "Remote Procedure Call statistics by user", "(null)", "N/A", "UNLIMITED",
        "2026-11-23T19:42:38", "99999999999999999999", "-1", "1e308", "NaN", "inf");
    Arbitrary<String> piece = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, special.map(String::valueOf)),
        net.jqwik.api.Tuple.of(3, tokens),
        net.jqwik.api.Tuple.of(2, Arbitraries.strings().ofMaxLength(12)),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40)));
    return piece.list().ofMaxSize(80).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<String> parserName() {
    return Arbitraries.of(List.copyOf(PARSERS.keySet()));
  }

  /** A real capture with random damage: cut, deleted/duplicated/swapped ranges, inserted junk. */
  @Provide
  Arbitrary<Damaged> damagedCapture() {
    Arbitrary<String> name = parserName();
    Arbitrary<List<int[]>> edits = Combinators.combine(Arbitraries.integers().between(0, 4),
        Arbitraries.integers().between(0, 100_000), Arbitraries.integers().between(0, 300))
        .as((kind, at, len) -> new int[] {kind, at, len}).list().ofMinSize(1).ofMaxSize(6);
    return Combinators.combine(name, edits, hostileText()).as((n, e, junk) -> new Damaged(n, damage(
        Fixtures.read(CAPTURES.get(n)), e, junk)));
  }

  record Damaged(String parser, String text) {}

  static String damage(String s, List<int[]> edits, String junk) {
    StringBuilder b = new StringBuilder(s);
    for (int[] e : edits) {
      if (b.length() == 0) {
        break;
      }
      int at = e[1] % b.length();
      int end = Math.min(b.length(), at + e[2]);
      switch (e[0]) {
        case 0 -> b.setLength(at); // truncated output
        case 1 -> b.delete(at, end);
        case 2 -> b.insert(at, b.substring(at, end)); // duplicated range
        case 3 -> b.insert(at, junk);
        default -> b.replace(at, end, junk);
      }
    }
    return b.toString();
  }

  static void sane(String parser, Parsed<?> r) {
    assertThat(r).as(parser).isNotNull();
    assertThat(r.value()).as(parser + " value").isNotNull();
    assertThat(r.errors()).isNotNegative();
    assertThat(r.samples().size()).isLessThanOrEqualTo(Math.max(5, r.errors()));
    if (r.value() instanceof List<?> l) {
      assertThat(l).doesNotContainNull();
    }
  }

  @Property
  void hostileTextNeverThrows(@ForAll("parserName") String parser, @ForAll("hostileText") String text) {
    Parsed<?> r = PARSERS.get(parser).apply(text);
    sane(parser, r);
  }

  @Property
  void damagedCapturesNeverThrow(@ForAll("damagedCapture") Damaged d) {
    Parsed<?> r = PARSERS.get(d.parser()).apply(d.text());
    sane(d.parser(), r);
  }

  /** Lines that start with no record keyword are counted, and never become records. */
  @Property
  void foreignLinesAreCountedNotRead(@ForAll("parserName") String parser,
                                     @ForAll("foreignLines") List<String> junk) {
    if (parser.equals("sdiag") || parser.equals("sshare")) {
      return; // sections and a header decide there; covered by their model properties
    }
    Parsed<?> r = PARSERS.get(parser).apply(String.join("\n", junk) + "\n");
    // ping also counts "no controller status at all" once
    int expected = junk.size() + (parser.equals("ping") ? 1 : 0);
    assertThat(r.errors()).as(parser + " counts each foreign line").isEqualTo(expected);
    assertThat((List<?>) r.value()).isEmpty();
  }

  @Provide
  Arbitrary<List<String>> foreignLines() {
    return Arbitraries.strings().withChars("abcxyz019 =|:,()").ofMinLength(1).ofMaxLength(60)
        .filter(s -> !s.isBlank() && Character.isDigit(s.strip().charAt(0)) == false)
        .map(s -> "x" + s).list().ofMinSize(1).ofMaxSize(20);
  }

  /** Found by the long fuzz run (FuzzBench): a 24-digit epoch or RPC count threw NumberFormatException. */
  @net.jqwik.api.Example
  void sdiagNumbersTooLongForALongAreCountedNotThrown() {
    Parsed<?> r = SdiagParser.parse("Data since      Mon Nov 23 19:36:33 2026 (697699999999999999999999)\n"
        + "Server thread count:  3\nRemote Procedure Call statistics by message type\n"
        + "\tREQUEST_PING ( 2009) count:999999999999999999999 ave_time:1 total_time:5\n"
        + "\tREQUEST_JOB_INFO ( 2003) count:999999999999999999 ave_time:1 total_time:5\n"
        + "\tREQUEST_JOB_INFO ( 2003) count:999999999999999999 ave_time:1 total_time:5\n");
    assertThat(r.errors()).isEqualTo(2);
    var rpc = ((org.hpcstatus.exporter.slurm.scheduler.Sdiag) r.value()).rpcByType().get("REQUEST_JOB_INFO");
    assertThat(rpc.count()).isEqualTo(1_999_999_999_999_999_998L);
  }

  @Property
  void scontrolConfigNeverThrowsAndKeepsFirstValues(@ForAll("hostileText") String text) {
    Map<String, String> m = ScontrolConfig.parse(text);
    for (Map.Entry<String, String> e : m.entrySet()) {
      assertThat(e.getKey()).isNotEmpty().doesNotContain(" ");
      assertThat(e.getValue()).isNotNull();
    }
  }

  static List<String> lines(String s) {
    return new ArrayList<>(List.of(s.split("\n")));
  }
}
