package org.hpcstatus.exporter.slurm.jobs;

import java.util.List;

/**
 * One job (or array task, or het component) from squeue. {@code partitions} has several entries for a
 * job pending in several partitions ({@code -p a,b}). {@code gpus} counts each GPU once (typed and
 * untyped TRES entries are the same GPUs).
 */
public record Job(String id, String user, String account, List<String> partitions, String state, String reason,
                  long cpus, long nodes, long gpus, String qos, Long submitTime, Long startTime) {}
