package org.hpcstatus.exporter.health.kinds;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.Check;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.CheckException;
import org.hpcstatus.exporter.health.CheckResult;
import org.hpcstatus.exporter.health.HostPort;
import org.hpcstatus.exporter.health.Kind;
import org.hpcstatus.exporter.health.Reason;
import org.hpcstatus.exporter.health.Secrets;
import org.hpcstatus.exporter.health.ServiceCheckConfig;
import org.hpcstatus.exporter.health.Targets;

/**
 * Redis over a plain RESP socket (no client library): {@code AUTH} if a password is configured,
 * {@code PING} → {@code +PONG}, then {@code INFO} for version, clients, memory and stats.
 */
public final class RedisCheck implements Check {
  /** Upper bound for one bulk reply (INFO is a few KB): a hostile length prefix cannot exhaust memory. */
  static final int MAX_BULK = 1 << 20;

  public static final MetricDef CLIENTS = Kind.gauge("service_redis_connected_clients",
      "INFO clients connected_clients.");
  public static final MetricDef BLOCKED = Kind.gauge("service_redis_blocked_clients", "INFO clients blocked_clients.");
  public static final MetricDef MEMORY_USED = Kind.gauge("service_redis_memory_used_bytes", "INFO memory used_memory.");
  public static final MetricDef MEMORY_MAX = Kind.gauge("service_redis_memory_max_bytes",
      "INFO memory maxmemory (0 = no limit).");
  public static final MetricDef REJECTED = Kind.counter("service_redis_rejected_connections_total",
      "INFO stats rejected_connections (maxclients reached).");
  public static final MetricDef EVICTED = Kind.counter("service_redis_evicted_keys_total", "INFO stats evicted_keys.");

  public static final Kind<Kind.NoOptions> KIND = new Kind<>("redis", Kind.NoOptions.class,
      EnumSet.of(Kind.Common.USERNAME, Kind.Common.PASSWORD, Kind.Common.TLS, Kind.Common.TLS_INSECURE_SKIP_VERIFY,
          Kind.Common.TLS_CA_FILE, Kind.Common.TLS_SERVER_NAME),
      List.of(CLIENTS, BLOCKED, MEMORY_USED, MEMORY_MAX, REJECTED, EVICTED),
      (p, c, o, shared) -> Targets.hostPort(p + "/target", c.target()),
      (c, o, secrets) -> new RedisCheck(c, secrets));

  private final ServiceCheckConfig cfg;
  private final Secrets secrets;
  private final HostPort target;
  private final ClientTls tls;

  RedisCheck(ServiceCheckConfig c, Secrets secrets) {
    this.cfg = c;
    this.secrets = secrets;
    this.target = HostPort.parse("/target", c.target());
    this.tls = c.tls() ? new ClientTls(c) : null;
  }

  @Override
  public CheckResult run(CheckContext ctx) throws Exception {
    String password = secrets.read(cfg.passwordEnv(), cfg.passwordFile());
    try (Socket s = Sockets.connect(ctx, target, tls)) {
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      if (password != null) {
        Object r = cfg.username() == null ? command(out, in, "AUTH", password)
            : command(out, in, "AUTH", cfg.username(), password);
        if (r instanceof RespError e) {
          throw new CheckException(Reason.AUTH, "redis AUTH rejected: " + Secrets.scrub(e.code(), password));
        }
      }
      Object pong = command(out, in, "PING");
      if (pong instanceof RespError e) {
        if (e.message().startsWith("NOAUTH") || e.message().startsWith("WRONGPASS")) {
          throw new CheckException(Reason.AUTH, "redis: authentication required (" + e.code() + ")");
        }
        if (e.message().startsWith("LOADING") || e.message().startsWith("MASTERDOWN")
            || e.message().startsWith("BUSY")) {
          throw new CheckException(Reason.UNHEALTHY, "redis: " + e.code());
        }
        throw new CheckException(Reason.PROTOCOL, "redis PING: error " + e.code());
      }
      if (!"PONG".equals(pong)) {
        throw new CheckException(Reason.PROTOCOL, "redis PING: unexpected answer");
      }
      Object info = command(out, in, "INFO");
      if (!(info instanceof String text)) {
        throw new CheckException(Reason.PROTOCOL, "redis INFO: expected a bulk string");
      }
      return result(parseInfo(text)).tlsExpiry(Sockets.certExpiry(s));
    }
  }

  static CheckResult result(Map<String, String> info) throws CheckException {
    CheckResult r = new CheckResult().version(info.get("redis_version"));
    gauge(r, info, "connected_clients", CLIENTS);
    gauge(r, info, "blocked_clients", BLOCKED);
    gauge(r, info, "used_memory", MEMORY_USED);
    gauge(r, info, "maxmemory", MEMORY_MAX);
    gauge(r, info, "rejected_connections", REJECTED);
    gauge(r, info, "evicted_keys", EVICTED);
    if (!info.containsKey("redis_version") && !info.containsKey("connected_clients")) {
      throw new CheckException(Reason.PROTOCOL, "redis INFO: no known fields");
    }
    return r;
  }

  private static void gauge(CheckResult r, Map<String, String> info, String key, MetricDef def)
      throws CheckException {
    String v = info.get(key);
    if (v == null) {
      return; // fields vary by version
    }
    try {
      r.add(def, Double.parseDouble(v));
    } catch (NumberFormatException e) {
      throw new CheckException(Reason.PROTOCOL, "redis INFO: " + key + " is not a number");
    }
  }

  /** {@code INFO} text → key/value ({@code # Section} headers and blank lines skipped). */
  static Map<String, String> parseInfo(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : text.split("\r?\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int c = line.indexOf(':');
      if (c > 0) {
        m.put(line.substring(0, c), line.substring(c + 1).strip());
      }
    }
    return m;
  }

  record RespError(String message) {
    /** The error code only (first word), so messages never echo anything sent. */
    String code() {
      int sp = message.indexOf(' ');
      return sp < 0 ? message : message.substring(0, sp);
    }
  }

  static Object command(OutputStream out, InputStream in, String... args) throws IOException, CheckException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String a : args) {
      byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
      b.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      b.writeBytes(bytes);
      b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.write(b.toByteArray());
    out.flush();
    return read(in);
  }

  /** Reads one RESP2 reply: simple string, error, integer or bulk string (arrays are not needed here). */
  static Object read(InputStream in) throws IOException, CheckException {
    int type = in.read();
    if (type < 0) {
      throw new CheckException(Reason.PROTOCOL, "redis: connection closed without an answer");
    }
    String line = line(in);
    switch (type) {
      case '+' -> {
        return line;
      }
      case '-' -> {
        return new RespError(line);
      }
      case ':' -> {
        try {
          return Long.parseLong(line);
        } catch (NumberFormatException e) {
          throw new CheckException(Reason.PROTOCOL, "redis: bad integer reply");
        }
      }
      case '$' -> {
        int len;
        try {
          len = Integer.parseInt(line);
        } catch (NumberFormatException e) {
          throw new CheckException(Reason.PROTOCOL, "redis: bad bulk length");
        }
        if (len < 0) {
          return null;
        }
        if (len > MAX_BULK) {
          throw new CheckException(Reason.PROTOCOL, "redis: bulk reply of " + len + " bytes exceeds the limit");
        }
        byte[] data = in.readNBytes(len);
        if (data.length != len || in.read() != '\r' || in.read() != '\n') {
          throw new CheckException(Reason.PROTOCOL, "redis: truncated bulk reply");
        }
        return new String(data, StandardCharsets.UTF_8);
      }
      default -> throw new CheckException(Reason.PROTOCOL, "redis: not a RESP reply");
    }
  }

  private static String line(InputStream in) throws IOException, CheckException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\r') {
        if (in.read() != '\n') {
          throw new CheckException(Reason.PROTOCOL, "redis: malformed line");
        }
        return b.toString(StandardCharsets.UTF_8);
      }
      if (b.size() >= 64 * 1024) {
        throw new CheckException(Reason.PROTOCOL, "redis: reply line too long");
      }
      b.write(c);
    }
    throw new CheckException(Reason.PROTOCOL, "redis: connection closed mid-reply");
  }

  @Override
  public List<MetricDef> metrics() {
    return KIND.metrics();
  }
}
