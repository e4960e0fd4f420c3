package org.hpcstatus.exporter.core;

import java.time.Duration;
import java.util.List;
import org.apache.commons.exec.ExecuteWatchdog;

/** Kills the process and all its descendants when the timeout fires. */
final class TreeKillingWatchdog extends ExecuteWatchdog {
  private volatile Process process;
  private volatile boolean timedOut;

  TreeKillingWatchdog(Duration timeout) {
    super(timeout.toMillis());
  }

  @Override
  public synchronized void start(Process p) {
    this.process = p;
    super.start(p);
  }

  @Override
  public synchronized void destroyProcess() {
    killTree();
    super.destroyProcess();
  }

  @Override
  public synchronized void timeoutOccured(org.apache.commons.exec.Watchdog w) {
    // our own flag: super's killedProcess() is only set if the process is still alive when it looks,
    // which it no longer is once we have killed the tree
    Process p = process;
    if (p != null && p.isAlive()) {
      timedOut = true;
    }
    killTree();
    super.timeoutOccured(w);
  }

  boolean timedOut() {
    return timedOut || killedProcess();
  }

  private void killTree() {
    Process p = process;
    if (p != null) {
      // the process first, then its descendants (found before, while they are still its descendants): a
      // shell script killed child-first would run on after its pipeline died
      List<ProcessHandle> descendants = p.descendants().toList();
      p.destroyForcibly();
      descendants.forEach(ProcessHandle::destroyForcibly);
    }
  }
}
