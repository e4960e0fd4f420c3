package org.hpcstatus.exporter.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpsConfigurator;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The route table: exact and prefix paths, the three access rules, per-route executors, TLS. */
class WebServerTest {

  @TempDir
  Path tmp;

  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  static Route answer(String path, boolean exact, String body) {
    return new Route(path, exact, Route.Access.SITE, null, ex -> Responses.text(ex, 200, body));
  }

  HttpResponse<String> get(String url, String user, String password) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (user != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder()
          .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static BasicAuthenticator users() {
    return new BasicAuthenticator("hpc-status-exporter") {
      @Override
      public boolean checkCredentials(String user, String password) {
        return user.equals("ops") && password.equals("s3cret");
      }
    };
  }

  @Test
  void exactRoutesAnswerOnlyTheirPathPrefixRoutesEverythingBelow() throws Exception {
    try (WebServer s = WebServer.builder().listen("127.0.0.1", 0)
        .route(answer("/metrics", true, "metrics")).route(answer("/api/v1/", false, "api")).start()) {
      String base = "http://127.0.0.1:" + s.port();
      assertThat(get(base + "/metrics", null, null).body()).isEqualTo("metrics");
      assertThat(get(base + "/metrics-uncached", null, null).statusCode()).isEqualTo(404);
      assertThat(get(base + "/metrics/x", null, null).statusCode()).isEqualTo(404);
      assertThat(get(base + "/api/v1/outages/42", null, null).body()).isEqualTo("api");
      assertThat(get(base + "/nothing-here", null, null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void accessRulesWithAndWithoutAnAuthenticator() throws Exception {
    Route open = answer("/-/healthy", true, "ok").access(Route.Access.PUBLIC);
    Route site = answer("/metrics", true, "metrics");
    Route secured = answer("/api/v1/outages", true, "outages").access(Route.Access.AUTHENTICATED);
    try (WebServer s = WebServer.builder().listen("127.0.0.1", 0).route(open).route(site).route(secured).start()) {
      String base = "http://127.0.0.1:" + s.port();
      assertThat(get(base + "/-/healthy", null, null).statusCode()).isEqualTo(200);
      assertThat(get(base + "/metrics", null, null).statusCode()).isEqualTo(200);
      // no users configured: an authenticated route stays shut rather than opening up
      assertThat(get(base + "/api/v1/outages", "ops", "s3cret").statusCode()).isEqualTo(403);
    }
    try (WebServer s = WebServer.builder().listen("127.0.0.1", 0).authenticator(users())
        .route(open).route(site).route(secured).start()) {
      String base = "http://127.0.0.1:" + s.port();
      assertThat(get(base + "/-/healthy", null, null).statusCode()).isEqualTo(200);
      assertThat(get(base + "/metrics", null, null).statusCode()).isEqualTo(401);
      assertThat(get(base + "/metrics", "ops", "wrong").statusCode()).isEqualTo(401);
      assertThat(get(base + "/metrics", "ops", "s3cret").body()).isEqualTo("metrics");
      assertThat(get(base + "/api/v1/outages", null, null).statusCode()).isEqualTo(401);
      assertThat(get(base + "/api/v1/outages", "ops", "s3cret").body()).isEqualTo("outages");
    }
  }

  @Test
  void aRouteOnItsOwnExecutorNeverHoldsTheSharedThreads() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    int streams = WebServer.SHARED_THREADS + 2;
    CountDownLatch started = new CountDownLatch(streams);
    Route stream = new Route("/events", true, Route.Access.SITE, null, ex -> {
      started.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Responses.text(ex, 200, "done");
    }).executor(WebServer.pool("sse", streams));
    try (WebServer s = WebServer.builder().listen("127.0.0.1", 0).route(stream)
        .route(answer("/metrics", true, "metrics")).start()) {
      String base = "http://127.0.0.1:" + s.port();
      CompletableFuture<?>[] open = new CompletableFuture<?>[streams];
      for (int i = 0; i < streams; i++) {
        open[i] = client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/events")).build(),
            HttpResponse.BodyHandlers.ofString());
      }
      // more long-lived requests than the shared pool has threads, all in their handlers at once …
      assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
      // … and /metrics still answers
      assertThat(get(base + "/metrics", null, null).body()).isEqualTo("metrics");
      release.countDown();
      CompletableFuture.allOf(open).get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFailingHandlerAnswers500AndTheServerKeepsServing() throws Exception {
    Route broken = Route.exact("/broken", ex -> {
      throw new IllegalStateException("bug");
    });
    try (WebServer s = WebServer.builder().listen("127.0.0.1", 0).route(broken)
        .route(answer("/metrics", true, "metrics")).start()) {
      String base = "http://127.0.0.1:" + s.port();
      assertThat(get(base + "/broken", null, null).statusCode()).isEqualTo(500);
      assertThat(get(base + "/metrics", null, null).body()).isEqualTo("metrics");
    }
  }

  @Test
  void duplicatePathsAreRejected() {
    assertThatThrownBy(() -> WebServer.builder().listen("127.0.0.1", 0)
        .route(answer("/metrics", true, "a")).route(answer("/metrics", true, "b")).start())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/metrics");
  }

  @Test
  void servesHttpsWithAConfigurator() throws Exception {
    Path ks = tmp.resolve("server.p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, new SecureRandom());
    SSLContext trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, new TrustManager[] {new X509TrustManager() {
      public void checkClientTrusted(X509Certificate[] c, String a) {}

      public void checkServerTrusted(X509Certificate[] c, String a) {}

      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, new SecureRandom());
    try (WebServer s = WebServer.builder().listen("127.0.0.1", 0).tls(new HttpsConfigurator(server))
        .route(answer("/metrics", true, "over tls")).start()) {
      HttpClient tls = HttpClient.newBuilder().sslContext(trustAll).build();
      HttpResponse<String> r = tls.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + s.port() + "/metrics"))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("over tls");
    }
  }
}
