package org.hpcstatus.exporter.accounting;

import java.time.Instant;
import org.hpcstatus.exporter.core.CommandException;
import org.hpcstatus.exporter.core.CommandRunner;

/** Where finished-job lines come from: sacct in production, canned text in tests. */
public interface SacctSource {

  /** {@code sacct -a -X -n -P} output for jobs that ended in {@code [start, end]} (both inclusive). */
  String fetch(Instant start, Instant end) throws CommandException;

  /** The real thing, through the exporter's safe {@link CommandRunner} (timeout, output cap, TZ=UTC). */
  static SacctSource of(CommandRunner runner) {
    return (start, end) -> runner.run("sacct", SacctParser.argv(start, end), false).stdout();
  }
}
