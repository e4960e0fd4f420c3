package org.hpcstatus.exporter.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A parser's result: the records it understood plus what it had to skip. Parsers never throw on bad
 * input; they count the bad line, keep a few samples for the log, and go on.
 */
public final class Parsed<T> {
  private static final int MAX_SAMPLES = 5;

  private final T value;
  private final int errors;
  private final List<String> samples;
  private final boolean unusable;

  private Parsed(T value, int errors, List<String> samples, boolean unusable) {
    this.value = value;
    this.errors = errors;
    this.samples = List.copyOf(samples);
    this.unusable = unusable;
  }

  /**
   * The parser's result. Output in which nothing at all could be parsed (errors, and an empty result)
   * is unusable: the source then counts as failed instead of reporting "zero nodes".
   */
  public static <T> Parsed<T> of(T value, Errors errors) {
    boolean empty = value instanceof java.util.Collection<?> c && c.isEmpty();
    return new Parsed<>(value, errors.count, errors.samples, errors.fatal || (empty && errors.count > 0));
  }

  public static <T> Parsed<T> clean(T value) {
    return new Parsed<>(value, 0, List.of(), false);
  }

  /** True if the output as a whole was not what the command should print. */
  public boolean unusable() {
    return unusable;
  }

  public T value() {
    return value;
  }

  public int errors() {
    return errors;
  }

  public List<String> samples() {
    return samples;
  }

  /** Accumulates skipped input while a parser runs. */
  public static final class Errors {
    private int count;
    private boolean fatal;
    private final List<String> samples = new ArrayList<>();

    /** Records an error that makes the whole output unusable. */
    public void fatal(String what, String line) {
      add(what, line);
      fatal = true;
    }

    public void add(String what, String line) {
      count++;
      if (samples.size() < MAX_SAMPLES) {
        String l = line == null ? "" : line;
        samples.add(what + ": " + (l.length() > 200 ? l.substring(0, 200) + "…" : l));
      }
    }

    public int count() {
      return count;
    }
  }
}
