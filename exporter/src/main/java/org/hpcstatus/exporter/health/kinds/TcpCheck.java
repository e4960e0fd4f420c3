package org.hpcstatus.exporter.health.kinds;

import java.net.Socket;
import java.util.EnumSet;
import java.util.List;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.Check;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.CheckResult;
import org.hpcstatus.exporter.health.HostPort;
import org.hpcstatus.exporter.health.Kind;
import org.hpcstatus.exporter.health.ServiceCheckConfig;
import org.hpcstatus.exporter.health.Targets;

/** TCP connect to {@code host:port}; with {@code tls: true} also a TLS handshake (and certificate expiry). */
public final class TcpCheck implements Check {
  public static final Kind<Kind.NoOptions> KIND = new Kind<>("tcp", Kind.NoOptions.class,
      EnumSet.of(Kind.Common.TLS, Kind.Common.TLS_INSECURE_SKIP_VERIFY, Kind.Common.TLS_CA_FILE,
          Kind.Common.TLS_SERVER_NAME), List.of(),
      (p, c, o, shared) -> Targets.hostPort(p + "/target", c.target()),
      (c, o, secrets) -> new TcpCheck(c));

  private final HostPort target;
  private final ClientTls tls;

  TcpCheck(ServiceCheckConfig c) {
    this.target = HostPort.parse("/target", c.target());
    this.tls = c.tls() ? new ClientTls(c) : null;
  }

  @Override
  public CheckResult run(CheckContext ctx) throws Exception {
    try (Socket s = Sockets.connect(ctx, target, tls)) {
      return new CheckResult().tlsExpiry(Sockets.certExpiry(s));
    }
  }

  @Override
  public List<MetricDef> metrics() {
    return List.of();
  }
}
