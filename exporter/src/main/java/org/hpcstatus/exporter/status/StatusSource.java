package org.hpcstatus.exporter.status;

/**
 * The status page's only input: an immutable snapshot of the exporter's state and a number that
 * changes whenever that state may have changed (so the page can push at once on change). One
 * implementation reads the same metric snapshots Prometheus scrapes ({@link MetricsStatusSource}).
 */
public interface StatusSource {
  StatusSnapshot snapshot();

  long generation();
}
