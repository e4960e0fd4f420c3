package org.hpcstatus.exporter.health;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hpcstatus.exporter.core.MetricDef;

/**
 * One kind of service check (postgres, http, …): its name, its typed options record (the YAML keys only
 * this kind takes, bound by {@link ServiceCheckReader}), which common credential/TLS keys apply to it, its
 * validation, its factory and its metrics. Every kind is one file in {@code health/kinds} declaring a
 * {@code KIND} constant, listed once in {@code Kinds.ALL}.
 *
 * @param <O> the options record ({@link NoOptions} for kinds with none)
 */
public final class Kind<O extends Record> {

  /** Common keys that only some kinds accept (name, target, timing keys apply to all). */
  public enum Common {
    USERNAME("username"), PASSWORD("password"), TOKEN("token"), TLS("tls"),
    TLS_INSECURE_SKIP_VERIFY("tls_insecure_skip_verify"), TLS_CA_FILE("tls_ca_file"),
    TLS_SERVER_NAME("tls_server_name");

    final String label;

    Common(String label) {
      this.label = label;
    }
  }

  /** The options of a kind without kind-specific keys. */
  public record NoOptions() {}

  /** Kind-specific validation: target and options. Errors are ConfigExceptions naming {@code path + "/key"}. */
  @FunctionalInterface
  public interface Validator<O> {
    void validate(String path, ServiceCheckConfig c, O options, ServiceChecks.Shared shared);
  }

  /** Builds the check of one validated config. No I/O here. */
  @FunctionalInterface
  public interface Factory<O> {
    Check create(ServiceCheckConfig c, O options, Secrets secrets);
  }

  private final String name;
  private final Class<O> optionsType;
  private final Set<Common> common;
  private final List<MetricDef> metrics;
  private final Validator<O> validator;
  private final Factory<O> factory;
  private final List<String> optionKeys;
  private final O defaults;

  public Kind(String name, Class<O> optionsType, Set<Common> common, List<MetricDef> metrics, Validator<O> validator,
              Factory<O> factory) {
    this.name = name;
    this.optionsType = optionsType;
    this.common = common.isEmpty() ? EnumSet.noneOf(Common.class) : EnumSet.copyOf(common);
    this.metrics = List.copyOf(metrics);
    this.validator = validator;
    this.factory = factory;
    this.optionKeys = keys(optionsType);
    this.defaults = allNull(optionsType);
  }

  public String name() {
    return name;
  }

  public Class<O> optionsType() {
    return optionsType;
  }

  /** YAML keys of the options record. */
  public List<String> optionKeys() {
    return optionKeys;
  }

  public boolean accepts(Common key) {
    return common.contains(key);
  }

  /** The options with nothing set (every default). */
  public O defaults() {
    return defaults;
  }

  /** The metrics a check of this kind may emit (for the catalog). */
  public List<MetricDef> metrics() {
    return metrics;
  }

  /** Accepted common and kind-specific keys, sorted: for "does not apply" messages. */
  public List<String> optionLabels() {
    Set<String> all = new TreeSet<>(optionKeys);
    common.forEach(c -> all.add(c.label));
    return List.copyOf(all);
  }

  /** The typed options of a config of this kind. */
  public O options(ServiceCheckConfig c) {
    return optionsType.cast(c.options());
  }

  void validate(String path, ServiceCheckConfig c, ServiceChecks.Shared shared) {
    validator.validate(path, c, options(c), shared);
  }

  public Check create(ServiceCheckConfig c, Secrets secrets) {
    return factory.create(c, options(c), secrets);
  }

  @Override
  public String toString() {
    return name;
  }

  /** A kind-specific gauge: labels service, kind, then {@code extra}. */
  public static MetricDef gauge(String name, String help, String... extra) {
    return MetricDef.gauge(name, help, labels(extra));
  }

  /** A kind-specific counter: labels service, kind, then {@code extra}. */
  public static MetricDef counter(String name, String help, String... extra) {
    return MetricDef.counter(name, help, labels(extra));
  }

  public static String[] labels(String... extra) {
    String[] all = new String[extra.length + 2];
    all[0] = "service";
    all[1] = "kind";
    System.arraycopy(extra, 0, all, 2, extra.length);
    return all;
  }

  /** YAML names of a record's components ({@code @JsonProperty} or the component name). */
  static List<String> keys(Class<? extends Record> type) {
    List<String> out = new ArrayList<>();
    for (RecordComponent rc : type.getRecordComponents()) {
      out.add(key(rc));
    }
    return List.copyOf(out);
  }

  static String key(RecordComponent rc) {
    JsonProperty p = rc.getAccessor().getAnnotation(JsonProperty.class);
    return p != null && !p.value().isEmpty() ? p.value() : rc.getName();
  }

  private static <O extends Record> O allNull(Class<O> type) {
    try {
      RecordComponent[] rc = type.getRecordComponents();
      Class<?>[] types = new Class<?>[rc.length];
      for (int i = 0; i < rc.length; i++) {
        types[i] = rc[i].getType();
      }
      Constructor<O> c = type.getDeclaredConstructor(types);
      c.setAccessible(true);
      return c.newInstance(new Object[rc.length]);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("options record " + type.getName() + " needs a canonical constructor "
          + "accepting nulls", e);
    }
  }
}
