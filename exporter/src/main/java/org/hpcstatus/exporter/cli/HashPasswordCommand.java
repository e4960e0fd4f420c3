package org.hpcstatus.exporter.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints a bcrypt hash for {@code basic_auth_users} in the web config file, for hosts without
 * {@code htpasswd}. The password is read from the first line of standard input, never from the
 * command line (where {@code ps} and shell history would show it).
 */
@Command(name = "hash-password", mixinStandardHelpOptions = true,
    description = "Read a password from stdin, print its bcrypt hash for basic_auth_users (--web.config.file).")
public final class HashPasswordCommand implements Callable<Integer> {
  @Option(names = "--cost", description = "bcrypt cost, 4-31 (default 10: about 0.1 s per check, cached after the first).")
  int cost = 10;

  @Override
  public Integer call() throws Exception {
    if (cost < 4 || cost > 31) {
      throw new IllegalArgumentException("--cost must be between 4 and 31");
    }
    String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (line == null || line.isEmpty()) {
      throw new IllegalArgumentException("no password on standard input");
    }
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    System.out.println(OpenBSDBCrypt.generate("2y", line.toCharArray(), salt, cost));
    return 0;
  }
}
