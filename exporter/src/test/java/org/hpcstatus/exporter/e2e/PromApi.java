package org.hpcstatus.exporter.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The few HTTP API calls of Prometheus 2.x and Alertmanager v2 the end-to-end test needs. */
final class PromApi {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One series of a query result: labels and the value (instant vector or scalar). */
  record Sample(Map<String, String> labels, double value) {
    @Override
    public String toString() {
      return labels + "=" + value;
    }
  }

  private final String base;

  PromApi(String base) {
    this.base = base;
  }

  String base() {
    return base;
  }

  static String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET()
        .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (r.statusCode() / 100 != 2) {
      throw new IOException("GET " + url + " -> HTTP " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  static boolean ready(String base) {
    try {
      get(base + "/-/ready");
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Thrown when Prometheus rejects an expression (HTTP 400: parse or execution error). */
  static final class QueryError extends IOException {
    QueryError(String msg) {
      super(msg);
    }
  }

  /** Instant query at {@code evalTime} (Unix seconds; NaN = now). Vector and scalar results only. */
  List<Sample> query(String expr, double evalTime) throws IOException, InterruptedException {
    String url = base + "/api/v1/query?query=" + enc(expr) + (Double.isNaN(evalTime) ? "" : "&time=" + evalTime);
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET()
        .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    JsonNode root = JSON.readTree(r.body());
    if (!"success".equals(root.path("status").asText())) {
      throw new QueryError(root.path("errorType").asText() + ": " + root.path("error").asText());
    }
    JsonNode data = root.path("data");
    List<Sample> out = new ArrayList<>();
    switch (data.path("resultType").asText()) {
      case "vector" -> {
        for (JsonNode s : data.path("result")) {
          Map<String, String> labels = new TreeMap<>();
          s.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
          out.add(new Sample(labels, parse(s.path("value").get(1).asText())));
        }
      }
      case "scalar" -> out.add(new Sample(Map.of(), parse(data.path("result").get(1).asText())));
      default -> throw new QueryError("unexpected result type " + data.path("resultType").asText() + " for " + expr);
    }
    return out;
  }

  List<Sample> query(String expr) throws IOException, InterruptedException {
    return query(expr, Double.NaN);
  }

  /** The single value of an expression that must give exactly one series. */
  double scalar(String expr, double evalTime) throws IOException, InterruptedException {
    List<Sample> r = query(expr, evalTime);
    if (r.size() != 1) {
      throw new IOException(expr + " gave " + r.size() + " series, expected 1: " + r);
    }
    return r.get(0).value();
  }

  static double parse(String v) {
    return switch (v) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(v);
    };
  }

  /** Prometheus' own view of its alerting rules' alerts (pending and firing). */
  JsonNode prometheusAlerts() throws IOException, InterruptedException {
    return JSON.readTree(get(base + "/api/v1/alerts")).path("data").path("alerts");
  }

  JsonNode targets() throws IOException, InterruptedException {
    return JSON.readTree(get(base + "/api/v1/targets?state=active")).path("data").path("activeTargets");
  }

  JsonNode ruleGroups() throws IOException, InterruptedException {
    return JSON.readTree(get(base + "/api/v1/rules")).path("data").path("groups");
  }

  /** Alertmanager v2: every alert it holds (active, suppressed/inhibited, unprocessed), with status. */
  JsonNode alertmanagerAlerts() throws IOException, InterruptedException {
    return JSON.readTree(get(base + "/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true"));
  }

  /** Alertmanager alerts named {@code alertname} whose labels include all of {@code labels}. */
  List<JsonNode> alertmanagerAlerts(String alertname, Map<String, String> labels)
      throws IOException, InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    Map<String, String> want = new LinkedHashMap<>(labels);
    want.put("alertname", alertname);
    for (JsonNode a : alertmanagerAlerts()) {
      boolean match = want.entrySet().stream()
          .allMatch(e -> e.getValue().equals(a.path("labels").path(e.getKey()).asText(null)));
      if (match) {
        out.add(a);
      }
    }
    return out;
  }
}
