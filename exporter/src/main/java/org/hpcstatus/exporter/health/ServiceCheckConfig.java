package org.hpcstatus.exporter.health;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/**
 * One entry of {@code services:} in the config: a named check of one kind against one target. Common
 * keys first, then kind-specific options (validated per kind by {@link ServiceChecksValidator}: an
 * option that does not apply to the kind is a config error, so typos do not silently do nothing).
 *
 * <p>Credentials are never inline: {@code password_env}/{@code password_file} and
 * {@code token_env}/{@code token_file} name where to read them at check time (so rotation works).
 */
public record ServiceCheckConfig(
    String name,
    String kind,
    String target,
    Duration interval,
    Duration timeout,
    @JsonProperty("failure_threshold") Integer failureThreshold,
    // credentials
    String username,
    @JsonProperty("password_env") String passwordEnv,
    @JsonProperty("password_file") String passwordFile,
    @JsonProperty("token_env") String tokenEnv,
    @JsonProperty("token_file") String tokenFile,
    // TLS (http-based kinds, redis, tcp, mqtt with ssl://)
    Boolean tls,
    @JsonProperty("tls_insecure_skip_verify") Boolean tlsInsecureSkipVerify,
    // postgres
    List<String> databases,
    // influxdb
    @JsonProperty("api_version") Integer apiVersion,
    @JsonProperty("round_trip_database") String roundTripDatabase,
    String org,
    @JsonProperty("round_trip_bucket") String roundTripBucket,
    // mqtt
    @JsonProperty("sys_topics") Boolean sysTopics,
    @JsonProperty("round_trip_topic") String roundTripTopic,
    // keycloak, http
    String path,
    // http
    @JsonProperty("expect_status") List<Integer> expectStatus,
    @JsonProperty("body_regex") String bodyRegex,
    @JsonProperty("json_field") String jsonField,
    @JsonProperty("json_value") String jsonValue,
    // filesystem
    Boolean inodes,
    @JsonProperty("require_mount") Boolean requireMount,
    // sql
    List<SqlQuery> queries) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_FAILURE_THRESHOLD = 2;

  public ServiceCheckConfig {
    interval = interval == null ? DEFAULT_INTERVAL : interval;
    timeout = timeout == null ? (interval.compareTo(DEFAULT_TIMEOUT) < 0 ? interval : DEFAULT_TIMEOUT) : timeout;
    failureThreshold = failureThreshold == null ? DEFAULT_FAILURE_THRESHOLD : failureThreshold;
    tls = tls != null && tls;
    tlsInsecureSkipVerify = tlsInsecureSkipVerify != null && tlsInsecureSkipVerify;
    databases = databases == null ? List.of() : List.copyOf(databases);
    expectStatus = expectStatus == null ? List.of() : List.copyOf(expectStatus);
    queries = queries == null ? List.of() : List.copyOf(queries);
  }

  /** A minimal check (tests, programmatic use); everything else takes its default. */
  public static ServiceCheckConfig of(String name, String kind, String target) {
    return new ServiceCheckConfig(name, kind, target, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  public ServiceCheckConfig withTiming(Duration interval, Duration timeout, int failureThreshold) {
    return new ServiceCheckConfig(name, kind, target, interval, timeout, failureThreshold, username, passwordEnv,
        passwordFile, tokenEnv, tokenFile, tls, tlsInsecureSkipVerify, databases, apiVersion, roundTripDatabase,
        org, roundTripBucket, sysTopics, roundTripTopic, path, expectStatus, bodyRegex, jsonField, jsonValue, inodes, requireMount, queries);
  }

  /** One user query of a {@code sql} check: each result row becomes a sample of {@code service_sql_<metric>}. */
  public record SqlQuery(
      String metric,
      String help,
      String query,
      List<String> labels,
      String value) {
    public SqlQuery {
      labels = labels == null ? List.of() : List.copyOf(labels);
    }
  }
}
