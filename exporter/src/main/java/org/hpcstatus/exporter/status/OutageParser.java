package org.hpcstatus.exporter.status;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates an outage declaration (API JSON or outages-file YAML, both as a Jackson tree). Every
 * rejection names the field ({@link Invalid#field()}), so the API can answer 400 with it and a file
 * error points at the entry. Text is stored as given (unicode welcome) and escaped when rendered.
 */
public final class OutageParser {
  static final int MAX_TITLE = 200;
  static final int MAX_TEXT = 4000;
  static final int MAX_UPDATE = 1000;
  static final int MAX_UPDATES = 100;
  static final Set<String> FIELDS = Set.of("id", "cluster", "service", "severity", "title", "description", "start",
      "expected_end", "updates", "resolved");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  /** A field that failed validation. */
  public static final class Invalid extends Exception {
    private final String field;

    public Invalid(String field, String message) {
      super(field + ": " + message);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private OutageParser() {}

  /** A request body as a JSON tree; anything that is not one JSON value is an {@link Invalid} {@code body}. */
  public static JsonNode json(byte[] data) throws Invalid {
    try {
      JsonNode n = STRICT.readTree(data);
      if (n == null || n.isMissingNode()) {
        throw new Invalid("body", "empty: send a JSON object");
      }
      return n;
    } catch (IOException e) {
      String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new Invalid("body", "not valid JSON: " + abbreviate(String.valueOf(msg)));
    }
  }

  /**
   * A new declaration; {@code id} must be given by files, and is generated for the API.
   * {@code services}: the configured checks (an unknown service is refused, a typo would hide the notice).
   */
  public static Outage create(JsonNode n, String id, Outage.Origin origin, Set<String> services, Instant now)
      throws Invalid {
    object(n);
    checkFields(n, origin == Outage.Origin.FILE ? FIELDS : without(FIELDS, "id"));
    String cluster = name(n, "cluster");
    String service = name(n, "service");
    if (cluster == null && service == null) {
      throw new Invalid("service", "give the affected service or cluster (or both)");
    }
    checkService(service, services);
    Outage.Severity sev = severity(n, true);
    String title = text(n, "title", MAX_TITLE, true, false);
    Instant start = time(n, "start");
    Instant end = time(n, "expected_end");
    start = start == null ? now : start;
    checkEnd(start, end);
    boolean resolved = bool(n, "resolved", false);
    return new Outage(id, cluster, service, sev, title, text(n, "description", MAX_TEXT, false, true), start, end,
        updates(n, now), resolved, resolved ? now : null, origin, null);
  }

  /** PATCH: changes the given fields; {@code update} (a string) appends to the timeline. */
  public static Outage patch(Outage o, JsonNode n, Set<String> services, Instant now) throws Invalid {
    object(n);
    checkFields(n, with(without(FIELDS, "id"), "update"));
    String cluster = n.has("cluster") ? name(n, "cluster") : o.cluster();
    String service = n.has("service") ? name(n, "service") : o.service();
    if (cluster == null && service == null) {
      throw new Invalid("service", "give the affected service or cluster (or both)");
    }
    if (n.has("service")) {
      checkService(service, services);
    }
    Outage.Severity sev = n.has("severity") ? severity(n, true) : o.severity();
    String title = n.has("title") ? text(n, "title", MAX_TITLE, true, false) : o.title();
    String desc = n.has("description") ? text(n, "description", MAX_TEXT, false, true) : o.description();
    Instant start = n.has("start") ? time(n, "start") : o.start();
    start = start == null ? o.start() : start;
    Instant end = n.has("expected_end") ? time(n, "expected_end") : o.expectedEnd();
    checkEnd(start, end);
    List<Outage.Update> ups = n.has("updates") ? updates(n, now) : new ArrayList<>(o.updates());
    if (n.has("update")) {
      String msg = text(n, "update", MAX_UPDATE, true, true);
      ups = new ArrayList<>(ups);
      ups.add(new Outage.Update(now, msg));
      if (ups.size() > MAX_UPDATES) {
        throw new Invalid("update", "at most " + MAX_UPDATES + " updates per outage");
      }
    }
    boolean resolved = n.has("resolved") ? bool(n, "resolved", false) : o.resolved();
    Instant resolvedAt = resolved ? (o.resolved() && o.resolvedAt() != null ? o.resolvedAt() : now) : null;
    return new Outage(o.id(), cluster, service, sev, title, desc, start, end, ups, resolved, resolvedAt, o.origin(),
        o.nodes());
  }

  static String id(JsonNode n) throws Invalid {
    String id = n.path("id").isTextual() ? n.get("id").asText() : null;
    if (id == null || !ID.matcher(id).matches()) {
      throw new Invalid("id", "required in the outages file: 1-64 characters of A-Z a-z 0-9 _ . -");
    }
    return id;
  }

  private static void object(JsonNode n) throws Invalid {
    if (n == null || !n.isObject()) {
      throw new Invalid("body", "must be a JSON object");
    }
  }

  private static void checkFields(JsonNode n, Set<String> allowed) throws Invalid {
    var it = n.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new Invalid(f, "unknown field; known: " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private static Set<String> without(Set<String> s, String f) {
    Set<String> out = new java.util.HashSet<>(s);
    out.remove(f);
    return out;
  }

  private static Set<String> with(Set<String> s, String f) {
    Set<String> out = new java.util.HashSet<>(s);
    out.add(f);
    return out;
  }

  private static void checkService(String service, Set<String> services) throws Invalid {
    if (service != null && services != null && !services.contains(service)) {
      throw new Invalid("service", "no configured check named '" + service + "'; known: "
          + new java.util.TreeSet<>(services));
    }
  }

  private static void checkEnd(Instant start, Instant end) throws Invalid {
    if (end != null && start != null && !end.isAfter(start)) {
      throw new Invalid("expected_end", "must be after start");
    }
  }

  private static String name(JsonNode n, String f) throws Invalid {
    JsonNode v = n.get(f);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || !NAME.matcher(v.asText()).matches()) {
      throw new Invalid(f, "must be a name of 1-100 characters A-Z a-z 0-9 _ . : -");
    }
    return v.asText();
  }

  private static Outage.Severity severity(JsonNode n, boolean required) throws Invalid {
    JsonNode v = n.get("severity");
    if (v == null || v.isNull()) {
      if (required) {
        throw new Invalid("severity", "required: one of maintenance, degraded, partial, major");
      }
      return null;
    }
    try {
      return Outage.Severity.valueOf(v.asText().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Invalid("severity", "must be one of maintenance, degraded, partial, major");
    }
  }

  static String text(JsonNode n, String f, int max, boolean required, boolean multiline) throws Invalid {
    JsonNode v = n.get(f);
    if (v == null || v.isNull()) {
      if (required) {
        throw new Invalid(f, "required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new Invalid(f, "must be a string");
    }
    String s = v.asText().strip();
    if (required && s.isEmpty()) {
      throw new Invalid(f, "must not be empty");
    }
    if (s.codePointCount(0, s.length()) > max) {
      throw new Invalid(f, "longer than " + max + " characters");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) {
        throw new Invalid(f, "contains a control character");
      }
    }
    return s;
  }

  private static Instant time(JsonNode n, String f) throws Invalid {
    JsonNode v = n.get(f);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new Invalid(f, "must be an RFC 3339 date-time string such as 2026-12-01T08:00:00Z");
    }
    try {
      return OffsetDateTime.parse(v.asText().trim()).toInstant();
    } catch (DateTimeParseException e) {
      throw new Invalid(f, "not an RFC 3339 date-time with offset (e.g. 2026-12-01T08:00:00Z): '"
          + abbreviate(v.asText()) + "'");
    }
  }

  private static boolean bool(JsonNode n, String f, boolean dflt) throws Invalid {
    JsonNode v = n.get(f);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw new Invalid(f, "must be true or false");
    }
    return v.asBoolean();
  }

  private static List<Outage.Update> updates(JsonNode n, Instant now) throws Invalid {
    JsonNode v = n.get("updates");
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new Invalid("updates", "must be a list of {at, message}");
    }
    if (v.size() > MAX_UPDATES) {
      throw new Invalid("updates", "at most " + MAX_UPDATES + " updates");
    }
    List<Outage.Update> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode u = v.get(i);
      String field = "updates[" + i + "]";
      if (!u.isObject()) {
        throw new Invalid(field, "must be an object {at, message}");
      }
      try {
        checkFields(u, Set.of("at", "message"));
        Instant at = time(u, "at");
        out.add(new Outage.Update(at == null ? now : at, text(u, "message", MAX_UPDATE, true, true)));
      } catch (Invalid e) {
        throw new Invalid(field + "." + e.field(), e.getMessage().substring(e.field().length() + 2));
      }
    }
    return out;
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
