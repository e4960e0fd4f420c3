package org.hpcstatus.exporter.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutageStoreTest {
  static final ObjectMapper M = new ObjectMapper();
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  static JsonNode json(String s) throws Exception {
    return M.readTree(s);
  }

  static OutageStore store(Path dir, Path file, StatusFixtures.MutableClock clock) {
    return new OutageStore(dir, file, () -> StatusFixtures.SERVICES, clock);
  }

  @Test
  void apiOutagesSurviveARestart(@TempDir Path dir) throws Exception {
    var clock = new StatusFixtures.MutableClock(NOW.toEpochMilli());
    OutageStore s = store(dir, null, clock);
    Outage o = s.create(json("{\"service\":\"redis\",\"severity\":\"major\",\"title\":\"Redis down ☃\","
        + "\"expected_end\":\"2026-12-01T14:00:00+01:00\"}"));
    assertThat(o.start()).isEqualTo(NOW);
    assertThat(o.expectedEnd()).isEqualTo(Instant.parse("2026-12-01T13:00:00Z"));
    s.patch(o.id(), json("{\"update\":\"Identified: disk full\"}"));
    OutageStore again = store(dir, null, clock);
    Outage back = again.get(o.id());
    assertThat(back.title()).isEqualTo("Redis down ☃");
    assertThat(back.updates()).singleElement().extracting(Outage.Update::message).isEqualTo("Identified: disk full");
    assertThat(back.phase(NOW)).isEqualTo(Outage.Phase.ACTIVE);
    // past its expected end it is shown as ended, with no one touching it
    assertThat(back.phase(NOW.plusSeconds(3600))).isEqualTo(Outage.Phase.ENDED);
    again.patch(o.id(), json("{\"resolved\":true}"));
    assertThat(store(dir, null, clock).get(o.id()).phase(NOW)).isEqualTo(Outage.Phase.ENDED);
    again.delete(o.id());
    assertThatThrownBy(() -> store(dir, null, clock).get(o.id())).isInstanceOf(OutageStore.NotFound.class);
  }

  @Test
  void validationNamesTheField(@TempDir Path dir) throws Exception {
    OutageStore s = store(dir, null, new StatusFixtures.MutableClock(NOW.toEpochMilli()));
    String[][] cases = {
        {"{\"severity\":\"major\",\"title\":\"t\"}", "service"},
        {"{\"service\":\"nope\",\"severity\":\"major\",\"title\":\"t\"}", "service"},
        {"{\"service\":\"redis\",\"severity\":\"bad\",\"title\":\"t\"}", "severity"},
        {"{\"service\":\"redis\",\"title\":\"t\"}", "severity"},
        {"{\"service\":\"redis\",\"severity\":\"major\"}", "title"},
        {"{\"service\":\"redis\",\"severity\":\"major\",\"title\":\"   \"}", "title"},
        {"{\"service\":\"redis\",\"severity\":\"major\",\"title\":\"t\",\"start\":\"yesterday\"}", "start"},
        {"{\"service\":\"redis\",\"severity\":\"major\",\"title\":\"t\",\"start\":\"2026-12-01T10:00:00\"}", "start"},
        {"{\"service\":\"redis\",\"severity\":\"major\",\"title\":\"t\",\"start\":\"2026-12-01T10:00:00Z\","
            + "\"expected_end\":\"2026-12-01T09:00:00Z\"}", "expected_end"},
        {"{\"service\":\"redis\",\"severity\":\"major\",\"title\":\"t\",\"colour\":\"red\"}", "colour"},
        {"{\"service\":\"redis\",\"severity\":\"major\",\"title\":\"a\\u0007b\"}", "title"},
        {"{\"service\":\"redis\",\"severity\":\"major\",\"title\":\"" + "x".repeat(201) + "\"}", "title"},
        {"{\"service\":\"<script>\",\"severity\":\"major\",\"title\":\"t\"}", "service"},
        {"{\"service\":\"redis\",\"severity\":\"major\",\"title\":\"t\",\"updates\":[{\"message\":\"\"}]}",
            "updates[0].message"},
        {"{\"service\":\"redis\",\"severity\":\"major\",\"title\":\"t\",\"resolved\":\"yes\"}", "resolved"},
        {"[1,2]", "body"},
        {"{\"service\":\"redis\",\"severity\":\"major\",\"title\":\"t\",\"id\":\"mine\"}", "id"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> s.create(json(c[0]))).as(c[0]).isInstanceOfSatisfying(OutageParser.Invalid.class,
          e -> assertThat(e.field()).isEqualTo(c[1]));
    }
    assertThat(s.all()).isEmpty();
  }

  @Test
  void theOutagesFileIsReloadedWhenItChangesAndKeptWhenBroken(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("outages.yaml");
    Files.writeString(file, """
        outages:
          - id: fs-maint
            service: lustre
            severity: maintenance
            title: Lustre upgrade
            start: 2026-12-02T08:00:00Z
            expected_end: 2026-12-02T12:00:00Z
        """);
    var clock = new StatusFixtures.MutableClock(NOW.toEpochMilli());
    OutageStore s = store(dir, file, clock);
    assertThat(s.all()).singleElement().satisfies(o -> {
      assertThat(o.origin()).isEqualTo(Outage.Origin.FILE);
      assertThat(o.phase(NOW)).isEqualTo(Outage.Phase.UPCOMING);
    });
    long v = s.version();
    assertThat(s.reloadIfChanged()).isFalse();
    Files.writeString(file, """
        outages:
          - id: fs-maint
            service: lustre
            severity: major
            title: Lustre down
        """);
    Files.setLastModifiedTime(file, FileTime.from(NOW.plusSeconds(5)));
    assertThat(s.reloadIfChanged()).isTrue();
    assertThat(s.version()).isGreaterThan(v);
    assertThat(s.all()).singleElement().extracting(Outage::severity).isEqualTo(Outage.Severity.MAJOR);
    // file outages are changed in the file, not through the API
    assertThatThrownBy(() -> s.patch("fs-maint", json("{\"resolved\":true}"))).isInstanceOf(OutageStore.ReadOnly.class);
    // a broken file keeps the last good content and says why
    Files.writeString(file, "outages:\n  - id: x\n    severity: sometimes\n    service: lustre\n    title: t\n");
    Files.setLastModifiedTime(file, FileTime.from(NOW.plusSeconds(10)));
    s.reloadIfChanged();
    assertThat(s.all()).singleElement().extracting(Outage::title).isEqualTo("Lustre down");
    assertThat(s.declaredError()).contains("/outages/0/severity");
    Files.writeString(file, "outages: [\n");
    Files.setLastModifiedTime(file, FileTime.from(NOW.plusSeconds(15)));
    s.reloadIfChanged();
    assertThat(s.declaredError()).contains("not valid YAML");
    Files.delete(file);
    assertThat(s.reloadIfChanged()).isTrue();
    assertThat(s.all()).isEmpty();
  }

  @Test
  void aCorruptStateFileIsQuarantined(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(OutageStore.FILE), "[{\"id\":\"x\"");
    OutageStore s = store(dir, null, new StatusFixtures.MutableClock(NOW.toEpochMilli()));
    assertThat(s.all()).isEmpty();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("outages.json.corrupt-"));
    }
  }
}
