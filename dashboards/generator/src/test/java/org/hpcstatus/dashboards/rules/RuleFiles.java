package org.hpcstatus.dashboards.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The repository's rule files ({@code alerts/*.yaml}), their promtool tests ({@code alerts/tests/*.yaml})
 * and the runbook, read as data for the convention checks in {@link RuleFilesTest}.
 */
final class RuleFiles {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One rule of a rule file: an alert ({@code record} null) or a recording rule. */
  record Rule(Path file, String group, String alert, String record, JsonNode node) {
    String expr() {
      return node.path("expr").asText();
    }

    String name() {
      return alert != null ? alert : record;
    }
  }

  private RuleFiles() {}

  /** The repository root: {@code -Dhpcstatus.repo.root} (set by the pom), else the nearest parent with alerts/. */
  static Path root() {
    String prop = System.getProperty("hpcstatus.repo.root");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("alerts"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no alerts/ directory above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  static JsonNode read(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> ruleFiles() {
    return list(root().resolve("alerts"));
  }

  static List<Path> testFiles() {
    return list(root().resolve("alerts/tests"));
  }

  static List<Rule> rules() {
    List<Rule> out = new ArrayList<>();
    for (Path f : ruleFiles()) {
      for (JsonNode g : read(f).path("groups")) {
        for (JsonNode r : g.path("rules")) {
          out.add(new Rule(f, g.path("name").asText(), text(r, "alert"), text(r, "record"), r));
        }
      }
    }
    return out;
  }

  static List<Rule> alerts() {
    return rules().stream().filter(r -> r.alert() != null).toList();
  }

  static List<Rule> recordingRules() {
    return rules().stream().filter(r -> r.record() != null).toList();
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : null;
  }

  /** Per alert name, the alert_rule_test cases of every test file. */
  static Map<String, List<JsonNode>> alertCases() {
    Map<String, List<JsonNode>> out = new LinkedHashMap<>();
    for (Path f : testFiles()) {
      for (JsonNode t : read(f).path("tests")) {
        for (JsonNode c : t.path("alert_rule_test")) {
          out.computeIfAbsent(c.path("alertname").asText(), k -> new ArrayList<>()).add(c);
        }
      }
    }
    return out;
  }

  /** The expressions of every promql_expr_test case. */
  static List<String> exprTests() {
    List<String> out = new ArrayList<>();
    for (Path f : testFiles()) {
      for (JsonNode t : read(f).path("tests")) {
        for (JsonNode c : t.path("promql_expr_test")) {
          out.add(c.path("expr").asText());
        }
      }
    }
    return out;
  }

  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$", Pattern.MULTILINE);

  /** GitHub-style anchors of the markdown headings of {@code file}. */
  static Set<String> anchors(Path file) {
    String md;
    try {
      md = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> out = new TreeSet<>();
    Matcher m = HEADING.matcher(md);
    while (m.find()) {
      out.add(anchor(m.group(1)));
    }
    return out;
  }

  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
  static String anchor(String heading) {
    return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }

  /** Parses a Prometheus duration ({@code 1h30m}, {@code 15s}, {@code 0m}) into seconds. */
  static long seconds(String duration) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)").matcher(duration);
    long total = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        throw new IllegalArgumentException("not a duration: " + duration);
      }
      end = m.end();
      long n = Long.parseLong(m.group(1));
      total += switch (m.group(2)) {
        case "ms" -> n / 1000;
        case "s" -> n;
        case "m" -> n * 60;
        case "h" -> n * 3600;
        case "d" -> n * 86400;
        case "w" -> n * 7 * 86400;
        default -> n * 365 * 86400;
      };
    }
    if (end != duration.length() || duration.isEmpty()) {
      throw new IllegalArgumentException("not a duration: " + duration);
    }
    return total;
  }
}
