package org.hpcstatus.exporter.web.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * HTTP basic auth against {@code basic_auth_users} bcrypt hashes (Bouncy Castle's OpenBSDBCrypt).
 *
 * <p>A bcrypt check costs tens to hundreds of milliseconds by design; Prometheus sends the same
 * credentials every scrape. After a successful check the user's entry remembers an HMAC-SHA256 (under a
 * random per-instance key) of user, password and hash; the next request with the same credentials costs
 * one HMAC and a constant-time comparison. The cache holds at most one entry per configured user and
 * never the password itself. Unknown users cost a bcrypt too (against a dummy hash of the same cost), so
 * timing does not tell which user names exist.
 */
final class BasicAuth {

  enum Result {
    OK(null), MISSING("missing_credentials"), MALFORMED("malformed_credentials"), INVALID("invalid_credentials");

    /** The {@code reason} label of the failed-auth counter. */
    final String reason;

    Result(String reason) {
      this.reason = reason;
    }
  }

  /** An outcome; {@code user} only when OK. */
  record Outcome(Result result, String user) {}

  private final Map<String, String> users;
  private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
  private final SecretKeySpec macKey;
  private final int dummyCost;
  private volatile String dummyHash;

  BasicAuth(Map<String, String> users) {
    this.users = Map.copyOf(users);
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    this.macKey = new SecretKeySpec(k, "HmacSHA256");
    int cost = 10;
    for (String h : users.values()) {
      cost = Math.max(cost, Integer.parseInt(h.substring(h.indexOf('$', 1) + 1, h.indexOf('$', 1) + 3)));
    }
    this.dummyCost = cost;
  }

  boolean enabled() {
    return !users.isEmpty();
  }

  /** Checks an {@code Authorization} header value (null when absent). */
  Outcome check(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return new Outcome(Result.MISSING, null);
    }
    String a = authorization.strip();
    if (a.length() < 6 || !a.regionMatches(true, 0, "Basic ", 0, 6)) {
      return new Outcome(Result.MALFORMED, null);
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(a.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return new Outcome(Result.MALFORMED, null);
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return new Outcome(Result.MALFORMED, null);
    }
    return check(decoded.substring(0, colon), decoded.substring(colon + 1));
  }

  Outcome check(String user, String password) {
    String hash = users.get(user);
    if (hash == null) {
      bcrypt(dummyHash(), password); // same work as for a real user; the result is ignored
      return new Outcome(Result.INVALID, null);
    }
    byte[] mac = mac(user, password, hash);
    byte[] known = verified.get(user);
    if (known != null && MessageDigest.isEqual(known, mac)) {
      return new Outcome(Result.OK, user);
    }
    if (!bcrypt(hash, password)) {
      return new Outcome(Result.INVALID, null);
    }
    verified.put(user, mac);
    return new Outcome(Result.OK, user);
  }

  /** Number of remembered verifications (at most the number of users). */
  int cached() {
    return verified.size();
  }

  private static boolean bcrypt(String hash, String password) {
    char[] pw = password.toCharArray();
    try {
      return OpenBSDBCrypt.checkPassword(hash, pw);
    } catch (RuntimeException e) {
      return false; // e.g. a password over bcrypt's 72 bytes: not a match
    } finally {
      java.util.Arrays.fill(pw, '\0');
    }
  }

  private String dummyHash() {
    String h = dummyHash;
    if (h == null) {
      byte[] salt = new byte[16];
      SecureRandom r = new SecureRandom();
      r.nextBytes(salt);
      char[] pw = Long.toHexString(r.nextLong()).toCharArray();
      h = OpenBSDBCrypt.generate("2y", pw, salt, dummyCost);
      dummyHash = h;
    }
    return h;
  }

  private byte[] mac(String user, String password, String hash) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(macKey);
      m.update(user.getBytes(StandardCharsets.UTF_8));
      m.update((byte) 0);
      m.update(password.getBytes(StandardCharsets.UTF_8));
      m.update((byte) 0);
      return m.doFinal(hash.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 missing from the JVM", e);
    }
  }
}
