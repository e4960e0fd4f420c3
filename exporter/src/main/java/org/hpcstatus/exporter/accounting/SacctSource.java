package org.hpcstatus.exporter.accounting;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.hpcstatus.exporter.core.CommandException;
import org.hpcstatus.exporter.core.CommandRunner;

/**
 * Where finished-job lines come from: sacct in production, canned text in tests. The output is handed over
 * as a stream, never as one String: a month of a million jobs (~180 MB) is parsed as it arrives.
 */
@FunctionalInterface
public interface SacctSource {

  /**
   * Streams {@code sacct -a -X -n -P} output for jobs that ended in {@code [start, end]} (both inclusive) to
   * {@code sink}. Returns normally only if the whole output was read and sacct succeeded; if it throws,
   * {@code sink} may already have seen part of the output (the caller discards what it did with it).
   */
  void fetch(Instant start, Instant end, Sink sink) throws CommandException, IOException;

  /** Reads one sacct call's output. */
  @FunctionalInterface
  interface Sink {
    void accept(InputStream stdout) throws IOException;
  }

  /** A source that produces the whole output as text (tests, small fakes). */
  @FunctionalInterface
  interface Text {
    String fetch(Instant start, Instant end) throws CommandException;
  }

  static SacctSource text(Text text) {
    return (start, end, sink) -> sink.accept(new ByteArrayInputStream(
        text.fetch(start, end).getBytes(StandardCharsets.UTF_8)));
  }

  /** The real thing, through the exporter's safe {@link CommandRunner} (argv, timeout, TZ=UTC), streamed. */
  static SacctSource of(CommandRunner runner) {
    return (start, end, sink) -> runner.stream("sacct", SacctParser.argv(start, end), in -> {
      sink.accept(in);
      return null;
    });
  }
}
