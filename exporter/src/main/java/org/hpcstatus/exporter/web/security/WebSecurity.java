package org.hpcstatus.exporter.web.security;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpsConfigurator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.hpcstatus.exporter.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exporter's web-config ({@code --web.config.file}): TLS for the listener, basic auth and extra
 * response headers for every route, reloaded when the file or any TLS file it names changes.
 *
 * <p>Reload is lazy: a new connection (TLS handshake) or request checks, at most once per
 * {@code checkInterval}, whether the files' content changed. A change that loads cleanly replaces the
 * config for new connections and requests; one that does not keeps the previous config, logs why once,
 * and sets {@code hpcstatus_web_config_last_reload_successful} to 0. Switching TLS on or off needs a
 * restart (the listener's kind is fixed when it is bound).
 */
public final class WebSecurity {
  private static final Logger LOG = LoggerFactory.getLogger(WebSecurity.class);
  public static final String REALM = "hpc-status-exporter";
  private static final byte[] UNAUTHORIZED = "Unauthorized\n".getBytes(StandardCharsets.UTF_8);

  private record State(WebConfig config, BasicAuth auth, byte[] digest) {}

  private final Path file;
  private final WebMetrics metrics = new WebMetrics();
  private final long checkIntervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong nextCheck = new AtomicLong();
  private final ReloadingTls tls;
  private volatile State state;
  private volatile byte[] lastRefused;

  private WebSecurity(Path file, Duration checkInterval, LongSupplier nanoTime) {
    this.file = file;
    this.checkIntervalNanos = checkInterval.toNanos();
    this.nanoTime = nanoTime;
    if (file == null) {
      state = new State(WebConfig.NONE, new BasicAuth(java.util.Map.of()), new byte[0]);
      tls = null;
      return;
    }
    WebConfig c = WebConfigParser.load(file);
    TlsMaterial m = c.tlsEnabled() ? TlsMaterial.load(c.tls()) : null;
    byte[] digest = digest(file, c);
    state = new State(c, new BasicAuth(c.basicAuthUsers()), digest);
    tls = m == null ? null : new ReloadingTls(m, this::reloadIfChanged, () -> metrics.authFailure("client_certificate"));
    nextCheck.set(nanoTime.getAsLong() + checkIntervalNanos);
  }

  /** No web config: plain HTTP, no auth, no extra headers. */
  public static WebSecurity none() {
    return new WebSecurity(null, Duration.ZERO, System::nanoTime);
  }

  /**
   * Loads {@code file} (errors: a {@link ConfigException} naming the key, e.g.
   * {@code /tls_server_config/cert_file: no such file /etc/x.crt}); changes are looked for at most once a second.
   */
  public static WebSecurity load(Path file) {
    return load(file, Duration.ofSeconds(1), System::nanoTime);
  }

  /** As {@link #load(Path)}, with the interval between change checks (tests: {@link Duration#ZERO}). */
  public static WebSecurity load(Path file, Duration checkInterval, LongSupplier nanoTime) {
    return new WebSecurity(file, checkInterval, nanoTime);
  }

  public WebMetrics metrics() {
    return metrics;
  }

  public WebConfig config() {
    return state.config();
  }

  /** For the HTTP server builder: null when the file has no TLS (plain HTTP). */
  public HttpsConfigurator httpsConfigurator() {
    return tls == null ? null : tls.configurator();
  }

  /**
   * Admits a request or answers it: adds the configured headers, and where {@code requiresAuth} and users
   * are configured, checks basic auth. A refused request has been answered with 401 and
   * {@code WWW-Authenticate} and closed when this returns false.
   */
  public boolean admit(HttpExchange ex, boolean requiresAuth) throws IOException {
    BasicAuth.Result r = check(ex, requiresAuth);
    if (r == BasicAuth.Result.OK) {
      return true;
    }
    ex.getRequestBody().transferTo(java.io.OutputStream.nullOutputStream());
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(401, UNAUTHORIZED.length);
    ex.getResponseBody().write(UNAUTHORIZED);
    ex.close();
    return false;
  }

  /**
   * The same rules as an {@link Authenticator} for client_java's {@code HTTPServer.builder().authenticator()}:
   * {@code requiresAuth} decides per request path (e.g. {@code p -> !p.equals("/")} keeps the status page open).
   */
  public Authenticator authenticator(Predicate<String> requiresAuth) {
    return new Authenticator() {
      @Override
      public Result authenticate(HttpExchange ex) {
        BasicAuth.Result r = check(ex, requiresAuth.test(ex.getRequestURI().getPath()));
        return r == BasicAuth.Result.OK ? new Success(new HttpPrincipal(user(ex), REALM)) : new Retry(401);
      }
    };
  }

  /**
   * For a route table: the authenticator of routes that ask for credentials when users are configured
   * ({@code required} false), or of routes that must never be open ({@code required} true: with no
   * {@code basic_auth_users} it answers 403).
   */
  public Authenticator authenticator(boolean required) {
    return new Authenticator() {
      @Override
      public Result authenticate(HttpExchange ex) {
        if (required && !state.auth().enabled()) {
          headers(ex);
          return new Failure(403);
        }
        BasicAuth.Result r = check(ex, true);
        return r == BasicAuth.Result.OK ? new Success(new HttpPrincipal(user(ex), REALM)) : new Retry(401);
      }
    };
  }

  /** Adds the configured response headers (and notices a changed file) on every route, open ones included. */
  public Filter headersFilter() {
    return new Filter() {
      @Override
      public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        headers(ex);
        chain.doFilter(ex);
      }

      @Override
      public String description() {
        return "web-config http_server_config.headers";
      }
    };
  }

  private void headers(HttpExchange ex) {
    reloadIfChanged();
    state.config().headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
  }

  private static String user(HttpExchange ex) {
    Object u = ex.getAttribute(USER_ATTRIBUTE);
    return u == null ? "-" : u.toString();
  }

  /** Exchange attribute holding the authenticated user name (absent for anonymous requests). */
  public static final String USER_ATTRIBUTE = "hpcstatus.web.user";

  private BasicAuth.Result check(HttpExchange ex, boolean requiresAuth) {
    reloadIfChanged();
    State s = state;
    s.config().headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    if (!requiresAuth || !s.auth().enabled()) {
      return BasicAuth.Result.OK;
    }
    BasicAuth.Outcome o = s.auth().check(ex.getRequestHeaders().getFirst("Authorization"));
    if (o.result() == BasicAuth.Result.OK) {
      ex.setAttribute(USER_ATTRIBUTE, o.user());
      return o.result();
    }
    metrics.authFailure(o.result().reason);
    ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
    return o.result();
  }

  /** Looks for a change of the files (at most once per check interval) and applies it or keeps the old config. */
  public void reloadIfChanged() {
    if (file == null) {
      return;
    }
    long now = nanoTime.getAsLong();
    long due = nextCheck.get();
    if (now - due < 0 || !nextCheck.compareAndSet(due, now + checkIntervalNanos)) {
      return;
    }
    reload();
  }

  /** Reloads now if the content of the file or of its TLS files changed; returns whether a new config is in use. */
  public synchronized boolean reload() {
    if (file == null) {
      return false;
    }
    State old = state;
    byte[] digest = digest(file, old.config());
    if (Arrays.equals(digest, old.digest())) {
      return false;
    }
    try {
      WebConfig c = WebConfigParser.load(file);
      if (c.tlsEnabled() != old.config().tlsEnabled()) {
        throw new ConfigException("/tls_server_config", "turning TLS " + (c.tlsEnabled() ? "on" : "off")
            + " needs a restart of the exporter");
      }
      TlsMaterial m = c.tlsEnabled() ? TlsMaterial.load(c.tls()) : null;
      byte[] newDigest = digest(file, c); // the new file may name other TLS files
      if (m != null) {
        tls.swap(m);
      }
      state = new State(c, new BasicAuth(c.basicAuthUsers()), newDigest);
      lastRefused = null;
      metrics.reload(true);
      LOG.info("web config {} reloaded (tls={}, users={}, headers={})", file, c.tlsEnabled(),
          c.basicAuthUsers().size(), c.headers().keySet());
      return true;
    } catch (ConfigException | IllegalStateException e) {
      metrics.reload(false);
      if (!Arrays.equals(digest, lastRefused)) {
        lastRefused = digest;
        LOG.warn("web config {} changed but was not reloaded, keeping the previous one: {}", file, e.getMessage());
      }
      return false;
    }
  }

  /** SHA-256 over the web-config file and the TLS files the config names (missing files hash as such). */
  private static byte[] digest(Path file, WebConfig c) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      add(md, file);
      if (c != null && c.tlsEnabled()) {
        for (Path p : c.tls().files()) {
          add(md, p);
        }
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JVM", e);
    }
  }

  private static void add(MessageDigest md, Path p) {
    md.update(p.toString().getBytes(StandardCharsets.UTF_8));
    try {
      byte[] b = Files.readAllBytes(p);
      md.update((byte) 1);
      md.update(Long.toString(b.length).getBytes(StandardCharsets.US_ASCII));
      md.update(b);
    } catch (IOException e) {
      md.update((byte) 0);
    }
  }
}
