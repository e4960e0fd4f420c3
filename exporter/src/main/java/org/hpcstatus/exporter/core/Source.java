package org.hpcstatus.exporter.core;

import java.util.List;
import java.util.function.Function;

/**
 * One Slurm command and its pure parser. Several collectors may read the same source (the node list
 * feeds both the nodes and the partitions collectors); {@link SourceCache} runs it once per freshness
 * interval however many of them ask.
 *
 * @param name       key in the cache and the {@code collector} label of its parse errors
 * @param label      the command's label in {@code hpcstatus_command_*}
 * @param argv       program and arguments, never passed through a shell
 * @param allowNonZero accept a non-zero exit if the output parses (e.g. {@code scontrol ping} with a backup down)
 * @param parser     String → records, never throws on bad input
 * @param minAge     a result younger than this is reused even if a collector polls faster (for
 *                   slow-changing data read by a fast collector); {@code Duration.ZERO}: no floor
 */
public record Source<T>(String name, String label, List<String> argv, boolean allowNonZero,
                        Function<String, Parsed<T>> parser, java.time.Duration minAge) {

  public Source {
    argv = List.copyOf(argv);
  }

  public Source(String name, String label, List<String> argv, boolean allowNonZero,
      Function<String, Parsed<T>> parser) {
    this(name, label, argv, allowNonZero, parser, java.time.Duration.ZERO);
  }

  public static <T> Source<T> of(String name, List<String> argv, Function<String, Parsed<T>> parser) {
    return new Source<>(name, label(argv), argv, false, parser);
  }

  /** {@code scontrol -o show nodes} → {@code "scontrol show nodes"}: program plus its non-option words. */
  static String label(List<String> argv) {
    StringBuilder sb = new StringBuilder(argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1));
    for (String a : argv.subList(1, argv.size())) {
      if (a.startsWith("-") || a.contains("=") || a.contains(",") || a.contains("%")) {
        continue;
      }
      sb.append(' ').append(a);
      if (sb.length() > 40) {
        break;
      }
    }
    return sb.toString();
  }
}
