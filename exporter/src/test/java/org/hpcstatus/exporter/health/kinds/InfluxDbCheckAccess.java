package org.hpcstatus.exporter.health.kinds;

import org.hpcstatus.exporter.health.CheckException;

/** Test access to package-private parsing of {@link InfluxDbCheck}. */
public final class InfluxDbCheckAccess {
  private InfluxDbCheckAccess() {}

  public static boolean csvHasValue(String csv, String value) throws CheckException {
    return InfluxDbCheck.csvHasValue(csv, value);
  }
}
