package org.hpcstatus.exporter.health;

import org.hpcstatus.exporter.config.ConfigException;

/** {@code host:port} or {@code [v6]:port}. */
public record HostPort(String host, int port) {

  public static HostPort parse(String yamlPath, String text) {
    String t = text.strip();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new ConfigException(yamlPath, "must be host:port");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new ConfigException(yamlPath, "must be host:port (port is not a number)");
    }
    if (port < 1 || port > 65535 || host.isEmpty()) {
      throw new ConfigException(yamlPath, "must be host:port with a port from 1 to 65535");
    }
    return new HostPort(host, port);
  }
}
