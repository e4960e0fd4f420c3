package org.hpcstatus.exporter.core;

import java.util.List;

/**
 * One source of metrics (nodes, jobs, sdiag, a service check group …). Runs in the background poller,
 * never on the scrape path: {@link #collect} may run commands (through {@link CollectContext}) and
 * writes its families into {@link Out}. Throwing marks this collector failed
 * ({@code hpcstatus_collector_success 0}) and drops its families until the next good run; other
 * collectors and the scrape are unaffected.
 */
public interface Collector {

  String name();

  /** Every metric family this collector may emit: the catalog entries behind docs/metrics.md. */
  List<MetricDef> metrics();

  void collect(CollectContext ctx, Out out) throws Exception;
}
