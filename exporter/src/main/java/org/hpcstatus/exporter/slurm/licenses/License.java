package org.hpcstatus.exporter.slurm.licenses;

/** One license from {@code scontrol -o show licenses}. */
public record License(String name, long total, long used, long free, long reserved, boolean remote) {}
