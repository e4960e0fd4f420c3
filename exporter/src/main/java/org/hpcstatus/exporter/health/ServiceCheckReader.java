package org.hpcstatus.exporter.health;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.health.kinds.Kinds;

/**
 * Binds one {@code services:} entry: the common keys into {@link ServiceCheckConfig}, the keys of its
 * {@code kind} into that kind's options record (polymorphism on {@code kind}, driven by the registry
 * {@code Kinds.ALL}). A key of another kind is "does not apply to kind …", any other key "unknown key";
 * every error carries its YAML path (the config loader reports it as {@code /services/2/key}).
 */
final class ServiceCheckReader extends StdDeserializer<ServiceCheckConfig> {
  private static final RecordComponent[] COMPONENTS = ServiceCheckConfig.class.getRecordComponents();
  /** YAML keys of the common components (all but the last, {@code options}). */
  private static final List<String> COMMON_KEYS = Kind.keys(ServiceCheckConfig.class)
      .subList(0, COMPONENTS.length - 1);

  ServiceCheckReader() {
    super(ServiceCheckConfig.class);
  }

  @Override
  public ServiceCheckConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonNode tree = ctxt.readTree(p);
    if (!tree.isObject()) {
      return (ServiceCheckConfig) ctxt.handleUnexpectedToken(ServiceCheckConfig.class, p);
    }
    JsonNode kindNode = tree.get("kind");
    String kindName = kindNode == null || kindNode.isNull() ? null : kindNode.asText();
    Kind<?> kind = Kinds.byName(kindName);
    if (kind == null) {
      throw at(p, "kind", "unknown kind '" + kindName + "'; known: " + Kinds.names());
    }
    Object[] args = new Object[COMPONENTS.length];
    ObjectNode options = ctxt.getNodeFactory().objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String key = f.getKey();
      int common = COMMON_KEYS.indexOf(key);
      if (common >= 0) {
        args[common] = bind(ctxt, f.getValue(), COMPONENTS[common], key);
      } else if (kind.optionKeys().contains(key)) {
        options.set(key, f.getValue());
      } else if (Kinds.anyOptionKey(key)) {
        throw at(p, key, "does not apply to kind " + kind.name() + "; its options are " + kind.optionLabels());
      } else {
        List<Object> known = new ArrayList<>(COMMON_KEYS);
        known.addAll(kind.optionKeys());
        throw UnrecognizedPropertyException.from(p, ServiceCheckConfig.class, key, known);
      }
    }
    args[COMPONENTS.length - 1] = ctxt.readTreeAsValue(options, kind.optionsType());
    try {
      return CONSTRUCTOR.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw JsonMappingException.from(p, "cannot build the service check: " + e, e);
    }
  }

  private static Object bind(DeserializationContext ctxt, JsonNode value, RecordComponent rc, String key)
      throws IOException {
    if (value.isNull()) {
      return null;
    }
    try {
      return ctxt.readTreeAsValue(value, ctxt.getTypeFactory().constructType(rc.getGenericType()));
    } catch (JsonMappingException e) {
      e.prependPath(ServiceCheckConfig.class, key);
      throw e;
    }
  }

  private static JsonMappingException at(JsonParser p, String key, String message) {
    JsonMappingException e = JsonMappingException.from(p, message);
    e.prependPath(ServiceCheckConfig.class, key);
    return e;
  }

  private static final Constructor<ServiceCheckConfig> CONSTRUCTOR;

  static {
    Class<?>[] types = new Class<?>[COMPONENTS.length];
    for (int i = 0; i < types.length; i++) {
      types[i] = COMPONENTS[i].getType();
    }
    try {
      CONSTRUCTOR = ServiceCheckConfig.class.getDeclaredConstructor(types);
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
