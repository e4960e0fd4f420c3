package org.hpcstatus.exporter.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.time.Duration;

/**
 * The YAML side of every config part: one strict mapper (unknown keys, nulls for primitives and trailing
 * tokens are errors; durations as {@code 15s} or seconds) and the translation of Jackson's errors into a
 * {@link ConfigException} that names the YAML path ({@code /services/2/timeout: ...}).
 */
public final class Yaml {
  private Yaml() {}

  private static final java.util.Set<String> TRUE = java.util.Set.of("true", "True", "TRUE", "y", "Y", "yes", "Yes",
      "YES", "on", "On", "ON");
  private static final java.util.Set<String> FALSE = java.util.Set.of("false", "False", "FALSE", "n", "N", "no", "No",
      "NO", "off", "Off", "OFF");

  /** Configured once: an ObjectMapper is thread-safe for reading and costly to build (most of a parse). */
  private static final ObjectMapper MAPPER = build();

  /** The shared, read-only configured mapper; do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  private static ObjectMapper build() {
    SimpleModule m = new SimpleModule();
    m.addDeserializer(Duration.class, new JsonDeserializer<>() {
      @Override
      public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        if (p.currentToken().isNumeric()) {
          return Duration.ofMillis(Math.round(p.getDoubleValue() * 1000));
        }
        try {
          return Durations.parse(p.getValueAsString());
        } catch (IllegalArgumentException e) {
          throw JsonMappingException.from(p, e.getMessage());
        }
      }
    });
    // YAML 1.1 booleans: yes/no/on/off/y/n are read as booleans only where a boolean is expected, and stay
    // text elsewhere (a user called "no" in exclude_users, a file called "on")
    JsonDeserializer<Boolean> bool = new JsonDeserializer<>() {
      @Override
      public Boolean deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        if (p.currentToken().isBoolean()) {
          return p.getBooleanValue();
        }
        String t = p.currentToken().isScalarValue() ? p.getText() : null;
        if (t != null && TRUE.contains(t)) {
          return true;
        }
        if (t != null && FALSE.contains(t)) {
          return false;
        }
        throw JsonMappingException.from(p, "must be true or false, not '" + t + "'");
      }
    };
    m.addDeserializer(Boolean.class, bool);
    m.addDeserializer(boolean.class, bool);
    return new ObjectMapper(new YAMLFactory().enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS))
        .registerModule(m)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * The document bound to {@code type}, or {@code empty} for an empty document; every error is a
   * {@link ConfigException} naming its YAML path.
   */
  public static <T> T read(String yaml, Class<T> type, T empty) {
    ObjectMapper mapper = mapper();
    try {
      JsonNode tree = mapper.readTree(yaml);
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        return empty;
      }
      if (!tree.isObject()) {
        throw new ConfigException("", "the config must be a YAML mapping");
      }
      return mapper.treeToValue(tree, type);
    } catch (JsonMappingException e) {
      throw new ConfigException(path(e), message(e));
    } catch (JsonProcessingException e) {
      throw new ConfigException("", "invalid YAML: " + e.getOriginalMessage());
    }
  }

  /** {@code /a/0/b} of the element a mapping error is about. */
  public static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      sb.append('/');
      sb.append(r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()));
    }
    return sb.toString();
  }

  /** The first line of Jackson's message, or the known keys for an unknown one. */
  public static String message(JsonMappingException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      return "unknown key '" + u.getPropertyName() + "'; known keys: " + u.getKnownPropertyIds();
    }
    String m = e.getOriginalMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
