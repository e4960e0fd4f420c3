package org.hpcstatus.exporter.accounting;

/** Another process holds the state directory's lock. */
public final class StateLockedException extends RuntimeException {
  public StateLockedException(String message) {
    super(message);
  }
}
