package org.hpcstatus.exporter.accounting;

import java.io.IOException;
import java.nio.file.Path;

/** A state file that exists but cannot be trusted (bad checksum, unparseable, wrong version). */
public final class CorruptStateException extends IOException {
  private final Path file;

  public CorruptStateException(Path file, String message) {
    super(file + ": " + message);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
