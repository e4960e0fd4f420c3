package org.hpcstatus.exporter.health;

import java.util.List;
import org.hpcstatus.exporter.core.MetricDef;

/**
 * One kind of health check, bound to one configured target. {@link #run} is called on a worker thread
 * by {@link HealthChecks}, which enforces the hard timeout; implementations should still set I/O
 * timeouts from {@link CheckContext#remainingMillis()} so that threads do not linger.
 *
 * <p>Failures are thrown as {@link CheckException} with a {@link Reason}; any other exception is
 * classified by {@link Failures#classify}. Either way it never leaves the scheduler.
 */
public interface Check extends AutoCloseable {

  CheckResult run(CheckContext ctx) throws Exception;

  /** The kind-specific metrics this check may emit (labels start with service, kind). */
  List<MetricDef> metrics();

  @Override
  default void close() {}
}
