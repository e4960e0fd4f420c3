package org.hpcstatus.exporter.status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Moves an unreadable state file aside ({@code NAME.corrupt-EPOCH}) with one clear ERROR line. */
final class Quarantine {
  private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);

  private Quarantine() {}

  static void moveAside(Path file, String what, String problem) {
    String base = file.getFileName() + ".corrupt-" + System.currentTimeMillis() / 1000;
    Path aside = file.resolveSibling(base);
    for (int i = 1; Files.exists(aside) && i < 100; i++) {
      aside = file.resolveSibling(base + "-" + i);
    }
    try {
      Files.move(file, aside);
      LOG.error("{} {} is corrupt ({}); moved it to {} and started empty", what, file, problem, aside);
    } catch (IOException e) {
      LOG.error("{} {} is corrupt ({}) and could not be moved aside ({}); started empty", what, file, problem,
          e.toString());
    }
  }
}
