package org.hpcstatus.exporter.core;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The value of the {@code cluster} label. A configured name wins; otherwise Slurm's ClusterName is
 * looked up (lazily, and again on each poll until it succeeds, so an exporter started while slurmctld
 * is down still ends up with the right label).
 */
public final class ClusterName {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterName.class);
  public static final String UNKNOWN = "unknown";

  private final String configured;
  private final Supplier<String> lookup;
  private volatile String resolved;

  public ClusterName(String configured, Supplier<String> lookup) {
    this.configured = configured == null || configured.isBlank() ? null : configured.strip();
    this.lookup = lookup;
  }

  public static ClusterName fixed(String name) {
    return new ClusterName(name, () -> null);
  }

  /** Whether the label is the real one: configured, or looked up successfully. */
  public boolean known() {
    return configured != null || resolved != null;
  }

  /** The label value now, never blocking (the scrape path): "unknown" until a lookup succeeded. */
  public String get() {
    if (configured != null) {
      return configured;
    }
    String r = resolved;
    return r == null ? UNKNOWN : r;
  }

  /**
   * Looks the name up if it is not known yet (runs {@code scontrol show config}: call only from the
   * background poller, never from a scrape), then returns {@link #get()}.
   */
  public String resolve() {
    if (configured != null || resolved != null) {
      return get();
    }
    synchronized (this) {
      if (resolved == null) {
        String n = null;
        try {
          n = lookup.get();
        } catch (RuntimeException e) {
          LOG.warn("cannot look up Slurm's ClusterName yet: {}", e.getMessage());
        }
        if (n != null && !n.isBlank()) {
          resolved = n.strip();
          LOG.info("cluster label: {}", resolved);
        }
      }
    }
    return get();
  }
}
