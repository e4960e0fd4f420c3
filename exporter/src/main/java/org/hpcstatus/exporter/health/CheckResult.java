package org.hpcstatus.exporter.health;

import java.util.ArrayList;
import java.util.List;
import org.hpcstatus.exporter.core.MetricDef;

/**
 * What a successful check found besides "it works": the version the target reports, the expiry of its
 * TLS certificate, and kind-specific samples. Sample label values exclude {@code service} and
 * {@code kind}, which the scheduler adds.
 */
public final class CheckResult {

  /** One value of a kind-specific metric; {@code labels} are the values of {@code def}'s labels after service, kind. */
  public record Sample(MetricDef def, double value, List<String> labels) {}

  private String version;
  private Double tlsExpiry;
  private final List<Sample> samples = new ArrayList<>();

  public CheckResult version(String v) {
    this.version = v == null || v.isBlank() ? null : v.strip();
    return this;
  }

  public CheckResult tlsExpiry(Double epochSeconds) {
    if (epochSeconds != null) {
      this.tlsExpiry = epochSeconds;
    }
    return this;
  }

  public CheckResult add(MetricDef def, double value, String... labels) {
    if (labels.length != def.labels().size() - 2) {
      throw new IllegalArgumentException(def.name() + " takes " + def.labels() + " (after service, kind)");
    }
    samples.add(new Sample(def, value, List.of(labels)));
    return this;
  }

  public String version() {
    return version;
  }

  public Double tlsExpiry() {
    return tlsExpiry;
  }

  public List<Sample> samples() {
    return List.copyOf(samples);
  }
}
