package org.hpcstatus.exporter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hpcstatus.exporter.health.HostPort;
import org.junit.jupiter.api.Test;

class HostPortTextTest {
  @Test
  void splitsHostsPortsAndIpv6() {
    assertThat(HostPortText.split(":9850")).isEqualTo(new HostPortText("", 9850));
    assertThat(HostPortText.split("[::1]:9850")).isEqualTo(new HostPortText("::1", 9850));
    assertThat(HostPortText.split(" db.example:5432 ")).isEqualTo(new HostPortText("db.example", 5432));
    assertThat(HostPortText.split("nohost")).isNull();
    assertThat(HostPortText.split("h:")).isNull();
    assertThat(HostPortText.split("h:99999")).isNull();
    assertThat(HostPortText.split("h:x")).isNull();
    assertThat(HostPortText.split(null)).isNull();
  }

  @Test
  void listenAddressesMayOmitTheHostTargetsMayNot() {
    assertThat(ListenAddress.parse("/web/listen_address", ":9850")).isEqualTo(new ListenAddress(null, 9850));
    assertThat(HostPort.parse("/services/0/target", "127.0.0.1:6379")).isEqualTo(new HostPort("127.0.0.1", 6379));
    assertThatThrownBy(() -> HostPort.parse("/services/0/target", ":6379"))
        .hasMessageStartingWith("/services/0/target:");
    assertThatThrownBy(() -> HostPort.parse("/services/0/target", "redis:0"))
        .hasMessageStartingWith("/services/0/target:");
    assertThatThrownBy(() -> ListenAddress.parse("/web/listen_address", "9850"))
        .hasMessageStartingWith("/web/listen_address:");
  }
}
