package org.hpcstatus.exporter.cli;

import org.hpcstatus.exporter.config.ConfigException;

/** {@code :9850}, {@code 127.0.0.1:9850}, {@code [::1]:9850} → host (null = all interfaces) and port. */
public record ListenAddress(String host, int port) {

  public static ListenAddress parse(String path, String s) {
    String t = s == null ? "" : s.strip();
    int colon = t.lastIndexOf(':');
    if (colon < 0) {
      throw new ConfigException(path, "'" + s + "' is not host:port (example: :9850 or 127.0.0.1:9850)");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new ConfigException(path, "'" + s + "': port is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException(path, "'" + s + "': port out of range");
    }
    return new ListenAddress(host.isEmpty() ? null : host, port);
  }
}
