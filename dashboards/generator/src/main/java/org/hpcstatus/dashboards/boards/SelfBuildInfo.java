package org.hpcstatus.dashboards.boards;

import org.hpcstatus.exporter.core.SelfMetrics;

/** The selector every dashboard's {@code cluster} variable reads: each exporter exposes its build info. */
final class SelfBuildInfo {

  static final String SELECTOR = SelfMetrics.BUILD_INFO.name();

  private SelfBuildInfo() {}
}
