package org.hpcstatus.exporter.slurm;

import java.util.List;
import org.hpcstatus.exporter.core.Source;
import org.hpcstatus.exporter.slurm.controller.PingParser;
import org.hpcstatus.exporter.slurm.fairshare.SshareParser;
import org.hpcstatus.exporter.slurm.jobs.SqueueParser;
import org.hpcstatus.exporter.slurm.licenses.LicensesParser;
import org.hpcstatus.exporter.slurm.nodes.NodesParser;
import org.hpcstatus.exporter.slurm.partitions.PartitionsParser;
import org.hpcstatus.exporter.slurm.reservations.ReservationsParser;
import org.hpcstatus.exporter.slurm.scheduler.SdiagParser;

/**
 * Every Slurm command the exporter runs, with its parser: the whole of its load on slurmctld is
 * listed here. Each is one RPC unless noted.
 */
public final class SlurmSources {
  private SlurmSources() {}

  /** NODE_INFO + PARTITION_INFO (scontrol loads partitions to print Partitions=). {@code -d} adds GresUsed. */
  public static final Source<List<org.hpcstatus.exporter.slurm.nodes.Node>> NODES =
      new Source<>("nodes", "scontrol show nodes", List.of("scontrol", "-d", "-o", "show", "nodes"), false,
          NodesParser::parse);

  /**
   * PARTITION_INFO. Partition definitions (state, default, MaxTime) change rarely: read at most once a
   * minute even though the partitions collector refreshes its node counts every 15 s. This keeps a
   * refresh of node + job state at 4 RPCs (scontrol show nodes and squeue each load partitions
   * themselves: NODE_INFO+PARTITION_INFO, JOB_INFO+PARTITION_INFO).
   */
  public static final Source<List<org.hpcstatus.exporter.slurm.partitions.Partition>> PARTITIONS =
      new Source<>("partitions", "scontrol show partitions", List.of("scontrol", "-o", "show", "partitions"), false,
          PartitionsParser::parse, java.time.Duration.ofSeconds(60));

  /** JOB_INFO (+ PARTITION_INFO, which squeue always loads). One line per job and array task. */
  public static final Source<List<org.hpcstatus.exporter.slurm.jobs.Job>> JOBS =
      new Source<>("jobs", "squeue", List.of("squeue", "-a", "-r", "-h", "-O", SqueueParser.FORMAT), false,
          SqueueParser::parse);

  /** STATS_INFO (and, once, BUILD_INFO for ClusterName via scontrol show config). */
  public static final Source<org.hpcstatus.exporter.slurm.scheduler.Sdiag> SDIAG =
      new Source<>("scheduler", "sdiag", List.of("sdiag"), false, SdiagParser::parse);

  /** SHARE_INFO. */
  public static final Source<List<org.hpcstatus.exporter.slurm.fairshare.ShareRow>> SSHARE =
      new Source<>("fairshare", "sshare", List.of("sshare", "-a", "-P", "-l"), false, SshareParser::parse);

  /** RESERVATION_INFO. */
  public static final Source<List<org.hpcstatus.exporter.slurm.reservations.Reservation>> RESERVATIONS =
      new Source<>("reservations", "scontrol show reservations",
          List.of("scontrol", "-o", "show", "reservations"), false, ReservationsParser::parse);

  /** LICENSE_INFO. */
  public static final Source<List<org.hpcstatus.exporter.slurm.licenses.License>> LICENSES =
      new Source<>("licenses", "scontrol show licenses", List.of("scontrol", "-o", "show", "licenses"), false,
          LicensesParser::parse);

  /** PING to each controller. Exits non-zero when a controller is down, which is data, not failure. */
  public static final Source<List<org.hpcstatus.exporter.slurm.controller.ControllerStatus>> PING =
      new Source<>("controller", "scontrol ping", List.of("scontrol", "ping"), true, PingParser::parse);
}
