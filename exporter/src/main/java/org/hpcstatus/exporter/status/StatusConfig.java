package org.hpcstatus.exporter.status;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import org.hpcstatus.exporter.config.ConfigException;

/**
 * {@code status:} in the config (docs/status-page.md). Every key has a default; without
 * {@code state_dir} the history and API outages live in memory only (a restart empties the bars).
 */
public record StatusConfig(
    Boolean enabled,
    @JsonProperty("state_dir") String stateDir,
    @JsonProperty("outages_file") String outagesFile,
    @JsonProperty("outages_token_sha256") String outagesTokenSha256,
    @JsonProperty("outages_token_file") String outagesTokenFile,
    @JsonProperty("max_streams") Integer maxStreams,
    @JsonProperty("stream_max_duration") Duration streamMaxDuration,
    @JsonProperty("max_body_bytes") Integer maxBodyBytes) {

  /** Below client_java's sun.net.httpserver.maxRspTime (600 s), which would cut the stream itself. */
  public static final Duration MAX_STREAM = Duration.ofSeconds(540);

  public StatusConfig {
    enabled = enabled == null || enabled;
    stateDir = blank(stateDir);
    outagesFile = blank(outagesFile);
    outagesTokenSha256 = blank(outagesTokenSha256);
    outagesTokenFile = blank(outagesTokenFile);
    maxStreams = maxStreams == null ? 256 : maxStreams;
    streamMaxDuration = streamMaxDuration == null ? Duration.ofMinutes(5) : streamMaxDuration;
    maxBodyBytes = maxBodyBytes == null ? 64 * 1024 : maxBodyBytes;
  }

  public static StatusConfig defaults() {
    return new StatusConfig(null, null, null, null, null, null, null, null);
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** Values that parse but make no sense; messages name the YAML path (the token is never echoed). */
  public StatusConfig validate() {
    if (outagesTokenSha256 != null && outagesTokenFile != null) {
      throw new ConfigException("/status/outages_token_sha256", "give either this or outages_token_file");
    }
    if (outagesTokenSha256 != null) {
      try {
        BearerToken.ofHash(outagesTokenSha256, "/status/outages_token_sha256");
      } catch (IllegalArgumentException e) {
        String m = e.getMessage();
        throw new ConfigException("/status/outages_token_sha256", m.substring(m.indexOf(':') + 2));
      }
    }
    if (outagesTokenFile != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(outagesTokenFile))) {
      throw new ConfigException("/status/outages_token_file", "cannot read " + outagesTokenFile);
    }
    if (maxStreams < 1 || maxStreams > 10_000) {
      throw new ConfigException("/status/max_streams", "must be 1 to 10000");
    }
    if (streamMaxDuration.compareTo(Duration.ofSeconds(5)) < 0 || streamMaxDuration.compareTo(MAX_STREAM) > 0) {
      throw new ConfigException("/status/stream_max_duration", "must be 5s to " + MAX_STREAM.toSeconds()
          + "s (the JDK server cuts responses after sun.net.httpserver.maxRspTime, 600 s)");
    }
    if (maxBodyBytes < 1024 || maxBodyBytes > 1 << 20) {
      throw new ConfigException("/status/max_body_bytes", "must be 1024 to 1048576");
    }
    return this;
  }
}
