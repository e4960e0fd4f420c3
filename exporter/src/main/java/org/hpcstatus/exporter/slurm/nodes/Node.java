package org.hpcstatus.exporter.slurm.nodes;

import java.util.List;
import java.util.Map;

/**
 * One node from {@code scontrol -d -o show nodes}. Memory in bytes; timestamps in epoch seconds
 * ({@code null} when Slurm has none).
 */
public record Node(
    String name,
    String rawState,
    NodeState state,
    long cpusTotal,
    long cpusAlloc,
    long cpusEffective,
    Double cpuLoad,
    long memoryTotalBytes,
    long memoryAllocBytes,
    Long memoryFreeBytes,
    Map<String, Long> gpusTotal,
    Map<String, Long> gpusAlloc,
    List<String> partitions,
    String reason,
    String reasonUser,
    Long reasonTimestamp,
    String version) {

  public long gpusTotalCount() {
    return gpusTotal.values().stream().mapToLong(Long::longValue).sum();
  }

  public long gpusAllocCount() {
    return gpusAlloc.values().stream().mapToLong(Long::longValue).sum();
  }
}
