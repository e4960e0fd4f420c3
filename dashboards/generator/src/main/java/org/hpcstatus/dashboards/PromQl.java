package org.hpcstatus.dashboards;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A small PromQL lexer for the checks our dashboards and rules must pass: which metric names an
 * expression uses, which counters it reads without {@code rate}/{@code irate}/{@code increase}, and which
 * ranges those functions get. It is not a parser (promtool decides whether an expression is valid); it
 * only has to tell metric names from function names, keywords, label names and values inside
 * {@code {...}}, grouping label lists, strings, numbers, durations and Grafana variables
 * ({@code $__rate_interval}, {@code ${cluster}}, {@code [[var]]}).
 */
public final class PromQl {

  /** Kinds of tokens the checks need to tell apart. */
  public enum Kind { IDENT, NUMBER, STRING, SELECTOR, RANGE, VARIABLE, LPAREN, RPAREN, COMMA, OP }

  /** One token; for SELECTOR and RANGE, {@code text} is the content between the brackets. */
  public record Token(Kind kind, String text) {}

  /** Keywords that are never metric names (binary operators, modifiers, grouping). */
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
      "group_left", "group_right", "offset", "bool", "atan2", "inf", "nan");
  /** Keywords followed by a parenthesised list of label names. */
  private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  /** Functions whose argument must be a counter's range vector with Grafana's $__rate_interval. */
  public static final Set<String> RATE_FUNCTIONS = Set.of("rate", "irate", "increase");

  private PromQl() {}

  /** Metric names in the order they first appear. */
  public static Set<String> metricNames(String expr) {
    Set<String> out = new LinkedHashSet<>();
    scan(expr, new Visitor() {
      @Override public void metric(String name, boolean insideRate) {
        out.add(name);
      }
    });
    return out;
  }

  /** Metric names for which {@code isCounter} holds that appear outside any rate/irate/increase. */
  public static Set<String> unratedCounters(String expr, Predicate<String> isCounter) {
    Set<String> out = new LinkedHashSet<>();
    scan(expr, new Visitor() {
      @Override public void metric(String name, boolean insideRate) {
        if (!insideRate && isCounter.test(name)) {
          out.add(name);
        }
      }
    });
    return out;
  }

  /**
   * The range of every range selector whose innermost enclosing function is rate, irate or increase
   * (e.g. {@code "$__rate_interval"} or {@code "5m"}), in order.
   */
  public static List<String> rateRanges(String expr) {
    List<String> out = new ArrayList<>();
    scan(expr, new Visitor() {
      @Override public void range(String range, String innermostFunction) {
        if (RATE_FUNCTIONS.contains(innermostFunction)) {
          out.add(range.trim());
        }
      }
    });
    return out;
  }

  /** Functions and aggregations called, in order of first use. */
  public static Set<String> functions(String expr) {
    Set<String> out = new LinkedHashSet<>();
    scan(expr, new Visitor() {
      @Override public void call(String function) {
        out.add(function);
      }
    });
    return out;
  }

  /** What {@link #scan} reports; every method defaults to doing nothing. */
  private interface Visitor {
    default void metric(String name, boolean insideRate) { }

    default void call(String function) { }

    default void range(String range, String innermostFunction) { }
  }

  /** Aggregation operators, which may carry their by/without clause before the parenthesis. */
  private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
      "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");

  private static void scan(String expr, Visitor visitor) {
    Deque<String> frames = new ArrayDeque<>();
    List<Token> toks = tokens(expr);
    for (int i = 0; i < toks.size(); i++) {
      Token t = toks.get(i);
      switch (t.kind()) {
        case IDENT -> {
          String word = t.text();
          if (AGGREGATIONS.contains(word) && i + 2 < toks.size() && toks.get(i + 1).kind() == Kind.IDENT
              && GROUPING.contains(toks.get(i + 1).text()) && toks.get(i + 2).kind() == Kind.LPAREN) {
            i = skipParens(toks, i + 2);
            if (next(toks, i) == Kind.LPAREN) {
              visitor.call(word);
              frames.push(word);
              i++;
            }
          } else if (GROUPING.contains(word) && next(toks, i) == Kind.LPAREN) {
            i = skipParens(toks, i + 1);
          } else if (next(toks, i) == Kind.LPAREN) {
            visitor.call(word);
            frames.push(word);
            i++;
          } else if (!KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
            visitor.metric(word, frames.stream().anyMatch(RATE_FUNCTIONS::contains));
          }
        }
        case LPAREN -> frames.push("");
        case RPAREN -> {
          if (!frames.isEmpty()) {
            frames.pop();
          }
        }
        case RANGE -> visitor.range(t.text(), frames.isEmpty() ? "" : frames.peek());
        default -> { }
      }
    }
  }

  private static Kind next(List<Token> toks, int i) {
    return i + 1 < toks.size() ? toks.get(i + 1).kind() : null;
  }

  /** From the index of an LPAREN, the index of its matching RPAREN (or the last token). */
  private static int skipParens(List<Token> toks, int open) {
    int depth = 0;
    for (int j = open; j < toks.size(); j++) {
      Kind k = toks.get(j).kind();
      if (k == Kind.LPAREN) {
        depth++;
      } else if (k == Kind.RPAREN && --depth == 0) {
        return j;
      }
    }
    return toks.size() - 1;
  }

  /** Splits an expression into tokens; never throws (an unterminated string or bracket ends the input). */
  public static List<Token> tokens(String expr) {
    List<Token> out = new ArrayList<>();
    int n = expr.length();
    int i = 0;
    while (i < n) {
      char c = expr.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '#') {
        while (i < n && expr.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '"' || c == '\'' || c == '`') {
        int end = stringEnd(expr, i);
        out.add(new Token(Kind.STRING, expr.substring(i, end)));
        i = end;
      } else if (c == '{') {
        int end = closing(expr, i, '{', '}');
        out.add(new Token(Kind.SELECTOR, expr.substring(i + 1, Math.max(i + 1, end - 1))));
        i = end;
      } else if (c == '[') {
        int end = closing(expr, i, '[', ']');
        out.add(new Token(Kind.RANGE, expr.substring(i + 1, Math.max(i + 1, end - 1))));
        i = end;
      } else if (c == '$') {
        int j = i + 1;
        if (j < n && expr.charAt(j) == '{') {
          j = closing(expr, j, '{', '}');
        } else {
          while (j < n && isIdentPart(expr.charAt(j))) {
            j++;
          }
        }
        out.add(new Token(Kind.VARIABLE, expr.substring(i, j)));
        i = j;
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
        int j = i + 1;
        while (j < n) {
          char d = expr.charAt(j);
          if ((d == '+' || d == '-') && (expr.charAt(j - 1) == 'e' || expr.charAt(j - 1) == 'E')
              && expr.substring(i, j - 1).chars().allMatch(ch -> Character.isDigit(ch) || ch == '.')) {
            j++;
          } else if (Character.isLetterOrDigit(d) || d == '.' || d == '_') {
            j++;
          } else {
            break;
          }
        }
        out.add(new Token(Kind.NUMBER, expr.substring(i, j)));
        i = j;
      } else if (isIdentStart(c)) {
        int j = i + 1;
        while (j < n && isIdentPart(expr.charAt(j))) {
          j++;
        }
        out.add(new Token(Kind.IDENT, expr.substring(i, j)));
        i = j;
      } else if (c == '(') {
        out.add(new Token(Kind.LPAREN, "("));
        i++;
      } else if (c == ')') {
        out.add(new Token(Kind.RPAREN, ")"));
        i++;
      } else if (c == ',') {
        out.add(new Token(Kind.COMMA, ","));
        i++;
      } else {
        out.add(new Token(Kind.OP, String.valueOf(c)));
        i++;
      }
    }
    return out;
  }

  private static boolean isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  }

  private static boolean isIdentPart(char c) {
    return isIdentStart(c) || (c >= '0' && c <= '9');
  }

  /** Index just after the closing quote of the string starting at {@code start}. */
  private static int stringEnd(String s, int start) {
    char q = s.charAt(start);
    int i = start + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\' && q != '`') {
        i += 2;
      } else if (c == q) {
        return i + 1;
      } else {
        i++;
      }
    }
    return s.length();
  }

  /** Index just after the bracket closing the one at {@code start}; strings inside are skipped. */
  private static int closing(String s, int start, char open, char close) {
    int depth = 0;
    int i = start;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = stringEnd(s, i);
        continue;
      }
      if (c == open) {
        depth++;
      } else if (c == close && --depth == 0) {
        return i + 1;
      }
      i++;
    }
    return s.length();
  }
}
