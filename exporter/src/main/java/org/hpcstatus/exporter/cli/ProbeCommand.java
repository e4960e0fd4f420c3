package org.hpcstatus.exporter.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hpcstatus.exporter.Collectors;
import org.hpcstatus.exporter.Exporter;
import org.hpcstatus.exporter.Config;
import org.hpcstatus.exporter.accounting.AccountingDoctor;
import org.hpcstatus.exporter.config.Durations;
import org.hpcstatus.exporter.core.CommandException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Checks the environment: Slurm binaries, controller reachability, versions, and each collector once. */
@Command(name = "probe", mixinStandardHelpOptions = true,
    description = "Check the environment and what each collector would do; exits 1 if Slurm is absent "
        + "or accounting is enabled but unusable.")
public final class ProbeCommand implements Callable<Integer> {

  @Mixin
  CommonOptions options;

  @Override
  public Integer call() {
    Config config = options.load();
    PrintStream out = System.out;
    boolean slurmOk = true;
    AccountingDoctor.Report accounting;
    try (Exporter exporter = new Exporter(config)) {
      out.println("hpc-status-exporter " + exporter.self().version());
      out.println("== Slurm binaries");
      for (String bin : List.of("scontrol", "sinfo", "squeue", "sdiag", "sshare", "sacct")) {
        var p = exporter.runner().locate(bin);
        out.printf("  %-9s %s%n", bin, p.map(Object::toString).orElse("NOT FOUND"));
        if (p.isEmpty() && bin.equals("scontrol")) {
          slurmOk = false;
        }
      }
      if (slurmOk) {
        out.println("== Controller");
        try {
          var v = exporter.runner().run("scontrol --version", List.of("scontrol", "--version"), false);
          out.println("  version: " + v.stdout().strip());
          var ping = exporter.runner().run("scontrol ping", List.of("scontrol", "ping"), true);
          ping.stdout().lines().forEach(l -> out.println("  " + l));
          if (!ping.stdout().contains("is UP")) {
            slurmOk = false;
          }
        } catch (CommandException e) {
          out.println("  FAILED: " + e.getMessage());
          slurmOk = false;
        }
      }
      out.println("== Collectors (name, enabled, interval, command, result of one run)");
      exporter.poller().runAllOnce();
      Map<String, String> status = exporter.status();
      for (Collectors.Entry e : Collectors.TABLE) {
        boolean on = Collectors.isEnabled(config, e);
        String interval = Durations.format(Collectors.interval(config, e));
        out.printf("  %-13s %-8s every %-5s %-45s %s%n", e.name(), on ? "enabled" : "disabled", interval,
            e.source(), on ? status.get(e.name()) : "-");
      }
      if (!exporter.healthChecks().isEmpty()) {
        out.println("== Service checks (name, kind, result of one run)");
        exporter.healthChecks().runAllOnce();
        for (var st : exporter.healthChecks().status()) {
          var last = st.last();
          out.printf("  %-20s %-10s %s%n", st.service(), st.kind(), last == null ? "no result"
              : last.ok() ? String.format(java.util.Locale.ROOT, "ok (%.0f ms)%s", last.durationSeconds() * 1000,
                  st.version() == null ? "" : ", version " + st.version())
              : "FAILED " + last.reason().label() + ": " + last.message());
        }
      }
      accounting = AccountingDoctor.examine(config.accounting(), exporter.cluster(), exporter.runner(),
          java.time.Clock.systemUTC());
      accounting.print(out);
      out.println("== cluster label: " + exporter.cluster());
    }
    if (accounting.unusable()) {
      System.err.println("probe: accounting is enabled but not usable (see FAIL above)");
      return 1;
    }
    if (!slurmOk) {
      System.err.println("probe: Slurm is not usable here (scontrol missing or controller not answering)");
      return 1;
    }
    return 0;
  }
}
