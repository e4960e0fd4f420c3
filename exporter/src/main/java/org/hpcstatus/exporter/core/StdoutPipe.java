package org.hpcstatus.exporter.core;

import java.io.IOException;
import java.io.InputStream;

/**
 * A bounded in-memory pipe between the thread that pumps a process's stdout and the thread that reads it
 * ({@link CommandRunner#stream}): at most {@code capacity} bytes are held (the pump blocks when it is full,
 * which back-pressures the process), and every read honours the call's deadline, so a reader is never stuck
 * behind a process (or a grandchild holding the pipe open) that outlives its timeout.
 */
final class StdoutPipe {

  /** Why the read side failed: the call's deadline passed, or reading the process's stdout failed. */
  static final class Failure extends IOException {
    final boolean timeout;

    Failure(String message, boolean timeout, Throwable cause) {
      super(message, cause);
      this.timeout = timeout;
    }

    /** The {@link Failure} in {@code t}'s cause chain, if any (a reader may have wrapped it). */
    static Failure in(Throwable t) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        if (c instanceof Failure f) {
          return f;
        }
      }
      return null;
    }
  }

  private final byte[] ring;
  private final long deadlineNanos;
  private int head;
  private int size;
  private boolean writerClosed;
  private boolean readerClosed;
  private IOException writerFailure;

  StdoutPipe(int capacity, long deadlineNanos) {
    this.ring = new byte[capacity];
    this.deadlineNanos = deadlineNanos;
  }

  /** Pump side: blocks while full; drops the bytes once the reader has closed its end. */
  synchronized void write(byte[] b, int off, int len) throws InterruptedException {
    while (len > 0) {
      while (size == ring.length && !readerClosed) {
        wait();
      }
      if (readerClosed) {
        return;
      }
      int tail = (head + size) % ring.length;
      int n = Math.min(len, Math.min(ring.length - size, ring.length - tail));
      System.arraycopy(b, off, ring, tail, n);
      size += n;
      off += n;
      len -= n;
      notifyAll();
    }
  }

  /** Pump side: end of stdout ({@code failure} null) or a failed read of it. */
  synchronized void closeWriter(IOException failure) {
    writerClosed = true;
    writerFailure = failure;
    notifyAll();
  }

  private synchronized int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (size == 0 && !writerClosed) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        throw new Failure("timeout", true, null);
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while reading command output");
      }
    }
    if (System.nanoTime() - deadlineNanos > 0) {
      throw new Failure("timeout", true, null); // also bounds a reader that is slow to consume
    }
    if (size == 0) {
      if (writerFailure != null) {
        throw new Failure("reading the command's output failed: " + writerFailure.getMessage(), false, writerFailure);
      }
      return -1;
    }
    int n = Math.min(len, Math.min(size, ring.length - head));
    System.arraycopy(ring, head, b, off, n);
    head = (head + n) % ring.length;
    size -= n;
    notifyAll();
    return n;
  }

  private synchronized void closeReader() {
    readerClosed = true;
    size = 0;
    notifyAll();
  }

  /** The read side; closing it lets the pump discard the rest of the output. */
  InputStream source() {
    return new InputStream() {
      private final byte[] one = new byte[1];

      @Override
      public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        return StdoutPipe.this.read(b, off, len);
      }

      @Override
      public void close() {
        closeReader();
      }
    };
  }

  /** Starts a daemon thread copying {@code stdout} into this pipe until its end. */
  Thread pumpFrom(InputStream stdout, String name) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try (stdout) {
        int n;
        while ((n = stdout.read(buf)) >= 0) {
          write(buf, 0, n);
        }
        closeWriter(null);
      } catch (IOException e) {
        closeWriter(e);
      } catch (InterruptedException e) {
        closeWriter(new java.io.InterruptedIOException("stdout pump interrupted"));
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
