package org.hpcstatus.exporter.web.security;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A parsed web-config file in the Prometheus exporter-toolkit format (the file node_exporter takes with
 * {@code --web.config.file} and {@code promtool check web-config} validates). Paths are already resolved
 * against the file's directory. Holds bcrypt <em>hashes</em>, never passwords; {@link #toString()} of the
 * records prints no hash.
 */
public record WebConfig(Tls tls, Map<String, String> basicAuthUsers, Map<String, String> headers, boolean http2) {

  /** No TLS, no users, no headers: what an empty file (or no file) means. */
  public static final WebConfig NONE = new WebConfig(null, Map.of(), Map.of(), true);

  public WebConfig {
    basicAuthUsers = Map.copyOf(basicAuthUsers);
    headers = Map.copyOf(headers);
  }

  public boolean tlsEnabled() {
    return tls != null;
  }

  public boolean authEnabled() {
    return !basicAuthUsers.isEmpty();
  }

  @Override
  public String toString() {
    return "WebConfig[tls=" + tls + ", users=" + basicAuthUsers.keySet() + ", headers=" + headers.keySet() + "]";
  }

  /** exporter-toolkit's {@code client_auth_type} values, with Go's crypto/tls meaning. */
  public enum ClientAuth {
    /** No client certificate is asked for. */
    NoClientCert(false, false, false),
    /** Asked for, not required, not verified. */
    RequestClientCert(true, false, false),
    /** Required, any certificate accepted (not verified against client_ca_file). */
    RequireAnyClientCert(false, true, false),
    /** Asked for; if one is sent it must verify against client_ca_file. */
    VerifyClientCertIfGiven(true, false, true),
    /** Required and verified against client_ca_file. */
    RequireAndVerifyClientCert(false, true, true);

    public final boolean want;
    public final boolean need;
    public final boolean verify;

    ClientAuth(boolean want, boolean need, boolean verify) {
      this.want = want;
      this.need = need;
      this.verify = verify;
    }
  }

  /**
   * {@code tls_server_config}. {@code protocols} and {@code cipherSuites} are JSSE names (cipher suites
   * empty = the JVM's defaults); {@code allowedSans} empty = any subject alternative name.
   */
  public record Tls(Path certFile, Path keyFile, ClientAuth clientAuth, Path clientCaFile, List<String> protocols,
                    List<String> cipherSuites, boolean preferServerCipherSuites, List<String> curves,
                    List<String> allowedSans) {
    public Tls {
      protocols = List.copyOf(protocols);
      cipherSuites = List.copyOf(cipherSuites);
      curves = List.copyOf(curves);
      allowedSans = List.copyOf(allowedSans);
    }

    /** The files whose content defines the TLS material (for change detection). */
    public List<Path> files() {
      return clientCaFile == null ? List.of(certFile, keyFile) : List.of(certFile, keyFile, clientCaFile);
    }
  }
}
