package org.hpcstatus.exporter.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe file replacement: write a temp file, fsync it, rename it over the target, fsync the directory.
 * Shared by the accounting state and the status page's history and outages.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  public static void write(Path target, byte[] data) throws IOException {
    write(target, data, null);
  }

  /** As {@link #write(Path, byte[])}; {@code beforeRename} runs after the temp file is durable (crash tests). */
  public static void write(Path target, byte[] data, Runnable beforeRename) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
    boolean renamed = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      if (beforeRename != null) {
        beforeRename.run();
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        renamed = true;
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the state directory " + dir + " does not support atomic rename", e);
      }
    } finally {
      if (!renamed) {
        // a half-written temp file (disk full) would hold on to the space the next write needs
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException | RuntimeException ignored) {
          // read-only: nothing was written either; else it is overwritten next time
        }
      }
    }
    fsyncDir(dir);
  }

  public static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException ignored) {
      // some filesystems (and all of Windows) cannot open a directory; the rename is still atomic
    }
  }
}
