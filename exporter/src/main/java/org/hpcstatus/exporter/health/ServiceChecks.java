package org.hpcstatus.exporter.health;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.health.kinds.Kinds;

/** The {@code services:} list as a whole: validation (every error names its YAML path) and check creation. */
public final class ServiceChecks {
  private ServiceChecks() {}

  /** Scratch space of one validation run, for rules across services (e.g. one sql metric, one label set). */
  public static final class Shared {
    private final Map<Object, Object> state = new HashMap<>();

    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Supplier<T> initial) {
      return (T) state.computeIfAbsent(key, k -> initial.get());
    }
  }

  /** The kind names, in registry order. */
  public static List<String> kinds() {
    return Kinds.names();
  }

  /** Validates {@code services:}; errors name the YAML path ({@code /services/2/kind}). */
  public static void validate(List<ServiceCheckConfig> services) {
    Set<String> names = new HashSet<>();
    Shared shared = new Shared();
    for (int i = 0; i < services.size(); i++) {
      String p = "/services/" + i;
      ServiceCheckConfig c = services.get(i);
      if (c == null) {
        throw new ConfigException(p, "empty entry");
      }
      c.validate(p, shared);
      if (!names.add(c.name())) {
        throw new ConfigException(p + "/name", "duplicate service name '" + c.name() + "'");
      }
    }
  }

  /** The check of one validated config. No I/O. */
  public static Check create(ServiceCheckConfig c, Secrets secrets) {
    Kind<?> k = Kinds.byName(c.kind());
    if (k == null) {
      throw new IllegalArgumentException("unknown kind " + c.kind());
    }
    return k.create(c, secrets);
  }
}
