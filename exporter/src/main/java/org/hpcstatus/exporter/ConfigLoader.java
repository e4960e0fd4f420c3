package org.hpcstatus.exporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.config.Yaml;
import org.hpcstatus.exporter.health.ServiceChecks;

/**
 * Loads {@link Config} from YAML and validates all of it, here and only here: each part of the config
 * through its own {@code validate}, each exactly once. Every error names the YAML path it is about.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  public static Config load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("", "cannot read config file " + file + ": " + e.getMessage());
    }
    return parse(text);
  }

  public static Config parse(String yaml) {
    return validate(Yaml.read(yaml, Config.class, Config.defaults()));
  }

  /** The whole config, part by part; returns it unchanged or throws the first error. */
  public static Config validate(Config config) {
    config.validate();
    Collectors.validate(config.collectors());
    config.accounting().validate();
    ServiceChecks.validate(config.services());
    config.status().validate();
    return config;
  }
}
