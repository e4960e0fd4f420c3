package org.hpcstatus.exporter.health;

/** A classified check failure. Messages must never contain credentials (they are shown and logged). */
public final class CheckException extends Exception {
  private final Reason reason;

  public CheckException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
