package org.hpcstatus.exporter.config;

/**
 * Splits {@code host:port}, {@code [v6]:port} and {@code :port} at the last colon. Callers decide what
 * an empty host or port 0 means (a listen address allows both; a check target neither).
 */
public record HostPortText(String host, int port) {

  /** The parts, or {@code null} if there is no colon or the port is not a number in 0..65535. */
  public static HostPortText split(String text) {
    String t = text == null ? "" : text.strip();
    int colon = t.lastIndexOf(':');
    if (colon < 0 || colon == t.length() - 1) {
      return null;
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      return null;
    }
    return port < 0 || port > 65535 ? null : new HostPortText(host, port);
  }
}
