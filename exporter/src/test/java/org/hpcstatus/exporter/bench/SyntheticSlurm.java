package org.hpcstatus.exporter.bench;

import java.util.Random;

/**
 * Synthetic Slurm output in exactly the captured 22.05.8 layouts, at a chosen size (10k nodes,
 * 100k jobs) for benchmarks. Deterministic (fixed seed).
 */
public final class SyntheticSlurm {
  private SyntheticSlurm() {}

  private static final String[] STATES = {"IDLE", "MIXED", "ALLOCATED", "MIXED+DRAIN", "IDLE+DRAIN",
      "DOWN+NOT_RESPONDING", "IDLE+POWERED_DOWN", "ALLOCATED+COMPLETING"};

  public static String nodes(int n) {
    Random r = new Random(42);
    StringBuilder sb = new StringBuilder(n * 1100);
    for (int i = 0; i < n; i++) {
      boolean gpu = i % 10 == 0;
      int cpus = gpu ? 64 : 128;
      String state = STATES[r.nextInt(STATES.length)];
      int alloc = state.startsWith("IDLE") || state.startsWith("DOWN") ? 0 : 1 + r.nextInt(cpus);
      String name = String.format("node%05d", i);
      sb.append("NodeName=").append(name).append(" Arch=x86_64 CoresPerSocket=32  CPUAlloc=").append(alloc)
          .append(" CPUEfctv=").append(cpus).append(" CPUTot=").append(cpus)
          .append(" CPULoad=").append(r.nextInt(12800) / 100.0)
          .append(" AvailableFeatures=ib,avx512 ActiveFeatures=ib,avx512 Gres=")
          .append(gpu ? "gpu:a100:8(S:0-1)" : "(null)").append(" GresDrain=N/A GresUsed=")
          .append(gpu ? "gpu:a100:" + (alloc > 0 ? 1 + r.nextInt(8) : 0) + "(IDX:0-7)" : "gpu:0")
          .append(" NodeAddr=").append(name).append(" NodeHostName=").append(name)
          .append(" Version=22.05.8 OS=Linux 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)  ")
          .append("RealMemory=515000 AllocMem=").append(alloc * 4000L).append(" FreeMem=400000 Sockets=2 Boards=1 State=")
          .append(state).append(" ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A Partitions=")
          .append(gpu ? "gpu,batch" : "batch").append(i % 7 == 0 ? ",long" : "")
          .append("  BootTime=2026-11-01T08:00:00 SlurmdStartTime=2026-11-01T08:01:00 LastBusyTime=2026-11-23T10:00:00")
          .append(" CfgTRES=cpu=").append(cpus).append(",mem=515000M,billing=").append(cpus)
          .append(" AllocTRES=cpu=").append(alloc)
          .append(" CapWatts=n/a CurrentWatts=0 AveWatts=0 ExtSensorsJoules=n/s ExtSensorsWatts=0 ExtSensorsTemp=n/s");
      if (state.contains("DRAIN") || state.startsWith("DOWN")) {
        sb.append(" Reason=synthetic reason ").append(i % 13).append(" [root@2026-11-20T09:15:00]");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  public static String partitions() {
    return """
        PartitionName=batch AllowGroups=ALL Default=YES MaxTime=1-00:00:00 Nodes=node[00000-09999] State=UP TotalCPUs=1216000 TotalNodes=10000
        PartitionName=gpu AllowGroups=ALL Default=NO MaxTime=2-00:00:00 Nodes=node[00000-09990] State=UP TotalCPUs=64000 TotalNodes=1000
        PartitionName=long AllowGroups=ALL Default=NO MaxTime=7-00:00:00 Nodes=node[00000-09996] State=UP TotalCPUs=180000 TotalNodes=1429
        """;
  }

  private static final String[] REASONS = {"Priority", "Resources", "Dependency", "QOSMaxCpuPerUserLimit",
      "ReqNodeNotAvail, UnavailableNodes:node[00001-00003]", "JobHeldUser", "AssocGrpCpuLimit"};

  public static String squeue(int n) {
    return squeue(n, 2000, 150);
  }

  /** {@code n} squeue lines of {@code users} users in {@code accounts} accounts (user i is in account i % accounts). */
  public static String squeue(int n, int users, int accounts) {
    Random r = new Random(7);
    StringBuilder sb = new StringBuilder(n * 170);
    for (int i = 0; i < n; i++) {
      boolean running = r.nextInt(3) == 0;
      int cpus = 1 << r.nextInt(8);
      int user = r.nextInt(users);
      boolean gpu = r.nextInt(10) == 0;
      String id = i % 20 == 0 ? (1_000_000 + i / 20) + "_" + (i % 20) : String.valueOf(2_000_000 + i);
      sb.append(id).append('|').append(2_000_000 + i).append("|user").append(user).append("|acct")
          .append(user % accounts).append('|').append(gpu ? "gpu" : (i % 50 == 0 ? "batch,long" : "batch")).append('|')
          .append(running ? "R" : "PD").append('|').append(running ? "None" : REASONS[r.nextInt(REASONS.length)])
          .append('|').append(cpus).append("|1|cpu=").append(cpus).append(",mem=").append(cpus * 4).append("G,node=1,billing=")
          .append(cpus).append(gpu ? ",gres/gpu:a100=2,gres/gpu=2" : "").append('|')
          .append(gpu ? "gres:gpu:a100:2" : "N/A").append("|N/A|normal|2026-11-23T08:00:00|")
          .append(running ? "2026-11-23T08:10:00" : "N/A").append("|job-name-").append(i).append('\n');
    }
    return sb.toString();
  }

  /**
   * {@code sshare -a -P -l} in the captured layout (Fair Tree: LevelFS on accounts, FairShare on users):
   * root, {@code accounts} accounts under it and one association per user (user i in account i % accounts).
   */
  public static String sshare(int users, int accounts) {
    Random r = new Random(11);
    StringBuilder sb = new StringBuilder((users + accounts) * 120);
    sb.append("Account|User|RawShares|NormShares|RawUsage|NormUsage|EffectvUsage|FairShare|LevelFS|GrpTRESMins|TRESRunMins\n");
    sb.append("root|||0.000000|1000000||1.000000||||cpu=0\n");
    double accShare = 1.0 / accounts;
    for (int a = 0; a < accounts; a++) {
      int members = users / accounts + (a < users % accounts ? 1 : 0);
      sb.append(" acct").append(a).append("||1|").append(String.format(java.util.Locale.ROOT, "%.6f", accShare))
          .append('|').append(r.nextInt(100_000)).append('|').append(String.format(java.util.Locale.ROOT, "%.6f", r.nextDouble() * accShare))
          .append('|').append(String.format(java.util.Locale.ROOT, "%.6f", r.nextDouble() * accShare)).append("||")
          .append(String.format(java.util.Locale.ROOT, "%.6f", r.nextDouble() * 2)).append("||cpu=").append(r.nextInt(5000)).append('\n');
      for (int u = a; u < users; u += accounts) {
        sb.append("  acct").append(a).append("|user").append(u).append("|1|")
            .append(String.format(java.util.Locale.ROOT, "%.6f", members == 0 ? 0 : 1.0 / members)).append('|')
            .append(r.nextInt(10_000)).append('|').append(String.format(java.util.Locale.ROOT, "%.6f", r.nextDouble() / users))
            .append('|').append(String.format(java.util.Locale.ROOT, "%.6f", r.nextDouble())).append('|')
            .append(String.format(java.util.Locale.ROOT, "%.6f", r.nextDouble())).append('|')
            .append(String.format(java.util.Locale.ROOT, "%.6f", r.nextDouble() * 2)).append("||cpu=").append(r.nextInt(500)).append('\n');
      }
    }
    return sb.toString();
  }
}
