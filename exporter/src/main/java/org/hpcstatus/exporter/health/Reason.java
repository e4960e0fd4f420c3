package org.hpcstatus.exporter.health;

import java.util.Locale;

/**
 * Why a check failed: a bounded set, used as the {@code reason} label of
 * {@code service_check_failures_total}, so alerts and dashboards can say <em>why</em>.
 */
public enum Reason {
  /** No answer within the check's timeout (includes a hung filesystem and a listener that never answers). */
  TIMEOUT,
  /** Connection refused or reset: nothing listens, or the service is stopped. */
  REFUSED,
  /** The target host name does not resolve. */
  DNS,
  /** TLS handshake or certificate failure (including TLS spoken to a plain-text port). */
  TLS,
  /** Credentials rejected (bad password/token, not authorized). */
  AUTH,
  /** An HTTP status other than the expected one. */
  HTTP_STATUS,
  /** The target answered, but not in the protocol expected (garbage, truncated, unparsable). */
  PROTOCOL,
  /** The target answered correctly and says it is not healthy (503, status fail, alarm, regex mismatch). */
  UNHEALTHY;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
