package org.hpcstatus.exporter.health.kinds;

import org.hpcstatus.exporter.health.Check;
import org.hpcstatus.exporter.health.Secrets;
import org.hpcstatus.exporter.health.ServiceCheckConfig;

/** Kind name → check implementation. The kinds are listed in {@code ServiceChecksValidator.KIND_OPTIONS}. */
public final class CheckFactory {
  private CheckFactory() {}

  public static Check create(ServiceCheckConfig c, Secrets secrets) {
    return switch (c.kind()) {
      case "postgres" -> new PostgresCheck(c, secrets);
      case "influxdb" -> new InfluxDbCheck(c, secrets);
      case "mqtt" -> new MqttCheck(c, secrets);
      case "keycloak" -> new KeycloakCheck(c);
      case "redis" -> new RedisCheck(c, secrets);
      case "rabbitmq" -> new RabbitMqCheck(c, secrets);
      case "minio" -> new MinioCheck(c);
      case "filesystem" -> new FilesystemCheck(c);
      case "http" -> new HttpCheck(c, secrets);
      case "tcp" -> new TcpCheck(c);
      case "sql" -> new SqlCheck(c, secrets);
      default -> throw new IllegalArgumentException("unknown kind " + c.kind());
    };
  }
}
