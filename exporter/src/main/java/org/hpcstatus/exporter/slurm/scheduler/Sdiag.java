package org.hpcstatus.exporter.slurm.scheduler;

import java.util.Map;

/**
 * Parsed {@code sdiag}. {@code general}: "Server thread count", "Jobs submitted", … (keys as printed);
 * {@code main}/{@code backfill}: the two scheduler sections' "Last cycle", "Mean cycle", … (microseconds
 * as printed); RPC statistics by message type and by user; timestamps in epoch seconds.
 */
public record Sdiag(Map<String, Double> general, Map<String, Double> main, Map<String, Double> backfill,
                    Map<String, Rpc> rpcByType, Map<String, Rpc> rpcByUser, Long dataSince,
                    Long backfillLastCycle) {

  /** count and total time (microseconds) of one RPC type or user. */
  public record Rpc(long count, long totalMicros) {}
}
