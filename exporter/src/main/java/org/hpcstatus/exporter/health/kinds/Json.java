package org.hpcstatus.exporter.health.kinds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hpcstatus.exporter.health.CheckException;
import org.hpcstatus.exporter.health.Reason;

/** Strict JSON parsing of service answers: anything unparsable is a {@code protocol} failure. */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static JsonNode parse(String body, String what) throws CheckException {
    try {
      JsonNode n = MAPPER.readTree(body);
      if (n == null || n.isMissingNode()) {
        throw new CheckException(Reason.PROTOCOL, what + ": empty body where JSON was expected");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new CheckException(Reason.PROTOCOL, what + ": answer is not JSON");
    }
  }

  static JsonNode object(String body, String what) throws CheckException {
    JsonNode n = parse(body, what);
    if (!n.isObject()) {
      throw new CheckException(Reason.PROTOCOL, what + ": expected a JSON object");
    }
    return n;
  }

  /** A numeric field (or 0 if absent); a present non-number is a protocol failure. */
  static double number(JsonNode obj, String field, String what) throws CheckException {
    JsonNode v = obj.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return 0;
    }
    if (!v.isNumber()) {
      throw new CheckException(Reason.PROTOCOL, what + ": field " + field + " is not a number");
    }
    return v.doubleValue();
  }
}
