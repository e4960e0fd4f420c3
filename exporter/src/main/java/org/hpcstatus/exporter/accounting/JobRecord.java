package org.hpcstatus.exporter.accounting;

/**
 * One finished job (an allocation line of {@code sacct -X}; array tasks and het-job components are
 * records of their own). Times are epoch seconds (UTC); {@code start} is {@code -1} for a job that never
 * started. Derived usage: CPU-seconds = AllocCPUS × ElapsedRaw, GPU-seconds = GPUs in AllocTRES ×
 * ElapsedRaw, memory = allocated bytes × ElapsedRaw (kept in KiB-seconds so sums stay exact longs).
 */
public record JobRecord(
    long jobIdRaw,
    String jobId,
    String user,
    String account,
    String partition,
    String qos,
    JobState state,
    long submit,
    long start,
    long end,
    long elapsed,
    long allocCpus,
    long gpus,
    long memoryBytes) {

  public long cpuSeconds() {
    return allocCpus * elapsed;
  }

  public long gpuSeconds() {
    return gpus * elapsed;
  }

  public long memoryKibSeconds() {
    return (memoryBytes / 1024) * elapsed;
  }

  /** Start − Submit, or {@code -1} if the job never started. */
  public long waitSeconds() {
    return start < 0 || submit < 0 ? -1 : Math.max(0, start - submit);
  }
}
