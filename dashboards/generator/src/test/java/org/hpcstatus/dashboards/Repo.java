package org.hpcstatus.dashboards;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, as passed by the build (surefire/failsafe set hpcstatus.repo.root). */
final class Repo {

  private Repo() {}

  static Path root() {
    String prop = System.getProperty("hpcstatus.repo.root");
    Path root = prop != null ? Path.of(prop) : Path.of("../..");
    root = root.toAbsolutePath().normalize();
    if (!Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("exporter"))) {
      throw new IllegalStateException("not the repository root: " + root);
    }
    return root;
  }
}
