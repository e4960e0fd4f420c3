package org.hpcstatus.exporter.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a credential from an environment variable or a file at check time (so rotated secrets are
 * picked up). The value is never logged, never put in labels, and {@link #scrub} removes it from error
 * messages.
 */
public final class Secrets {
  private final Function<String, String> env;

  public Secrets() {
    this(System::getenv);
  }

  public Secrets(Map<String, String> env) {
    this(env::get);
  }

  private Secrets(Function<String, String> env) {
    this.env = env;
  }

  /** The secret, or null if neither source is configured. Missing/unreadable sources are auth failures. */
  public String read(String envName, String file) throws CheckException {
    if (envName != null) {
      String v = env.apply(envName);
      if (v == null) {
        throw new CheckException(Reason.AUTH, "credential environment variable " + envName + " is not set");
      }
      return v;
    }
    if (file != null) {
      try {
        String v = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        return v.strip();
      } catch (IOException e) {
        throw new CheckException(Reason.AUTH, "cannot read credential file " + file + " ("
            + e.getClass().getSimpleName() + ")");
      }
    }
    return null;
  }

  /** Replaces every occurrence of {@code secret} in {@code message} with ***. */
  public static String scrub(String message, String secret) {
    if (message == null || secret == null || secret.length() < 3) {
      return message;
    }
    return message.replace(secret, "***");
  }
}
