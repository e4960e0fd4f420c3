package org.hpcstatus.exporter.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The outage API's bearer token. Only a SHA-256 digest is kept in memory — configured as
 * {@code sha256:<64 hex>} (e.g. {@code printf %s "$TOKEN" | sha256sum}), or computed from a token file
 * read at start — and a presented token is compared by digest with {@link MessageDigest#isEqual}
 * (constant time). Tokens are never logged; {@link #toString()} shows none.
 */
public final class BearerToken {

  /** What a request presented. */
  public enum Verdict { MISSING, WRONG, OK }

  private final byte[] digest;

  private BearerToken(byte[] digest) {
    this.digest = digest;
  }

  /** {@code sha256:<hex>}; the error names the config key but never echoes the value. */
  public static BearerToken ofHash(String spec, String key) {
    String s = spec.trim();
    if (!s.toLowerCase(Locale.ROOT).startsWith("sha256:")) {
      throw new IllegalArgumentException(key + ": must be sha256:<64 hex digits> (the SHA-256 of the token)");
    }
    String hex = s.substring("sha256:".length());
    if (hex.length() != 64) {
      throw new IllegalArgumentException(key + ": a SHA-256 digest has 64 hex digits");
    }
    try {
      return new BearerToken(HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": not hexadecimal");
    }
  }

  /** The token itself from a file (first line, surrounding whitespace dropped). */
  public static BearerToken ofFile(Path file, String key) throws IOException {
    String token = Files.readString(file, StandardCharsets.UTF_8).strip();
    int nl = token.indexOf('\n');
    if (nl >= 0) {
      token = token.substring(0, nl).strip();
    }
    if (token.length() < 16) {
      throw new IllegalArgumentException(key + ": the token in " + file + " is shorter than 16 characters");
    }
    return new BearerToken(sha256(token));
  }

  /** Checks an {@code Authorization} header value. */
  public Verdict check(String authorization) {
    if (authorization == null) {
      return Verdict.MISSING;
    }
    String a = authorization.trim();
    if (a.length() < 7 || !a.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Verdict.MISSING;
    }
    return MessageDigest.isEqual(digest, sha256(a.substring(7).trim())) ? Verdict.OK : Verdict.WRONG;
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "BearerToken[sha256:…]";
  }
}
