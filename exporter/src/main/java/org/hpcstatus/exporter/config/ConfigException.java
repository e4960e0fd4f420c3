package org.hpcstatus.exporter.config;

/** A configuration error; the message starts with the YAML path it is about, e.g. {@code /slurm/command_timeout}. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String path, String message) {
    super((path == null || path.isEmpty() ? "/" : path) + ": " + message);
  }
}
