package org.hpcstatus.exporter.health.kinds;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.Check;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.CheckException;
import org.hpcstatus.exporter.health.CheckResult;
import org.hpcstatus.exporter.health.Kind;
import org.hpcstatus.exporter.health.Reason;
import org.hpcstatus.exporter.health.ServiceCheckConfig;
import org.hpcstatus.exporter.health.Targets;

/**
 * MinIO: {@code /minio/health/live} must answer 200, then {@code /minio/health/cluster} 200 (write quorum
 * available; 503 = {@code unhealthy}). The {@code x-minio-write-quorum} header becomes
 * {@code service_minio_write_quorum}. No credentials (the health API is unauthenticated).
 */
public final class MinioCheck implements Check {
  public static final MetricDef WRITE_QUORUM = Kind.gauge("service_minio_write_quorum",
      "x-minio-write-quorum header of /minio/health/cluster: drives needed for writes.");

  public static final Kind<Kind.NoOptions> KIND = new Kind<>("minio", Kind.NoOptions.class,
      EnumSet.of(Kind.Common.TLS_INSECURE_SKIP_VERIFY, Kind.Common.TLS_CA_FILE,
          Kind.Common.TLS_SERVER_NAME), List.of(WRITE_QUORUM),
      (p, c, o, shared) -> Targets.http(p + "/target", c.target()),
      (c, o, secrets) -> new MinioCheck(c));

  private final Http http;

  MinioCheck(ServiceCheckConfig c) {
    this.http = new Http(c);
  }

  @Override
  public CheckResult run(CheckContext ctx) throws Exception {
    Http.Answer live = http.get(ctx, "/minio/health/live", Map.of());
    if (live.code() != 200) {
      if (live.code() == 503) {
        throw new CheckException(Reason.UNHEALTHY, "minio /minio/health/live: 503 (server not live)");
      }
      throw Http.status(live, "minio /minio/health/live");
    }
    Http.Answer cluster = http.get(ctx, "/minio/health/cluster", Map.of());
    CheckResult r = new CheckResult().tlsExpiry(live.tlsExpiry());
    String quorum = cluster.header("x-minio-write-quorum");
    if (quorum != null) {
      try {
        r.add(WRITE_QUORUM, Integer.parseInt(quorum.strip()));
      } catch (NumberFormatException e) {
        throw new CheckException(Reason.PROTOCOL, "minio: x-minio-write-quorum is not a number");
      }
    }
    if (cluster.code() == 503) {
      throw new CheckException(Reason.UNHEALTHY, "minio /minio/health/cluster: 503 (no write quorum)");
    }
    if (cluster.code() != 200) {
      throw Http.status(cluster, "minio /minio/health/cluster");
    }
    return r;
  }

  @Override
  public List<MetricDef> metrics() {
    return KIND.metrics();
  }
}
