package org.hpcstatus.exporter.health.kinds;

import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import okhttp3.ConnectionPool;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.CheckException;
import org.hpcstatus.exporter.health.Reason;
import org.hpcstatus.exporter.health.ServiceCheckConfig;

/**
 * HTTP for the HTTP-based kinds: a client per check with the check's timeout as connect/read/call
 * timeout, no connection reuse (every check measures a real connect and TLS handshake), no redirects
 * followed silently, bodies read up to {@link #MAX_BODY} bytes.
 */
final class Http {
  static final long MAX_BODY = 1 << 20;
  /** Filled by the network interceptor from the raw TLS session (OkHttp's cleaned chain may be empty). */
  private static final class Expiry {
    volatile Double epochSeconds;
  }

  private static final OkHttpClient BASE = new OkHttpClient.Builder()
      .addNetworkInterceptor(chain -> {
        Expiry holder = chain.request().tag(Expiry.class);
        if (holder != null && chain.connection() != null
            && chain.connection().socket() instanceof javax.net.ssl.SSLSocket ssl) {
          try {
            Certificate[] certs = ssl.getSession().getPeerCertificates();
            if (certs.length > 0 && certs[0] instanceof X509Certificate x) {
              holder.epochSeconds = x.getNotAfter().getTime() / 1000.0;
            }
          } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            // no certificate: leave empty
          }
        }
        return chain.proceed(chain.request());
      })
      .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
      .retryOnConnectionFailure(false)
      .followRedirects(false)
      // connect on the check's own thread: OkHttp's fast fallback (happy eyeballs) hands every connect to
      // a TaskRunner thread and back, ~3 of the ~14 thread switches of an HTTP check (docs/performance.md);
      // a monitored target's addresses are tried in order instead (the hard timeout still bounds the check)
      .fastFallback(false)
      .build();

  /** One answer: status, headers, body (at most MAX_BODY bytes), and the leaf certificate's expiry if TLS. */
  record Answer(int code, Headers headers, String body, Double tlsExpiry) {
    String header(String name) {
      return headers.get(name);
    }
  }

  private final OkHttpClient plain;
  private final String base;
  private final ClientTls tls;
  /** The client for {@link #builtFor}, rebuilt when the CA file's material changes (custom TLS only). */
  private volatile OkHttpClient custom;
  private volatile ClientTls.Material builtFor;

  /** The client of one check: its target as base URL, its timeout, its TLS trust. */
  Http(ServiceCheckConfig c) {
    String baseUrl = c.target();
    this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.tls = new ClientTls(c);
    Duration timeout = c.timeout();
    OkHttpClient.Builder b = BASE.newBuilder()
        .connectTimeout(timeout)
        .readTimeout(timeout)
        .writeTimeout(timeout)
        .callTimeout(timeout);
    if (tls.insecure()) {
      b.sslSocketFactory(Sockets.insecureFactory(), Sockets.TRUST_ALL).hostnameVerifier((String h, SSLSession s) -> true);
    }
    this.plain = b.build();
  }

  /** The client for this call: with tls_ca_file/tls_server_name one for the current trust material. */
  private OkHttpClient client() throws CheckException {
    if (!tls.custom() || !base.startsWith("https://")) {
      return plain;
    }
    ClientTls.Material m = tls.material();
    OkHttpClient c = custom;
    if (c == null || builtFor != m) {
      OkHttpClient.Builder b = plain.newBuilder().sslSocketFactory(tls.verifyingFactory(m), m.trust());
      if (tls.serverName() != null) {
        // the JDK verified the certificate against tls_server_name in the handshake (verifyingFactory);
        // OkHttp's own check would compare it with the URL's host
        b.hostnameVerifier((String h, SSLSession s) -> true);
      }
      c = b.build();
      custom = c;
      builtFor = m;
    }
    return c;
  }

  String url(String path) {
    return base + path;
  }

  Answer get(CheckContext ctx, String path, Map<String, String> headers) throws IOException, CheckException {
    Request.Builder r = new Request.Builder().url(url(path)).get();
    headers.forEach(r::header);
    return call(ctx, r.build());
  }

  Answer post(CheckContext ctx, String path, Map<String, String> headers, String body, String contentType)
      throws IOException, CheckException {
    Request.Builder r = new Request.Builder().url(url(path))
        .post(RequestBody.create(body, MediaType.get(contentType)));
    headers.forEach(r::header);
    return call(ctx, r.build());
  }

  private Answer call(CheckContext ctx, Request req) throws IOException, CheckException {
    ctx.checkDeadline();
    Expiry expiry = new Expiry();
    okhttp3.Call call = client().newCall(req.newBuilder().tag(Expiry.class, expiry).build());
    call.timeout().timeout(ctx.remainingMillis(), TimeUnit.MILLISECONDS);
    try (Response resp = call.execute()) {
      String body = resp.peekBody(MAX_BODY).string();
      return new Answer(resp.code(), resp.headers(), body, expiry.epochSeconds);
    }
  }

  /** Maps 401/403 to auth and any other unexpected status to http_status. */
  static CheckException status(Answer a, String what) {
    if (a.code() == 401 || a.code() == 403) {
      return new CheckException(Reason.AUTH, what + ": HTTP " + a.code() + " (credentials rejected)");
    }
    return new CheckException(Reason.HTTP_STATUS, what + ": unexpected HTTP " + a.code());
  }

  static String basic(String user, String password) {
    return okhttp3.Credentials.basic(user == null ? "" : user, password == null ? "" : password);
  }
}
