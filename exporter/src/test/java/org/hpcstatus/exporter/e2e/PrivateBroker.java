package org.hpcstatus.exporter.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The test's OWN Mosquitto on a free loopback port (never the shared one of scripts/services.sh), so the
 * test can stop and restart it. {@code sys_interval 1} makes it publish {@code $SYS} every second.
 */
final class PrivateBroker implements AutoCloseable {
  static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
  private final Path dir;
  private final Path conf;
  private final int port;
  private Proc proc;

  PrivateBroker(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.port = Proc.freePort();
    this.conf = dir.resolve("mosquitto.conf");
    Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
        + "sys_interval 1\nlog_dest stdout\n");
    // mosquitto started as root drops to user mosquitto: it must be able to read its config
    dir.toFile().setReadable(true, false);
    dir.toFile().setExecutable(true, false);
    conf.toFile().setReadable(true, false);
  }

  int port() {
    return port;
  }

  void start() throws IOException {
    if (proc != null && proc.alive()) {
      return;
    }
    proc = Proc.start("mosquitto", List.of(MOSQUITTO.toString(), "-c", conf.toString()), Map.of(), dir);
    Poll.until("private mosquitto listening on 127.0.0.1:" + port, Duration.ofSeconds(30), Duration.ofMillis(100),
        () -> open(port), open -> open, () -> proc.logTail(2000));
  }

  /** Stops the broker and waits until its port is closed. */
  void stop() {
    if (proc != null) {
      proc.close();
    }
    Poll.until("private mosquitto port " + port + " closed", Duration.ofSeconds(30), Duration.ofMillis(100),
        () -> open(port), open -> !open);
  }

  static boolean open(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (proc != null) {
      proc.close();
    }
  }
}
