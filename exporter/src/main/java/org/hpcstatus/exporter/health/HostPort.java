package org.hpcstatus.exporter.health;

import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.config.HostPortText;

/** {@code host:port} or {@code [v6]:port}. */
public record HostPort(String host, int port) {

  public static HostPort parse(String yamlPath, String text) {
    HostPortText p = HostPortText.split(text);
    if (p == null) {
      throw new ConfigException(yamlPath, "must be host:port (port a number from 1 to 65535)");
    }
    if (p.port() < 1 || p.host().isEmpty()) {
      throw new ConfigException(yamlPath, "must be host:port with a port from 1 to 65535");
    }
    return new HostPort(p.host(), p.port());
  }
}
