package org.hpcstatus.exporter.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.controller.PingParser;
import org.hpcstatus.exporter.slurm.fairshare.SshareParser;
import org.hpcstatus.exporter.slurm.jobs.SqueueParser;
import org.hpcstatus.exporter.slurm.licenses.LicensesParser;
import org.hpcstatus.exporter.slurm.nodes.NodesParser;
import org.hpcstatus.exporter.slurm.partitions.PartitionsParser;
import org.hpcstatus.exporter.slurm.reservations.ReservationsParser;
import org.hpcstatus.exporter.slurm.scheduler.SdiagParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Slurm parser on hostile input: empty, binary junk, a truncated real capture, a huge line, a
 * different command's output. None may throw; junk must be counted (or make the output unusable),
 * never silently read as data.
 */
class HostileInputTest {

  record P(String name, Function<String, Parsed<?>> parser, String capture) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<P> parsers() {
    return Stream.of(
        new P("nodes", NodesParser::parse, "scontrol-show-nodes-detail_22.05.8.txt"),
        new P("partitions", PartitionsParser::parse, "scontrol-show-partitions_22.05.8.txt"),
        new P("squeue", SqueueParser::parse, "squeue_22.05.8.txt"),
        new P("sdiag", SdiagParser::parse, "sdiag_22.05.8.txt"),
        new P("sshare", SshareParser::parse, "sshare_22.05.8.txt"),
        new P("reservations", ReservationsParser::parse, "scontrol-show-reservations_22.05.8.txt"),
        new P("licenses", LicensesParser::parse, "scontrol-show-licenses_22.05.8.txt"),
        new P("ping", PingParser::parse, "scontrol-ping_22.05.8.txt"));
  }

  static Stream<Arguments> cases() {
    String binary = "\u0000\u0001\u0002\u00ff\ufffd|||===\u0007\n\t\r\n";
    String huge = "x".repeat(2_000_000);
    return parsers().flatMap(p -> Stream.of(
        Arguments.of(p, "binary", binary),
        Arguments.of(p, "huge line", huge),
        Arguments.of(p, "html error page", "<html><body>502 Bad Gateway</body></html>\n"),
        Arguments.of(p, "other command's output", Fixtures.read("sinfo-N_22.05.8.txt"))));
  }

  static boolean isEmpty(Object v) {
    if (v instanceof List<?> l) {
      return l.isEmpty();
    }
    return false;
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void junkIsCountedNeverReadAsData(P p, String what, String input) {
    Parsed<?>[] r = new Parsed<?>[1];
    assertThatCode(() -> r[0] = p.parser().apply(input)).doesNotThrowAnyException();
    assertThat(r[0].errors() > 0 || r[0].unusable()).as("junk must be noticed").isTrue();
    if (r[0].value() instanceof List<?> l) {
      assertThat(l).as("no records from junk").isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}: empty")
  @MethodSource("parsers")
  void emptyOutputIsValidOnlyWhereSlurmCanPrintNothing(P p) {
    Parsed<?> r = p.parser().apply("");
    if (p.name().equals("ping") || p.name().equals("sdiag")) {
      // ping always names a controller and sdiag always prints its report: silence is a failure
      assertThat(r.unusable()).as(p.name() + " with no output").isTrue();
    } else {
      // an empty queue, node list, share table or reservation list is a valid answer
      assertThat(r.errors()).isZero();
      assertThat(r.unusable()).isFalse();
      assertThat(r.value()).isInstanceOf(List.class);
      assertThat((List<?>) r.value()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}: truncated capture")
  @MethodSource("parsers")
  void aTruncatedCaptureKeepsItsCompleteRecordsAndCountsTheCutOne(P p) {
    String full = Fixtures.read(p.capture());
    String cut = full.substring(0, full.length() * 2 / 3);
    assertThatCode(() -> p.parser().apply(cut)).doesNotThrowAnyException();
    Parsed<?> r = p.parser().apply(cut);
    long completeLines = cut.chars().filter(c -> c == '\n').count();
    if (completeLines == 0) {
      // a single record cut in half (ping, licenses) is all there is: nothing complete to keep
      assertThat(r.unusable() || r.errors() > 0 || !isEmpty(r.value())).isTrue();
    } else {
      assertThat(r.unusable()).as("a cut capture still has usable records").isFalse();
      if (r.value() instanceof List<?> l) {
        assertThat(l).as("records before the cut").isNotEmpty();
      }
    }
  }
}
