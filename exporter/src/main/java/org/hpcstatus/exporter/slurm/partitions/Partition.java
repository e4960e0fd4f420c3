package org.hpcstatus.exporter.slurm.partitions;

/** One partition from {@code scontrol -o show partitions}. */
public record Partition(String name, String state, boolean isDefault, long totalCpus, long totalNodes,
                        Long maxTimeSeconds) {}
