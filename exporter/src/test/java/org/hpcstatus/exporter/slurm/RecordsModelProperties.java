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
import org.hpcstatus.exporter.slurm.common.ScontrolConfig;
import org.hpcstatus.exporter.slurm.controller.ControllerStatus;
import org.hpcstatus.exporter.slurm.controller.PingParser;
import org.hpcstatus.exporter.slurm.licenses.License;
import org.hpcstatus.exporter.slurm.licenses.LicensesParser;
import org.hpcstatus.exporter.slurm.reservations.Reservation;
import org.hpcstatus.exporter.slurm.reservations.ReservationsParser;

/** Reservations, licenses, scontrol ping and scontrol show config from a model, parsed back exactly. */
class RecordsModelProperties {
  static Arbitrary<String> word() {
    return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('_', '-').ofMinLength(1).ofMaxLength(16)
        .filter(s -> Character.isLetter(s.charAt(0)));
  }

  static String ts(long epoch) {
    return NodesModelProperties.TS.format(LocalDateTime.ofEpochSecond(epoch, 0, ZoneOffset.UTC));
  }

  record ResvModel(String name, String state, List<String> flags, long start, long duration, long nodes, long cores,
                   String users, String accounts) {
    String render() {
      return "ReservationName=" + name + " StartTime=" + ts(start) + " EndTime=" + ts(start + duration)
          + " Duration=01:00:00 Nodes=cn[1-" + Math.max(1, nodes) + "] NodeCnt=" + nodes + " CoreCnt=" + cores
          + " Features=(null) PartitionName=(null) Flags=" + (flags.isEmpty() ? "(null)" : String.join(",", flags))
          + " TRES=cpu=" + cores + " Users=" + (users.isEmpty() ? "(null)" : users) + " Groups=(null) Accounts="
          + (accounts.isEmpty() ? "(null)" : accounts) + " Licenses=(null) State=" + state
          + " BurstBuffer=(null) Watts=n/a MaxStartDelay=(null)";
    }
  }

  @Provide
  Arbitrary<List<ResvModel>> reservations() {
    return Combinators.combine(word(), Arbitraries.of("ACTIVE", "INACTIVE"),
        Arbitraries.of("MAINT", "SPEC_NODES", "IGNORE_JOBS", "DAILY", "FLEX").list().uniqueElements().ofMaxSize(3),
        Arbitraries.longs().between(946_684_800L, 4_000_000_000L), Arbitraries.longs().between(0, 400L * 86400),
        Arbitraries.longs().between(0, 100_000), Arbitraries.longs().between(0, 10_000_000),
        word().injectNull(0.5).map(s -> s == null ? "" : s)).as((n, st, fl, start, dur, nodes, cores, users) ->
        new ResvModel(n, st, fl, start, dur, nodes, cores, users, users.isEmpty() ? "physics" : ""))
        .list().uniqueElements(ResvModel::name).ofMaxSize(20);
  }

  @Property
  void reservationsAreReadExactly(@ForAll("reservations") List<ResvModel> model) {
    StringBuilder b = new StringBuilder();
    model.forEach(m -> b.append(m.render()).append('\n'));
    b.append("ReservationName= State=ACTIVE\nnot a reservation\n");
    Parsed<List<Reservation>> r = ReservationsParser.parse(b.toString());
    assertThat(r.errors()).isEqualTo(2);
    assertThat(r.value()).hasSize(model.size());
    for (int i = 0; i < model.size(); i++) {
      ResvModel m = model.get(i);
      Reservation v = r.value().get(i);
      assertThat(v.name()).isEqualTo(m.name());
      assertThat(v.state()).isEqualTo(m.state().toLowerCase(Locale.ROOT));
      assertThat(v.flags()).isEqualTo(m.flags());
      assertThat(v.start()).isEqualTo(m.start());
      assertThat(v.end()).isEqualTo(m.start() + m.duration());
      assertThat(v.nodes()).isEqualTo(m.nodes());
      assertThat(v.cores()).isEqualTo(m.cores());
      assertThat(v.users()).isEqualTo(m.users());
      assertThat(v.accounts()).isEqualTo(m.accounts());
      assertThat(v.partition()).isEmpty();
    }
  }

  @Provide
  Arbitrary<List<License>> licenses() {
    return Combinators.combine(word(), Arbitraries.longs().between(0, 1L << 40), Arbitraries.doubles().between(0, 1),
        Arbitraries.longs().between(0, 1000), Arbitraries.of(true, false)).as((n, total, frac, resv, remote) -> {
          long used = Math.round(total * frac);
          return new License(n, total, used, total - used, resv, remote);
        }).list().uniqueElements(License::name).ofMaxSize(20);
  }

  @Property
  void licensesAreReadExactly(@ForAll("licenses") List<License> model, @ForAll boolean withFree) {
    StringBuilder b = new StringBuilder();
    model.forEach(l -> b.append("LicenseName=").append(l.name()).append(" Total=").append(l.total()).append(" Used=")
        .append(l.used()).append(withFree ? " Free=" + l.free() : "").append(" Reserved=").append(l.reserved())
        .append(" Remote=").append(l.remote() ? "yes" : "no").append('\n'));
    b.append("LicenseName=broken Total=many Used=0\n");
    Parsed<List<License>> r = LicensesParser.parse(b.toString());
    assertThat(r.errors()).isEqualTo(1);
    assertThat(r.value()).isEqualTo(model);
  }

  @Provide
  Arbitrary<List<ControllerStatus>> controllers() {
    Arbitrary<String> host = word().map(w -> w + ".example.org");
    return Combinators.combine(Arbitraries.of("primary", "backup1", "backup2"), host, Arbitraries.of(true, false))
        .as(ControllerStatus::new).list().ofMinSize(1).ofMaxSize(4);
  }

  @Property
  void pingIsReadExactly(@ForAll("controllers") List<ControllerStatus> model) {
    StringBuilder b = new StringBuilder();
    model.forEach(c -> b.append("Slurmctld(").append(c.role()).append(") at ").append(c.host()).append(" is ")
        .append(c.up() ? "UP" : "DOWN").append('\n'));
    Parsed<List<ControllerStatus>> r = PingParser.parse(b.toString());
    assertThat(r.errors()).isZero();
    assertThat(r.value()).isEqualTo(model);
  }

  @Property
  void scontrolShowConfigKeepsEveryKeyAndValue(@ForAll("configEntries") Map<String, String> model) {
    StringBuilder b = new StringBuilder("Configuration data as of 2026-11-23T19:36:33\n");
    model.forEach((k, v) -> b.append(String.format(Locale.ROOT, "%-23s = %s%n", k, v)));
    b.append("\nCgroup Support Configuration:\n");
    Map<String, String> parsed = ScontrolConfig.parse(b.toString());
    model.forEach((k, v) -> assertThat(parsed.get(k)).as(k).isEqualTo(v.strip()));
    assertThat(new ArrayList<>(parsed.keySet()).subList(0, model.size())).isEqualTo(new ArrayList<>(model.keySet()));
  }

  @Provide
  Arbitrary<Map<String, String>> configEntries() {
    Arbitrary<String> key = Arbitraries.strings().withCharRange('A', 'Z').withCharRange('a', 'z').ofMinLength(1)
        .ofMaxLength(20);
    Arbitrary<String> value = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40);
    return Arbitraries.maps(key, value).ofMaxSize(30).map(LinkedHashMap::new);
  }
}
