package org.hpcstatus.exporter.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.hpcstatus.exporter.status.StatusView.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusHubTest {
  static final long NOW = Instant.parse("2026-12-01T12:00:00Z").toEpochMilli();

  static StatusHub hub(Path dir, StatusFixtures.Source source, StatusFixtures.MutableClock clock) {
    return new StatusHub(source, new OutageStore(dir, null, () -> StatusFixtures.SERVICES, clock),
        new HistoryStore(dir), clock, () -> "testbed");
  }

  @Test
  void aRestartKeepsTheBars(@TempDir Path dir) {
    var clock = new StatusFixtures.MutableClock(NOW);
    var source = new StatusFixtures.Source(clock);
    source.set(StatusFixtures.cluster("testbed", NOW / 1000.0, true),
        StatusFixtures.services("testbed", NOW / 1000.0, "redis:down"));
    StatusHub h = hub(dir, source, clock);
    for (int i = 0; i < 60; i++) {
      clock.advance(1000);
      // the check keeps reporting (a check not heard of for 5 intervals would turn unknown)
      source.set(StatusFixtures.cluster("testbed", clock.millis() / 1000.0, true),
          StatusFixtures.services("testbed", clock.millis() / 1000.0, "redis:down"));
      h.tick();
    }
    h.close(); // saves
    StatusHub again = hub(dir, source, clock);
    StatusView v = again.current().view();
    assertThat(v.services()).singleElement().satisfies(s -> {
      assertThat(s.days().get(89).down()).isEqualTo(60.0);
      assertThat(s.uptime24h()).isEqualTo(0.0);
      assertThat(s.sinceMillis()).isEqualTo(NOW); // down since the first observation, across the restart
    });
    again.close();
  }

  @Test
  void publishesOnChangeAndOncePerSecondOtherwise(@TempDir Path dir) {
    var clock = new StatusFixtures.MutableClock(NOW);
    var source = new StatusFixtures.Source(clock);
    source.set(List.of(), StatusFixtures.services("testbed", NOW / 1000.0, "redis:up"));
    StatusHub h = hub(dir, source, clock);
    long seq = h.current().seq();
    clock.advance(200);
    h.tick();
    assertThat(h.current().seq()).as("nothing changed, less than a second").isEqualTo(seq);
    source.set(List.of(), StatusFixtures.services("testbed", NOW / 1000.0, "redis:down"));
    clock.advance(200);
    h.tick();
    assertThat(h.current().seq()).as("a change is published at once").isEqualTo(seq + 1);
    assertThat(h.current().view().services().get(0).service().state()).isEqualTo(StatusSnapshot.State.DOWN);
    clock.advance(1000);
    h.tick();
    assertThat(h.current().seq()).as("and at least once a second").isEqualTo(seq + 2);
    h.close();
  }

  @Test
  void anEditedOutagesFileShowsUpWithinASecond(@TempDir Path dir) throws Exception {
    var clock = new StatusFixtures.MutableClock(NOW);
    var source = new StatusFixtures.Source(clock);
    source.set(List.of(), StatusFixtures.services("testbed", NOW / 1000.0, "lustre:up"));
    Path file = dir.resolve("outages.yaml");
    StatusHub h = new StatusHub(source, new OutageStore(dir, file, () -> StatusFixtures.SERVICES, clock),
        new HistoryStore(dir), clock, () -> "testbed");
    assertThat(h.current().view().active()).isEmpty();
    java.nio.file.Files.writeString(file, "outages:\n  - {id: fs, service: lustre, severity: major, title: Lustre down}\n");
    clock.advance(1000);
    h.tick();
    assertThat(h.current().view().active()).singleElement().extracting(Outage::title).isEqualTo("Lustre down");
    assertThat(h.current().view().overall()).isEqualTo(Level.MAJOR);
    h.close();
  }

  @Test
  void theBannerIsTheWorstOfMeasuredAndDeclared() {
    var svc = (java.util.function.Function<StatusSnapshot.State, StatusView.ServiceView>) st -> new StatusView.ServiceView(
        new StatusSnapshot.Service("s", "tcp", st, null, null, null, null, 1), 0, 1, 1, 1, List.of(), List.of());
    Outage maint = new Outage("m", "testbed", null, Outage.Severity.MAINTENANCE, "t", null, null, null, null, false,
        null, Outage.Origin.API, null);
    Outage major = new Outage("x", "testbed", null, Outage.Severity.MAJOR, "t", null, null, null, null, false,
        null, Outage.Origin.API, null);
    assertThat(ViewBuilder.overall(List.of(), List.of(svc.apply(StatusSnapshot.State.UP)), List.of()))
        .isEqualTo(Level.OPERATIONAL);
    assertThat(ViewBuilder.overall(List.of(), List.of(svc.apply(StatusSnapshot.State.UP)), List.of(maint)))
        .isEqualTo(Level.MAINTENANCE);
    assertThat(ViewBuilder.overall(List.of(), List.of(svc.apply(StatusSnapshot.State.DEGRADED)), List.of(maint)))
        .isEqualTo(Level.DEGRADED);
    assertThat(ViewBuilder.overall(List.of(), List.of(svc.apply(StatusSnapshot.State.DOWN)), List.of()))
        .isEqualTo(Level.PARTIAL);
    assertThat(ViewBuilder.overall(List.of(), List.of(svc.apply(StatusSnapshot.State.UNKNOWN)), List.of(major)))
        .isEqualTo(Level.MAJOR);
  }

  @Test
  void staleDataIsMarkedAmberThenRed() {
    assertThat(StatusView.Age.of(1000, 990, 15, "nodes").level()).isEqualTo("fresh");
    assertThat(StatusView.Age.of(1000, 960, 15, "nodes").level()).isEqualTo("stale"); // > 2 intervals
    assertThat(StatusView.Age.of(1000, 900, 15, "nodes").level()).isEqualTo("old"); // > 5 intervals
    assertThat(StatusView.Age.of(1000, 0, 15, "nodes").level()).isEqualTo("never");
    assertThat(Html.age(StatusView.Age.of(1000, 900, 15, "nodes"), "cluster data"))
        .contains("age-old", "Outdated", "nodes");
  }

  @Test
  void tokensAreComparedByDigestAndNeverShown() throws Exception {
    BearerToken t = BearerToken.ofHash("sha256:" + java.util.HexFormat.of().formatHex(BearerToken.sha256("abc")), "k");
    assertThat(t.check(null)).isEqualTo(BearerToken.Verdict.MISSING);
    assertThat(t.check("Basic abc")).isEqualTo(BearerToken.Verdict.MISSING);
    assertThat(t.check("Bearer abd")).isEqualTo(BearerToken.Verdict.WRONG);
    assertThat(t.check("bearer  abc ")).isEqualTo(BearerToken.Verdict.OK);
    assertThat(t.toString()).doesNotContain("abc");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BearerToken.ofHash("md5:abc", "/status/x"))
        .hasMessageStartingWith("/status/x");
  }

  @Test
  void badgesSayTheStateInText() {
    String svg = BadgeRenderer.render("db <1>", "down");
    assertThat(svg).startsWith("<svg").contains("aria-label=\"db &lt;1&gt;: down\"", ">down</text>", "#e5534b");
    assertThat(BadgeRenderer.render("x", "maintenance")).contains("#1f6feb");
  }
}
