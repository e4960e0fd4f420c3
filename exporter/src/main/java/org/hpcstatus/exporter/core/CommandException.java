package org.hpcstatus.exporter.core;

/**
 * A command that did not produce usable output. {@link #reason()} is one of a small fixed set so that
 * it can be a label value ({@code hpcstatus_command_failures_total{reason}}).
 */
public final class CommandException extends Exception {

  public enum Reason {
    NOT_FOUND("not_found"),
    TIMEOUT("timeout"),
    EXIT_CODE("exit_code"),
    OUTPUT_TOO_LARGE("output_too_large"),
    IO_ERROR("io_error"),
    /** the command ran but its output was not understood (not a command failure; see parse errors). */
    PARSE("parse");

    public final String label;

    Reason(String label) {
      this.label = label;
    }
  }

  private final Reason reason;
  private final String command;

  public CommandException(String command, Reason reason, String message) {
    super(command + ": " + message);
    this.reason = reason;
    this.command = command;
  }

  public Reason reason() {
    return reason;
  }

  public String command() {
    return command;
  }
}
