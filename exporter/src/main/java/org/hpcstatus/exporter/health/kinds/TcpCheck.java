package org.hpcstatus.exporter.health.kinds;

import java.net.Socket;
import java.util.List;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.Check;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.CheckResult;
import org.hpcstatus.exporter.health.HostPort;
import org.hpcstatus.exporter.health.ServiceCheckConfig;

/** TCP connect to {@code host:port}; with {@code tls: true} also a TLS handshake (and certificate expiry). */
public final class TcpCheck implements Check {
  private final HostPort target;
  private final boolean tls;
  private final boolean insecure;

  TcpCheck(ServiceCheckConfig c) {
    this.target = HostPort.parse("/target", c.target());
    this.tls = c.tls();
    this.insecure = c.tlsInsecureSkipVerify();
  }

  @Override
  public CheckResult run(CheckContext ctx) throws Exception {
    try (Socket s = Sockets.connect(ctx, target, tls, insecure)) {
      return new CheckResult().tlsExpiry(Sockets.certExpiry(s));
    }
  }

  @Override
  public List<MetricDef> metrics() {
    return List.of();
  }
}
