package org.hpcstatus.exporter.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The outage API's request bodies, from bytes to a declaration ({@link OutageParser#json} then
 * {@link OutageParser#create} or {@link OutageParser#patch}, the path of a POST/PATCH): any body either
 * yields an outage or an {@link OutageParser.Invalid} naming a field the client sent or the body itself
 * (the API's 400), never another exception; a valid declaration from a model reads back exactly.
 */
public class OutageJsonProperties {
  static final Set<String> SERVICES = Set.of("postgres", "mqtt", "lustre-scratch");
  static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();
  /** What an error may name besides the declaration's fields and a field the client sent: an update's field. */
  static final Pattern UPDATE_FIELD = Pattern.compile("updates\\[\\d+\\](\\.[\\s\\S]*)?");
  static final Set<String> NAMED = Set.of("body", "id", "cluster", "service", "severity", "title", "description",
      "start", "expected_end", "updates", "resolved", "update");
  static final List<String> KEYS = List.of("id", "cluster", "service", "severity", "title", "description", "start",
      "expected_end", "updates", "resolved", "update", "at", "message", "nodes", "");

  /** A JSON value; objects nest at most two levels deep. */
  Arbitrary<String> value(int depth) {
    Arbitrary<String> leaf = Arbitraries.oneOf(
        Arbitraries.of("null", "true", "false", "0", "-1", "1e400", "\"\"", "\"major\"", "\"MAINTENANCE\"",
            "\"postgres\"", "\"lustre-scratch\"", "\"unknown-svc\"", "\"2026-12-01T08:00:00Z\"",
            "\"2026-12-01T08:00:00+01:00\"", "\"2026-12-01 08:00\"", "\"\\u0000\"", "\"a\\nb\"", "[]", "{}",
            "[{\"at\":\"2026-12-01T08:00:00Z\",\"message\":\"m\"}]", "[{\"message\":\"\"}]", "[1]",
            "\"" + "x".repeat(5000) + "\"", "\"ü🙂\"", "\"<script>\""),
        Arbitraries.strings().ofMaxLength(20).map(s -> {
          try {
            return JSON.writeValueAsString(s);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
    return depth >= 2 ? leaf : Arbitraries.frequencyOf(Tuple.of(4, leaf), Tuple.of(1, object(depth + 1)));
  }

  Arbitrary<String> object(int depth) {
    Arbitrary<String> v = value(depth);
    return Combinators.combine(Arbitraries.of(KEYS), v).as((k, x) -> "\"" + k + "\":" + x).list().ofMaxSize(8)
        .map(l -> "{" + String.join(",", l) + "}");
  }

  /** JSON-ish bodies: objects of real and unknown keys with hostile values, damaged by truncation or noise. */
  @Provide
  public Arbitrary<byte[]> bodies() {
    Arbitrary<String> doc = Arbitraries.frequencyOf(Tuple.of(6, object(0)), Tuple.of(1, value(1)),
        Tuple.of(1, Arbitraries.strings().ofMaxLength(40)));
    return Combinators.combine(doc, Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 200))
        .as((d, damage, at) -> switch (damage) {
          case 0 -> d.substring(0, Math.min(at, d.length()));
          case 1 -> d + "}";
          case 2 -> d.replace(":", "");
          default -> d;
        }).map(s -> s.getBytes(StandardCharsets.UTF_8));
  }

  @Property
  public void everyBodyIsAnOutageOrA400NamingAField(@ForAll("bodies") byte[] body) {
    Outage existing = new Outage("o1", null, "postgres", Outage.Severity.MAJOR, "db down", null, NOW, null, List.of(),
        false, null, Outage.Origin.API, null);
    try {
      var n = OutageParser.json(body);
      Outage o = OutageParser.create(n, "o2", Outage.Origin.API, SERVICES, NOW);
      assertThat(o.title()).isNotBlank();
      assertThat(o.service() != null || o.cluster() != null).isTrue();
      assertThat(o.service() == null || SERVICES.contains(o.service())).isTrue();
      Outage p = OutageParser.patch(existing, n, SERVICES, NOW);
      assertThat(p.id()).isEqualTo("o1");
    } catch (OutageParser.Invalid e) {
      String sent = new String(body, StandardCharsets.UTF_8);
      assertThat(e.field()).isNotNull();
      assertThat(NAMED.contains(e.field()) || UPDATE_FIELD.matcher(e.field()).matches()
          || sent.contains("\"" + e.field() + "\"")).as(e.field()).isTrue();
      assertThat(e.getMessage()).startsWith(e.field() + ": ").hasSizeLessThan(600);
    }
  }

  /** A declaration as a client would send it. */
  public record Model(String cluster, String service, Outage.Severity severity, String title, String description,
                      Instant start, Instant end, boolean resolved) {
    byte[] body() {
      ObjectNode n = JSON.createObjectNode();
      if (cluster != null) {
        n.put("cluster", cluster);
      }
      if (service != null) {
        n.put("service", service);
      }
      n.put("severity", severity.label());
      n.put("title", title);
      if (description != null) {
        n.put("description", description);
      }
      n.put("start", start.toString());
      if (end != null) {
        n.put("expected_end", end.toString());
      }
      n.put("resolved", resolved);
      return n.toString().getBytes(StandardCharsets.UTF_8);
    }
  }

  @Provide
  public Arbitrary<Model> models() {
    Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars("0123456789_.:-")
        .ofMinLength(1).ofMaxLength(100);
    Arbitrary<String> text = Arbitraries.strings().ofMinLength(1).ofMaxLength(200)
        .filter(s -> !s.strip().isEmpty() && s.strip().equals(s) && s.chars().noneMatch(ch -> Character.isISOControl(ch) || Character.isSurrogate((char) ch)));
    Arbitrary<Instant> start = Arbitraries.longs().between(0, 4_000_000_000L).map(Instant::ofEpochSecond);
    return Combinators.combine(names.injectNull(0.3), Arbitraries.of(SERVICES).injectNull(0.3),
        Arbitraries.of(Outage.Severity.class), text, text.injectNull(0.5), start,
        Arbitraries.longs().between(1, 10_000_000).injectNull(0.3), Arbitraries.of(true, false))
        .as((c, s, sev, t, d, st, len, r) -> new Model(c == null && s == null ? "cl" : c, s, sev, t, d, st,
            len == null ? null : st.plusSeconds(len), r));
  }

  @Property
  public void aValidDeclarationReadsBackExactly(@ForAll("models") Model m) throws Exception {
    Outage o = OutageParser.create(OutageParser.json(m.body()), "id-1", Outage.Origin.API, SERVICES, NOW);
    assertThat(o.cluster()).isEqualTo(m.cluster());
    assertThat(o.service()).isEqualTo(m.service());
    assertThat(o.severity()).isEqualTo(m.severity());
    assertThat(o.title()).isEqualTo(m.title());
    assertThat(o.description()).isEqualTo(m.description());
    assertThat(o.start()).isEqualTo(m.start());
    assertThat(o.expectedEnd()).isEqualTo(m.end());
    assertThat(o.resolved()).isEqualTo(m.resolved());
    assertThat(o.resolvedAt()).isEqualTo(m.resolved() ? NOW : null);
  }
}
