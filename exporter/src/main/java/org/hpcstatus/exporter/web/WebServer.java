package org.hpcstatus.exporter.web;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exporter's HTTP server (the JDK's {@code com.sun.net.httpserver}): a table of {@link Route}s, an
 * optional TLS configurator and authenticator (from an exporter-toolkit web-config file), and filters.
 *
 * <p>Threads: the JDK's dispatcher thread accepts connections. Without TLS, authenticator or filters
 * (all of which can take milliseconds per request: handshakes, bcrypt) it also reads each request's
 * headers and answers {@link FastPath} routes on the spot — cached {@code /metrics} bytes, with no thread
 * hand-off; header reads of stalled clients are cut off after {@code sun.net.httpserver.maxReqTime}
 * ({@value #MAX_REQ_SECONDS} s unless set). Every other route runs on a small shared pool (up to
 * {@link #SHARED_THREADS} threads, started on demand, ended when idle) or on its own executor; with TLS,
 * an authenticator or filters (or {@code -Dhpcstatus.web.dispatch=pool}), the whole exchange starts on
 * the shared pool. TCP_NODELAY is on (without
 * it the header and body writes meet the client's delayed ACK: +40 ms per small response, measured).
 *
 * <p>Clients that go away mid-response: every route writes through {@link GuardedBody}, so closing the
 * exchange closes the socket, and an IOException on the JDK's exchange thread is rethrown for the JDK to
 * drop the connection from its tables. An exchange handed to another executor cannot reach those tables;
 * the JDK's response timer removes it after {@code sun.net.httpserver.maxRspTime} ({@value #MAX_RSP_SECONDS}
 * s unless set, as client_java sets it; SSE streams end themselves well before that).
 */
public final class WebServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
  static final int SHARED_THREADS = 4;
  static final int MAX_REQ_SECONDS = 5;
  static final int MAX_RSP_SECONDS = 600;

  private final HttpServer server;
  private final List<ExecutorService> owned;

  private WebServer(HttpServer server, List<ExecutorService> owned) {
    this.server = server;
    this.owned = owned;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The port the server listens on (the chosen one when started with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    owned.forEach(ExecutorService::shutdownNow);
  }

  /** Builds and starts a {@link WebServer}. */
  public static final class Builder {
    private String host;
    private int port;
    private final List<Route> routes = new ArrayList<>();
    private final List<Filter> filters = new ArrayList<>();
    private HttpsConfigurator tls;
    private Authenticator authenticator;
    private Authenticator required;

    /** {@code host} null or empty binds every interface; port 0 picks a free port. */
    public Builder listen(String host, int port) {
      this.host = host == null || host.isEmpty() ? null : host;
      this.port = port;
      return this;
    }

    public Builder route(Route r) {
      routes.add(r);
      return this;
    }

    public Builder routes(List<Route> rs) {
      routes.addAll(rs);
      return this;
    }

    /** Serve HTTPS with this configurator (TLS settings of the web-config file). */
    public Builder tls(HttpsConfigurator configurator) {
      this.tls = configurator;
      return this;
    }

    /** Checks credentials on {@link Route.Access#SITE} and {@link Route.Access#AUTHENTICATED} routes. */
    public Builder authenticator(Authenticator a) {
      this.authenticator = a;
      return this;
    }

    /**
     * Separate authenticators for {@link Route.Access#SITE} and {@link Route.Access#AUTHENTICATED} routes:
     * {@code required} must refuse (403) when it has no users, where {@code site} lets requests through.
     */
    public Builder authenticator(Authenticator site, Authenticator required) {
      this.authenticator = site;
      this.required = required;
      return this;
    }

    /** A filter in front of every route (runs after authentication). */
    public Builder filter(Filter f) {
      filters.add(f);
      return this;
    }

    public WebServer start() throws IOException {
      // read once, when the JDK's server classes load; TCP_NODELAY unless the operator said otherwise
      if (System.getProperty("sun.net.httpserver.nodelay") == null) {
        System.setProperty("sun.net.httpserver.nodelay", "true");
      }
      if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
        System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(MAX_REQ_SECONDS));
      }
      if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
        System.setProperty("sun.net.httpserver.maxRspTime", String.valueOf(MAX_RSP_SECONDS));
      }
      Set<String> paths = new HashSet<>();
      for (Route r : routes) {
        if (!paths.add(r.path())) {
          throw new IllegalArgumentException("route " + r.path() + " registered twice");
        }
      }
      InetSocketAddress addr = host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
      HttpServer server;
      if (tls != null) {
        HttpsServer s = HttpsServer.create(addr, 0);
        s.setHttpsConfigurator(tls);
        server = s;
      } else {
        server = HttpServer.create(addr, 0);
      }
      List<ExecutorService> owned = new ArrayList<>();
      ExecutorService shared = pool("http", SHARED_THREADS);
      owned.add(shared);
      boolean inline = tls == null && authenticator == null && filters.isEmpty()
          && !"pool".equals(System.getProperty("hpcstatus.web.dispatch"));
      server.setExecutor(inline ? null : shared); // null: the dispatcher thread runs each exchange
      Set<Executor> routeExecutors = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
      for (Route r : routes) {
        HttpContext ctx = server.createContext(r.path(), handler(r, inline ? shared : null));
        switch (r.access()) {
          case PUBLIC -> { }
          case SITE -> {
            if (authenticator != null) {
              ctx.setAuthenticator(authenticator);
            }
          }
          case AUTHENTICATED -> ctx.setAuthenticator(required != null ? required
              : authenticator != null ? authenticator : DENY);
        }
        ctx.getFilters().addAll(filters);
        if (r.executor() instanceof ExecutorService es && routeExecutors.add(es)) {
          owned.add(es);
        }
      }
      if (!paths.contains("/")) {
        HttpContext ctx = server.createContext("/", ex -> Responses.text(ex, 404, "not found\n"));
        ctx.getFilters().addAll(filters);
      }
      server.start();
      return new WebServer(server, owned);
    }
  }

  /**
   * A pool of up to {@code max} daemon threads that start on demand and end after 60 s idle. Past
   * {@code max} busy threads, requests queue (never rejected: a rejected exchange would be dropped).
   */
  public static ExecutorService pool(String name, int max) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor p = new ThreadPoolExecutor(max, max, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    p.allowCoreThreadTimeOut(true);
    return p;
  }

  private static final Authenticator DENY = new Authenticator() {
    @Override
    public Result authenticate(HttpExchange exch) {
      return new Failure(403);
    }
  };

  /**
   * The route's handler behind the exact-path check, with failures answered and logged, on the route's
   * executor; with {@code handOff} (inline dispatch) other routes go to it, {@link FastPath} ones first try
   * to answer on the spot.
   */
  private static HttpHandler handler(Route r, Executor handOff) {
    HttpHandler safe = ex -> {
      GuardedBody.install(ex);
      try {
        if (r.exact() && !ex.getRequestURI().getPath().equals(r.path())) {
          Responses.text(ex, 404, "not found\n");
          return;
        }
        r.handler().handle(ex);
      } catch (IOException e) {
        // the client went away mid-response: nothing to answer. Closing the exchange closes the socket
        // (GuardedBody); rethrown, the JDK also drops the connection from its tables when this runs on its
        // exchange thread (on a route's or the hand-off executor, its response timer does, see start())
        ex.close();
        throw e;
      } catch (RuntimeException | Error e) {
        LOG.error("{} {} failed", ex.getRequestMethod(), r.path(), e);
        try {
          Responses.text(ex, 500, "internal error\n");
        } catch (IOException | RuntimeException ignored) {
          ex.close(); // headers were already sent
        }
      }
    };
    Executor e = r.executor() != null ? r.executor() : handOff;
    if (e == null) {
      return safe;
    }
    FastPath fast = r.executor() == null && r.handler() instanceof FastPath f ? f : null;
    return ex -> {
      GuardedBody.install(ex);
      if (fast != null && (!r.exact() || ex.getRequestURI().getPath().equals(r.path())) && tryFast(fast, ex)) {
        return;
      }
      try {
        e.execute(() -> {
          try {
            safe.handle(ex);
          } catch (IOException closedBySafe) {
            // nothing left to do: the exchange and its socket are closed
          }
        });
      } catch (RejectedExecutionException rejected) {
        Responses.text(ex, 503, "busy, try again\n");
      }
    };
  }

  /** On the JDK's exchange thread: an IOException (client gone) closes the exchange and goes to the JDK. */
  private static boolean tryFast(FastPath fast, HttpExchange ex) throws IOException {
    try {
      return fast.tryAnswer(ex);
    } catch (IOException e) {
      ex.close();
      throw e;
    } catch (RuntimeException | Error e) {
      LOG.error("{} {} failed on the fast path; retrying on the pool", ex.getRequestMethod(),
          ex.getRequestURI().getPath(), e);
      return false;
    }
  }
}
