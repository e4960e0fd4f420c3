package org.hpcstatus.exporter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.hpcstatus.exporter.slurm.Fixtures;

/**
 * A directory of fake Slurm binaries (shell scripts printing fixtures) for fault tests: each command
 * can be made to hang, fail, print garbage, or be missing. Used with {@code slurm.bin_dir}.
 */
public final class FakeSlurm {
  private final Path dir;

  public FakeSlurm(Path dir) throws Exception {
    this.dir = dir;
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Files.writeString(data.resolve("nodes"), Fixtures.read("edge-cases/scontrol-show-nodes_edge.txt"));
    Files.writeString(data.resolve("squeue"), Fixtures.read("edge-cases/squeue_edge.txt"));
    Files.writeString(data.resolve("partitions"), """
        PartitionName=batch Default=YES MaxTime=1-00:00:00 State=UP TotalCPUs=1024 TotalNodes=16
        PartitionName=gpu Default=NO MaxTime=UNLIMITED State=UP TotalCPUs=192 TotalNodes=3
        PartitionName=cloud Default=NO MaxTime=04:00:00 State=INACTIVE TotalCPUs=192 TotalNodes=3
        """);
    write("scontrol", """
        case "$*" in
          "show config") if [ -f "%1$s/show-config.sh" ]; then . "%1$s/show-config.sh"; fi
            echo "ClusterName             = fakecluster"; echo "SLURM_VERSION           = 22.05.8";;
          "-d -o show nodes") cat "%1$s/nodes";;
          "-o show partitions") cat "%1$s/partitions";;
          "-o show reservations") echo "No reservations in the system";;
          "-o show licenses") echo "LicenseName=matlab Total=4 Used=1 Free=3 Reserved=0 Remote=no";;
          "ping") echo "Slurmctld(primary) at ctl1 is UP"; echo "Slurmctld(backup) at ctl2 is DOWN"; exit 1;;
          "--version") echo "slurm 22.05.8";;
          *) echo "fake scontrol: unexpected args $*" >&2; exit 2;;
        esac
        """.formatted(data));
    squeue("cat \"" + data.resolve("squeue") + "\"");
    write("sdiag", """
        *******************************************************
        sdiag output at Mon Nov 23 19:30:00 2026 (1795461000)
        Data since      Mon Nov 23 00:00:00 2026 (1795392000)
        *******************************************************
        Server thread count:  3
        Agent queue size:     0
        DBD Agent queue size: 0
        Jobs submitted: 10
        Jobs failed:    1
        Main schedule statistics (microseconds):
        \tLast cycle:   150
        \tMean cycle:   200
        Backfilling stats
        \tTotal backfilled jobs (since last slurm start): 2
        \tLast cycle when: N/A
        \tLast cycle: 1000
        Remote Procedure Call statistics by message type
        \tREQUEST_NODE_INFO                       ( 2007) count:3      ave_time:233    total_time:701
        Remote Procedure Call statistics by user
        \troot            (       0) count:55     ave_time:376    total_time:20698
        """.replace("\\t", "\t").lines().map(l -> "echo '" + l + "'").reduce("", (a, b) -> a + b + "\n"));
    write("sshare", """
        echo 'Account|User|RawShares|NormShares|RawUsage|NormUsage|EffectvUsage|FairShare|LevelFS|GrpTRESMins|TRESRunMins'
        echo 'root|||0.000000|100|1.000000|1.000000||||cpu=0'
        echo ' physics||1|0.500000|60|0.600000|0.600000||0.833333||cpu=0'
        echo '  physics|alice|1|1.000000|60|0.600000|1.000000|0.500000|1.000000||cpu=0'
        """);
  }

  public Path dir() {
    return dir;
  }

  private void write(String name, String body) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Shell code run by {@code scontrol show config} before it answers (e.g. to make it slow). */
  public void beforeShowConfig(String body) throws Exception {
    Files.writeString(dir.resolve("data/show-config.sh"), body + "\n");
  }

  /** Replaces the fake squeue's body. */
  public void squeue(String body) throws Exception {
    write("squeue", body + "\n");
  }

  public void remove(String name) throws Exception {
    Files.deleteIfExists(dir.resolve(name));
  }

  /** A config YAML pointing the exporter at this directory. */
  public String config(String timeout) {
    return "slurm:\n  bin_dir: " + dir + "\n  command_timeout: " + timeout + "\n";
  }
}
