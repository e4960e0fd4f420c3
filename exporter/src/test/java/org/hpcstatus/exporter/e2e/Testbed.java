package org.hpcstatus.exporter.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hpcstatus.exporter.testing.BoundedCommand;

/**
 * The shared Slurm testbed (scripts/slurm-testbed.sh) as the end-to-end test changes it: drain a node,
 * create a MAINT reservation — always with names unique to this run, always undone by the caller in
 * {@code finally}. Nothing here starts or stops Slurm daemons.
 */
final class Testbed {
  private Testbed() {}

  static String run(String... argv) throws Exception {
    BoundedCommand.Result r = BoundedCommand.run(List.of(argv), Map.of("TZ", "UTC"), Duration.ofSeconds(60));
    if (r.exit() != 0) {
      throw new IllegalStateException(String.join(" ", argv) + " exited " + r.exit() + ": " + r.out());
    }
    return r.out();
  }

  static boolean up() {
    try {
      return run("scontrol", "ping").contains("is UP");
    } catch (Exception e) {
      return false;
    }
  }

  /** One line per node of {@code scontrol -o show nodes}: name → State=… field (e.g. IDLE+DRAIN). */
  static Map<String, String> nodeStates() throws Exception {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    Pattern name = Pattern.compile("NodeName=(\\S+)");
    Pattern state = Pattern.compile(" State=(\\S+)");
    for (String line : run("scontrol", "-o", "show", "nodes").split("\n")) {
      Matcher n = name.matcher(line);
      Matcher s = state.matcher(line);
      if (n.find() && s.find()) {
        out.put(n.group(1), s.group(1));
      }
    }
    return out;
  }

  record Reservation(String name, boolean active, boolean maint, Set<String> nodes) {}

  static List<Reservation> reservations() throws Exception {
    String out = run("scontrol", "-o", "show", "reservations");
    List<Reservation> list = new ArrayList<>();
    if (out.contains("No reservations")) {
      return list;
    }
    Pattern name = Pattern.compile("ReservationName=(\\S+)");
    Pattern nodes = Pattern.compile(" Nodes=(\\S+)");
    Pattern flags = Pattern.compile(" Flags=(\\S+)");
    Pattern state = Pattern.compile(" State=(\\S+)");
    for (String line : out.split("\n")) {
      Matcher n = name.matcher(line);
      if (!n.find()) {
        continue;
      }
      Matcher nd = nodes.matcher(line);
      Matcher f = flags.matcher(line);
      Matcher st = state.matcher(line);
      Set<String> ns = new HashSet<>();
      if (nd.find()) {
        ns.addAll(List.of(run("scontrol", "show", "hostnames", nd.group(1)).trim().split("\\s+")));
      }
      list.add(new Reservation(n.group(1), st.find() && st.group(1).equals("ACTIVE"),
          f.find() && List.of(f.group(1).split(",")).contains("MAINT"), ns));
    }
    return list;
  }

  /**
   * A responding node that is not drained/down/failing, in no reservation and not {@code excluded}:
   * a node the test may drain or reserve for a minute.
   */
  static String pickNode(Set<String> excluded) throws Exception {
    Set<String> reserved = new HashSet<>();
    reservations().forEach(r -> reserved.addAll(r.nodes()));
    for (Map.Entry<String, String> e : nodeStates().entrySet()) {
      String s = e.getValue();
      boolean usable = !s.contains("DRAIN") && !s.contains("DOWN") && !s.contains("FAIL") && !s.contains("NOT_RESPONDING")
          && !s.contains("MAINT") && !s.contains("RESERVED") && !s.contains("FUTURE") && !s.contains("POWER");
      if (usable && !reserved.contains(e.getKey()) && !excluded.contains(e.getKey())) {
        return e.getKey();
      }
    }
    throw new IllegalStateException("no node of the testbed is free to drain/reserve: " + nodeStates() + " reserved " + reserved);
  }

  static void drain(String node, String reason) throws Exception {
    run("scontrol", "update", "NodeName=" + node, "State=DRAIN", "Reason=" + reason);
  }

  static void resume(String node) throws Exception {
    run("scontrol", "update", "NodeName=" + node, "State=RESUME");
  }

  /** A MAINT reservation starting now for a few minutes (IGNORE_JOBS: the node may be running jobs). */
  static void createMaint(String name, String node) throws Exception {
    run("scontrol", "create", "reservation", "ReservationName=" + name, "StartTime=now", "Duration=5",
        "Nodes=" + node, "Users=root", "Flags=MAINT,IGNORE_JOBS");
  }

  /**
   * Submits a 1-CPU job of a few seconds as {@code user} (a testbed user) and returns its id. Inside the
   * given reservation when it exists (the testbed's physics_resv keeps CPUs free for alice and bob), so it
   * starts at once instead of queueing behind the job mix's 4-hour jobs.
   */
  static String submitShortJob(String user, String name, String reservation) throws Exception {
    boolean resv = reservations().stream().anyMatch(r -> r.name().equals(reservation) && r.active());
    List<String> argv = new ArrayList<>(List.of("runuser", "-u", user, "--", "sbatch", "--parsable", "-D", "/tmp",
        "-J", name, "-n", "1", "-t", "1", "-o", "/dev/null"));
    if (resv) {
      argv.add("--reservation=" + reservation);
    }
    argv.addAll(List.of("--wrap", "sleep 2"));
    return run(argv.toArray(String[]::new)).trim().replaceAll(";.*", "");
  }

  /** The job's state in sacct (job line only), or "" before slurmdbd has it. */
  static String sacctState(String jobId) throws Exception {
    return run("sacct", "-n", "-X", "-P", "-j", jobId, "-o", "State").trim();
  }

  static void cancel(String jobId) throws Exception {
    run("scancel", jobId);
  }

  static void deleteReservation(String name) throws Exception {
    run("scontrol", "delete", "ReservationName=" + name);
  }
}
