package org.hpcstatus.exporter.health.kinds;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.Check;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.CheckException;
import org.hpcstatus.exporter.health.CheckResult;
import org.hpcstatus.exporter.health.Kind;
import org.hpcstatus.exporter.health.Reason;
import org.hpcstatus.exporter.health.Secrets;
import org.hpcstatus.exporter.health.ServiceCheckConfig;
import org.hpcstatus.exporter.health.Targets;

/**
 * MQTT 3.1.1 via Paho: CONNECT/CONNACK (credentials, TLS with {@code ssl://}), then the broker's
 * retained {@code $SYS} statistics (Mosquitto and compatible brokers; best effort: waits at most half
 * the remaining time, and 2 s, for them, so brokers without {@code $SYS} still pass), and optionally a QoS 1
 * publish→subscribe round trip on {@code round_trip_topic}.
 */
public final class MqttCheck implements Check {
  static final String SYS_CLIENTS = "$SYS/broker/clients/connected";
  static final String SYS_RECEIVED = "$SYS/broker/messages/received";
  static final String SYS_SENT = "$SYS/broker/messages/sent";
  static final String SYS_UPTIME = "$SYS/broker/uptime";
  static final String SYS_VERSION = "$SYS/broker/version";
  static final List<String> SYS_TOPICS = List.of(SYS_CLIENTS, SYS_RECEIVED, SYS_SENT, SYS_UPTIME, SYS_VERSION);

  public static final MetricDef CLIENTS = Kind.gauge("service_mqtt_clients_connected",
      "$SYS/broker/clients/connected as last published by the broker.");
  public static final MetricDef RECEIVED = Kind.counter("service_mqtt_messages_received_total",
      "$SYS/broker/messages/received: messages the broker received since it started.");
  public static final MetricDef SENT = Kind.counter("service_mqtt_messages_sent_total",
      "$SYS/broker/messages/sent: messages the broker sent since it started.");
  public static final MetricDef UPTIME = Kind.gauge("service_mqtt_uptime_seconds",
      "$SYS/broker/uptime of the broker.");
  public static final MetricDef ROUND_TRIP = Kind.gauge("service_mqtt_round_trip_seconds",
      "Latency from publishing a QoS 1 message to round_trip_topic until the check's own subscription receives it.");

  /** {@code sys_topics} (default true): read $SYS statistics; {@code round_trip_topic}: publish/subscribe test. */
  public record Options(
      @JsonProperty("sys_topics") Boolean sysTopics,
      @JsonProperty("round_trip_topic") String roundTripTopic) {}

  public static final Kind<Options> KIND = new Kind<>("mqtt", Options.class,
      EnumSet.of(Kind.Common.USERNAME, Kind.Common.PASSWORD, Kind.Common.TLS_INSECURE_SKIP_VERIFY,
          Kind.Common.TLS_CA_FILE),
      List.of(CLIENTS, RECEIVED, SENT, UPTIME, ROUND_TRIP),
      (p, c, o, shared) -> Targets.mqtt(p + "/target", c.target()),
      MqttCheck::new);

  private final ServiceCheckConfig cfg;
  private final Options opts;
  private final Secrets secrets;
  private final ClientTls tls;

  MqttCheck(ServiceCheckConfig c, Options o, Secrets secrets) {
    this.cfg = c;
    this.opts = o;
    this.secrets = secrets;
    this.tls = c.target().startsWith("ssl://") ? new ClientTls(c) : null;
  }

  @Override
  public CheckResult run(CheckContext ctx) throws Exception {
    String password = secrets.read(cfg.passwordEnv(), cfg.passwordFile());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    o.setAutomaticReconnect(false);
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setConnectionTimeout(Math.max(1, (ctx.remainingMillis() + 999) / 1000));
    o.setKeepAliveInterval(Math.max(10, (int) cfg.interval().toSeconds() * 2));
    if (cfg.username() != null) {
      o.setUserName(cfg.username());
    }
    if (password != null) {
      o.setPassword(password.toCharArray());
    }
    Double tlsExpiry = null;
    if (tls != null) {
      if (tls.insecure() || tls.custom()) {
        // Paho still verifies the host name itself (setHttpsHostnameVerificationEnabled) unless insecure
        o.setSocketFactory(tls.material().factory());
        o.setHttpsHostnameVerificationEnabled(!tls.insecure());
      }
      // our own handshake first: clean tls classification (Paho reports a reset handshake as a socket error)
      // and the certificate's expiry, which Paho does not expose
      java.net.URI u = java.net.URI.create(cfg.target());
      try (java.net.Socket s = Sockets.connect(ctx, new org.hpcstatus.exporter.health.HostPort(u.getHost(),
          u.getPort() < 0 ? 8883 : u.getPort()), tls)) {
        tlsExpiry = Sockets.certExpiry(s);
      }
    }
    String clientId = "hpcstatus-" + UUID.randomUUID().toString().substring(0, 8);
    MqttClient client = new MqttClient(cfg.target(), clientId, new MemoryPersistence());
    client.setTimeToWait(ctx.remainingMillis());
    try {
      try {
        client.connect(o);
      } catch (MqttException e) {
        throw classifyConnect(e, password);
      }
      CheckResult r = new CheckResult().tlsExpiry(tlsExpiry);
      if (opts.sysTopics() == null || opts.sysTopics()) {
        sys(client, ctx, r);
      }
      if (opts.roundTripTopic() != null) {
        r.add(ROUND_TRIP, roundTrip(client, ctx));
      }
      return r;
    } finally {
      close(client);
    }
  }

  private static Exception classifyConnect(MqttException e, String password) {
    int code = e.getReasonCode();
    if (code == MqttException.REASON_CODE_FAILED_AUTHENTICATION || code == MqttException.REASON_CODE_NOT_AUTHORIZED) {
      return new CheckException(Reason.AUTH, "mqtt CONNACK: " + (code == 4 ? "bad user name or password"
          : "not authorized"));
    }
    if (code == MqttException.REASON_CODE_INVALID_CLIENT_ID || code == MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION) {
      return new CheckException(Reason.PROTOCOL, "mqtt CONNACK refused the connection (code " + code + ")");
    }
    if (code == MqttException.REASON_CODE_BROKER_UNAVAILABLE) {
      return new CheckException(Reason.UNHEALTHY, "mqtt CONNACK: server unavailable");
    }
    if (e.getCause() == null && code == MqttException.REASON_CODE_CONNECTION_LOST) {
      return new CheckException(Reason.PROTOCOL, "mqtt: connection lost during CONNECT");
    }
    return e;
  }

  private void sys(MqttClient client, CheckContext ctx, CheckResult r) throws Exception {
    Map<String, String> got = new ConcurrentHashMap<>();
    CountDownLatch all = new CountDownLatch(SYS_TOPICS.size());
    String[] topics = SYS_TOPICS.toArray(String[]::new);
    int[] qos = new int[topics.length];
    client.subscribe(topics, qos, new org.eclipse.paho.client.mqttv3.IMqttMessageListener[] {
        (t, m) -> put(got, all, t, m), (t, m) -> put(got, all, t, m), (t, m) -> put(got, all, t, m),
        (t, m) -> put(got, all, t, m), (t, m) -> put(got, all, t, m)});
    long wait = Math.min(ctx.remainingMillis() / 2, 2000);
    all.await(wait, TimeUnit.MILLISECONDS);
    client.unsubscribe(topics);
    String version = got.get(SYS_VERSION);
    if (version != null) {
      r.version(version.replaceFirst("^(?i)mosquitto version ", ""));
    }
    number(r, got, SYS_CLIENTS, CLIENTS);
    number(r, got, SYS_RECEIVED, RECEIVED);
    number(r, got, SYS_SENT, SENT);
    String uptime = got.get(SYS_UPTIME);
    if (uptime != null) {
      // "1234 seconds"
      try {
        r.add(UPTIME, Double.parseDouble(uptime.split(" ")[0]));
      } catch (NumberFormatException e) {
        throw new CheckException(Reason.PROTOCOL, "mqtt " + SYS_UPTIME + " is not a number of seconds");
      }
    }
  }

  private static void put(Map<String, String> got, CountDownLatch all, String topic, MqttMessage m) {
    if (got.putIfAbsent(topic, new String(m.getPayload(), StandardCharsets.UTF_8).strip()) == null) {
      all.countDown();
    }
  }

  private static void number(CheckResult r, Map<String, String> got, String topic, MetricDef def)
      throws CheckException {
    String v = got.get(topic);
    if (v == null) {
      return;
    }
    try {
      r.add(def, Double.parseDouble(v));
    } catch (NumberFormatException e) {
      throw new CheckException(Reason.PROTOCOL, "mqtt " + topic + " is not a number");
    }
  }

  private double roundTrip(MqttClient client, CheckContext ctx) throws Exception {
    String nonce = UUID.randomUUID().toString();
    CountDownLatch got = new CountDownLatch(1);
    client.subscribe(opts.roundTripTopic(), 1, (t, m) -> {
      if (nonce.equals(new String(m.getPayload(), StandardCharsets.UTF_8))) {
        got.countDown();
      }
    });
    long start = System.nanoTime();
    MqttMessage msg = new MqttMessage(nonce.getBytes(StandardCharsets.UTF_8));
    msg.setQos(1);
    msg.setRetained(false);
    client.publish(opts.roundTripTopic(), msg);
    if (!got.await(ctx.remainingMillis(), TimeUnit.MILLISECONDS)) {
      throw new CheckException(Reason.TIMEOUT, "mqtt round trip: own message not received on "
          + opts.roundTripTopic() + " within the timeout");
    }
    double secs = (System.nanoTime() - start) / 1e9;
    client.unsubscribe(opts.roundTripTopic());
    return secs;
  }

  private static void close(MqttClient client) {
    try {
      if (client.isConnected()) {
        client.disconnectForcibly(0, 100, false);
      }
    } catch (MqttException | RuntimeException e) {
      // best effort
    }
    try {
      client.close(true);
    } catch (MqttException | RuntimeException e) {
      // best effort
    }
  }

  @Override
  public List<MetricDef> metrics() {
    return KIND.metrics();
  }
}
