package org.hpcstatus.exporter.accounting;

import java.nio.file.Path;

/**
 * The first process of {@link SecondProcessLockTest}: takes the state directory's lock, says "HELD", and keeps
 * it until its stdin ends (or it is killed).
 */
public final class LockHolder {
  public static void main(String[] args) throws Exception {
    try (StateStore store = StateStore.open(Path.of(args[0]), args[1])) {
      System.out.println("HELD " + store.dir());
      System.out.flush();
      System.in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    System.out.println("RELEASED");
  }
}
