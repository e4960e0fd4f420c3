package org.hpcstatus.exporter.config;

import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.config.HostPortText;

/** {@code :9850}, {@code 127.0.0.1:9850}, {@code [::1]:9850} → host (null = all interfaces) and port. */
public record ListenAddress(String host, int port) {

  public static ListenAddress parse(String path, String s) {
    HostPortText p = HostPortText.split(s);
    if (p == null) {
      throw new ConfigException(path, "'" + s + "' is not host:port with a port from 0 to 65535"
          + " (example: :9850 or 127.0.0.1:9850)");
    }
    return new ListenAddress(p.host().isEmpty() ? null : p.host(), p.port());
  }
}
