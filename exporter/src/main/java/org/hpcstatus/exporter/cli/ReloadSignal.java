package org.hpcstatus.exporter.cli;

import org.hpcstatus.exporter.Exporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP reloads the config, as in Prometheus ({@code systemctl reload}: {@code ExecReload=/bin/kill -HUP
 * $MAINPID}). Without a handler the JVM would treat SIGHUP as a request to exit. {@code sun.misc.Signal}
 * lives in the {@code jdk.unsupported} module (jdeps puts it into the jlinked image).
 */
final class ReloadSignal {
  private static final Logger LOG = LoggerFactory.getLogger(ReloadSignal.class);

  private ReloadSignal() {}

  /** Reloads {@code exporter} on every SIGHUP (the JVM runs the handler on a thread of its own). */
  static void install(Exporter exporter) {
    try {
      Signal.handle(new Signal("HUP"), s -> exporter.reload("SIGHUP"));
    } catch (IllegalArgumentException e) {
      // -Xrs, or a platform without SIGHUP: POST /-/reload still works
      LOG.warn("cannot handle SIGHUP ({}); reload the config with POST /-/reload", e.getMessage());
    }
  }
}
