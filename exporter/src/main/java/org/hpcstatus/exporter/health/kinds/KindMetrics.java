package org.hpcstatus.exporter.health.kinds;

import java.util.List;
import org.hpcstatus.exporter.core.MetricDef;

/** Kind-specific metrics of the service checks (labels start with service, kind). */
public final class KindMetrics {
  private KindMetrics() {}

  private static MetricDef g(String name, String help, String... extra) {
    return MetricDef.gauge(name, help, labels(extra));
  }

  private static MetricDef c(String name, String help, String... extra) {
    return MetricDef.counter(name, help, labels(extra));
  }

  static String[] labels(String... extra) {
    String[] all = new String[extra.length + 2];
    all[0] = "service";
    all[1] = "kind";
    System.arraycopy(extra, 0, all, 2, extra.length);
    return all;
  }

  // postgres
  public static final MetricDef PG_CONNECTIONS = g("service_postgres_connections",
      "Client backends by state (pg_stat_activity).", "state");
  public static final MetricDef PG_MAX_CONNECTIONS = g("service_postgres_max_connections",
      "Server setting max_connections.");
  public static final MetricDef PG_RESERVED_CONNECTIONS = g("service_postgres_superuser_reserved_connections",
      "Server setting superuser_reserved_connections.");
  public static final MetricDef PG_DATABASE_SIZE = g("service_postgres_database_size_bytes",
      "pg_database_size() of each configured database.", "database");
  public static final MetricDef PG_IN_RECOVERY = g("service_postgres_in_recovery",
      "1 if the server is a replica (pg_is_in_recovery()), else 0.");
  public static final MetricDef PG_REPLICATION_LAG = g("service_postgres_replication_lag_seconds",
      "Replica only: now() - pg_last_xact_replay_timestamp() (grows while the primary is idle).");

  // influxdb
  public static final MetricDef INFLUX_ROUND_TRIP = g("service_influxdb_round_trip_seconds",
      "Latency of writing one point to round_trip_database (1.x) or round_trip_bucket (2.x) and reading it back.");

  // mqtt
  public static final MetricDef MQTT_CLIENTS = g("service_mqtt_clients_connected",
      "$SYS/broker/clients/connected as last published by the broker.");
  public static final MetricDef MQTT_RECEIVED = c("service_mqtt_messages_received_total",
      "$SYS/broker/messages/received: messages the broker received since it started.");
  public static final MetricDef MQTT_SENT = c("service_mqtt_messages_sent_total",
      "$SYS/broker/messages/sent: messages the broker sent since it started.");
  public static final MetricDef MQTT_UPTIME = g("service_mqtt_uptime_seconds",
      "$SYS/broker/uptime of the broker.");
  public static final MetricDef MQTT_ROUND_TRIP = g("service_mqtt_round_trip_seconds",
      "Latency from publishing a QoS 1 message to round_trip_topic until the check's own subscription receives it.");

  // keycloak
  public static final MetricDef KEYCLOAK_CHECK = g("service_keycloak_check_up",
      "Per-check status from Keycloak's health JSON: 1 UP, 0 DOWN.", "check");

  // redis
  public static final MetricDef REDIS_CLIENTS = g("service_redis_connected_clients", "INFO clients connected_clients.");
  public static final MetricDef REDIS_BLOCKED = g("service_redis_blocked_clients", "INFO clients blocked_clients.");
  public static final MetricDef REDIS_MEMORY_USED = g("service_redis_memory_used_bytes", "INFO memory used_memory.");
  public static final MetricDef REDIS_MEMORY_MAX = g("service_redis_memory_max_bytes",
      "INFO memory maxmemory (0 = no limit).");
  public static final MetricDef REDIS_REJECTED = c("service_redis_rejected_connections_total",
      "INFO stats rejected_connections (maxclients reached).");
  public static final MetricDef REDIS_EVICTED = c("service_redis_evicted_keys_total", "INFO stats evicted_keys.");

  // rabbitmq
  public static final MetricDef RABBIT_READY = g("service_rabbitmq_messages_ready",
      "/api/overview queue_totals.messages_ready.");
  public static final MetricDef RABBIT_UNACKED = g("service_rabbitmq_messages_unacknowledged",
      "/api/overview queue_totals.messages_unacknowledged.");
  public static final MetricDef RABBIT_OBJECTS = g("service_rabbitmq_objects",
      "/api/overview object_totals (connections, channels, queues, consumers, exchanges).", "object");

  // minio
  public static final MetricDef MINIO_WRITE_QUORUM = g("service_minio_write_quorum",
      "x-minio-write-quorum header of /minio/health/cluster: drives needed for writes.");

  // filesystem
  public static final MetricDef FS_SIZE = g("service_filesystem_size_bytes", "Total size of the filesystem.");
  public static final MetricDef FS_FREE = g("service_filesystem_free_bytes", "Free bytes (including reserved blocks).");
  public static final MetricDef FS_AVAIL = g("service_filesystem_avail_bytes", "Bytes available to unprivileged users.");
  public static final MetricDef FS_FILES = g("service_filesystem_files", "Total inodes (0 if the filesystem has no fixed inode table).");
  public static final MetricDef FS_FILES_FREE = g("service_filesystem_files_free", "Free inodes.");

  // http
  public static final MetricDef HTTP_STATUS = g("service_http_status_code", "HTTP status code of the last answer.");

  // sql
  public static final MetricDef SQL_QUERY_SUCCESS = g("service_sql_query_success",
      "1 if the user query ran, 0 if it failed (its gauges are then absent). Rows of a query are exposed as "
          + "the user-defined gauge service_sql_<metric> (see docs/configuration.md).", "query");
  public static final MetricDef SQL_QUERY_DURATION = g("service_sql_query_duration_seconds",
      "Duration of the user query.", "query");

  public static List<MetricDef> all() {
    return List.of(PG_CONNECTIONS, PG_MAX_CONNECTIONS, PG_RESERVED_CONNECTIONS, PG_DATABASE_SIZE, PG_IN_RECOVERY,
        PG_REPLICATION_LAG, INFLUX_ROUND_TRIP, MQTT_CLIENTS, MQTT_RECEIVED, MQTT_SENT, MQTT_UPTIME, MQTT_ROUND_TRIP,
        KEYCLOAK_CHECK, REDIS_CLIENTS, REDIS_BLOCKED, REDIS_MEMORY_USED, REDIS_MEMORY_MAX, REDIS_REJECTED,
        REDIS_EVICTED, RABBIT_READY, RABBIT_UNACKED, RABBIT_OBJECTS, MINIO_WRITE_QUORUM, FS_SIZE, FS_FREE, FS_AVAIL,
        FS_FILES, FS_FILES_FREE, HTTP_STATUS, SQL_QUERY_SUCCESS, SQL_QUERY_DURATION);
  }
}
