package org.hpcstatus.exporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the collector table of docs/configuration.md from {@link Collectors#TABLE} (between the
 * markers; the rest of the file is prose). {@code CollectorTableDocTest} fails when they differ; regenerate
 * with {@code java -cp exporter/target/hpc-status-exporter.jar org.hpcstatus.exporter.ConfigurationDoc}.
 */
public final class ConfigurationDoc {
  static final String START = "<!-- collector-table:start (generated from Collectors.TABLE by ConfigurationDoc;"
      + " do not edit by hand) -->";
  static final String END = "<!-- collector-table:end -->";

  private ConfigurationDoc() {}

  /** {@code doc} with the text between the markers replaced by the rendered table. */
  public static String withCollectorTable(String doc) {
    int a = doc.indexOf(START);
    int b = doc.indexOf(END);
    if (a < 0 || b < a) {
      throw new IllegalArgumentException("docs/configuration.md has no collector-table markers");
    }
    return doc.substring(0, a + START.length()) + "\n" + Collectors.markdownTable() + doc.substring(b);
  }

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args.length > 0 ? args[0] : "docs/configuration.md");
    Files.writeString(file, withCollectorTable(Files.readString(file)));
    System.out.println("wrote " + file);
  }
}
