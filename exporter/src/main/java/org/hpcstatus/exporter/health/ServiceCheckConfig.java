package org.hpcstatus.exporter.health;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.core.PemCertificates;
import org.hpcstatus.exporter.health.kinds.Kinds;

/**
 * One entry of {@code services:} in the config: a named check of one kind against one target. This record
 * holds the keys common to all kinds; the kind's own keys are its typed {@link #options()} record (see
 * {@link Kind}), bound by {@link ServiceCheckReader}: a key of another kind is an error naming its YAML
 * path, so typos do not silently do nothing.
 *
 * <p>Credentials are never inline: {@code password_env}/{@code password_file} and
 * {@code token_env}/{@code token_file} name where to read them at check time (so rotation works).
 */
@JsonDeserialize(using = ServiceCheckReader.class)
public record ServiceCheckConfig(
    String name,
    String kind,
    String target,
    Duration interval,
    Duration timeout,
    @JsonProperty("failure_threshold") Integer failureThreshold,
    // credentials (the kinds that take them)
    String username,
    @JsonProperty("password_env") String passwordEnv,
    @JsonProperty("password_file") String passwordFile,
    @JsonProperty("token_env") String tokenEnv,
    @JsonProperty("token_file") String tokenFile,
    // TLS (http-based kinds, redis, tcp, mqtt with ssl://): trust the JVM's CAs, those of tls_ca_file, or any
    Boolean tls,
    @JsonProperty("tls_insecure_skip_verify") Boolean tlsInsecureSkipVerify,
    @JsonProperty("tls_ca_file") String tlsCaFile,
    @JsonProperty("tls_server_name") String tlsServerName,
    /* the kind's own options (a record of that kind's options type) */
    @JsonIgnore Record options) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_FAILURE_THRESHOLD = 2;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*");
  private static final Pattern SERVER_NAME = Pattern.compile(
      "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  public ServiceCheckConfig {
    interval = interval == null ? DEFAULT_INTERVAL : interval;
    timeout = timeout == null ? (interval.compareTo(DEFAULT_TIMEOUT) < 0 ? interval : DEFAULT_TIMEOUT) : timeout;
    failureThreshold = failureThreshold == null ? DEFAULT_FAILURE_THRESHOLD : failureThreshold;
    tls = tls != null && tls;
    tlsInsecureSkipVerify = tlsInsecureSkipVerify != null && tlsInsecureSkipVerify;
    if (options == null) {
      Kind<?> k = Kinds.byName(kind);
      options = k == null ? null : k.defaults();
    }
  }

  /** A minimal check (tests, programmatic use); everything else takes its default. */
  public static ServiceCheckConfig of(String name, String kind, String target) {
    return new ServiceCheckConfig(name, kind, target, null, null, null, null, null, null, null, null, null, null, null,
        null, null);
  }

  public ServiceCheckConfig withTiming(Duration interval, Duration timeout, int failureThreshold) {
    return new ServiceCheckConfig(name, kind, target, interval, timeout, failureThreshold, username, passwordEnv,
        passwordFile, tokenEnv, tokenFile, tls, tlsInsecureSkipVerify, tlsCaFile, tlsServerName, options);
  }

  public ServiceCheckConfig withOptions(Record options) {
    return new ServiceCheckConfig(name, kind, target, interval, timeout, failureThreshold, username, passwordEnv,
        passwordFile, tokenEnv, tokenFile, tls, tlsInsecureSkipVerify, tlsCaFile, tlsServerName, options);
  }

  /** The kind's options, typed. */
  public <O> O options(Class<O> type) {
    return type.cast(options);
  }

  /** Validates this one entry (see {@link ServiceChecks#validate} for a whole list); errors name {@code yamlPath}. */
  public void validate(String yamlPath) {
    validate(yamlPath, new ServiceChecks.Shared());
  }

  void validate(String p, ServiceChecks.Shared shared) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ConfigException(p + "/name", "required: letters, digits and _ . : - (got '" + name + "')");
    }
    Kind<?> k = Kinds.byName(kind);
    if (k == null) {
      throw new ConfigException(p + "/kind", "unknown kind '" + kind + "'; known: " + Kinds.names());
    }
    if (!k.optionsType().isInstance(options)) {
      throw new ConfigException(p, "options of kind " + kind + " must be a " + k.optionsType().getSimpleName());
    }
    checkTimings(p);
    checkCommonKeys(p, k);
    if (target == null || target.isBlank()) {
      throw new ConfigException(p + "/target", "required");
    }
    checkTlsTrust(p, k);
    k.validate(p, this, shared);
  }

  private void checkTimings(String p) {
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException(p + "/interval", "must be at least 1s");
    }
    if (timeout.compareTo(Duration.ofMillis(10)) < 0) {
      throw new ConfigException(p + "/timeout", "must be at least 10ms");
    }
    if (timeout.compareTo(interval) > 0) {
      throw new ConfigException(p + "/timeout", "must not be longer than the interval (" + interval.toMillis() + "ms)");
    }
    if (failureThreshold < 1) {
      throw new ConfigException(p + "/failure_threshold", "must be at least 1");
    }
  }

  /** A credential or TLS key set on a kind that does not take it is an error (typos must not do nothing). */
  private void checkCommonKeys(String p, Kind<?> k) {
    notFor(p, k, Kind.Common.USERNAME, username != null, "username");
    notFor(p, k, Kind.Common.PASSWORD, passwordEnv != null || passwordFile != null,
        passwordEnv != null ? "password_env" : "password_file");
    notFor(p, k, Kind.Common.TOKEN, tokenEnv != null || tokenFile != null,
        tokenEnv != null ? "token_env" : "token_file");
    notFor(p, k, Kind.Common.TLS, tls, "tls");
    notFor(p, k, Kind.Common.TLS_INSECURE_SKIP_VERIFY, tlsInsecureSkipVerify, "tls_insecure_skip_verify");
    notFor(p, k, Kind.Common.TLS_CA_FILE, tlsCaFile != null, "tls_ca_file");
    notFor(p, k, Kind.Common.TLS_SERVER_NAME, tlsServerName != null, "tls_server_name");
    if (passwordEnv != null && passwordFile != null) {
      throw new ConfigException(p + "/password_file", "give password_env or password_file, not both");
    }
    if (tokenEnv != null && tokenFile != null) {
      throw new ConfigException(p + "/token_file", "give token_env or token_file, not both");
    }
  }

  /**
   * {@code tls_ca_file} and {@code tls_server_name} only where the check speaks TLS; the CA file is read here
   * (missing, unreadable, not PEM, no certificate: an error naming the key and the file, never its content).
   */
  private void checkTlsTrust(String p, Kind<?> k) {
    if (tlsCaFile == null && tlsServerName == null) {
      return;
    }
    String key = p + (tlsCaFile != null ? "/tls_ca_file" : "/tls_server_name");
    if (tlsCaFile != null && tlsInsecureSkipVerify) {
      throw new ConfigException(key, "give tls_ca_file or tls_insecure_skip_verify, not both "
          + "(skipping verification would ignore the CA file)");
    }
    boolean speaksTls = k.accepts(Kind.Common.TLS) ? tls
        : target.startsWith("https://") || target.startsWith("ssl://");
    if (!speaksTls) {
      throw new ConfigException(key, "applies only to TLS connections: "
          + (k.accepts(Kind.Common.TLS) ? "set tls: true" : "the target is not https:// (mqtt: ssl://)"));
    }
    if (tlsServerName != null && !SERVER_NAME.matcher(tlsServerName).matches()) {
      throw new ConfigException(p + "/tls_server_name",
          "must be a host name (letters, digits, - and .) or an IPv4 address");
    }
    if (tlsCaFile != null) {
      if (tlsCaFile.isBlank()) {
        throw new ConfigException(key, "must name a PEM file of CA certificates");
      }
      try {
        PemCertificates.trustManager(Path.of(tlsCaFile), key);
      } catch (InvalidPathException e) {
        throw new ConfigException(key, "not a valid file name");
      }
    }
  }

  private static void notFor(String p, Kind<?> k, Kind.Common key, boolean given, String yamlKey) {
    if (given && !k.accepts(key)) {
      throw new ConfigException(p + "/" + yamlKey, "does not apply to kind " + k.name() + "; its options are "
          + k.optionLabels());
    }
  }
}
