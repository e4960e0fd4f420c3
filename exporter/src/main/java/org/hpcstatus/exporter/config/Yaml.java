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
import java.io.IOException;
import java.time.Duration;

/**
 * The YAML side of every config part: one strict mapper (unknown keys, nulls for primitives and trailing
 * tokens are errors; durations as {@code 15s} or seconds) and the translation of Jackson's errors into a
 * {@link ConfigException} that names the YAML path ({@code /services/2/timeout: ...}).
 */
public final class Yaml {
  private Yaml() {}

  public static ObjectMapper mapper() {
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
    return new ObjectMapper(new YAMLFactory())
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
