package org.hpcstatus.exporter.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

class BasicAuthTest {
  static String hash(String password) {
    byte[] salt = new byte[16];
    new java.security.SecureRandom().nextBytes(salt);
    return OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 4);
  }

  static String header(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private final BasicAuth auth = new BasicAuth(Map.of("prometheus", hash("s3cret:with colon"), "ops", hash("pässwörd")));

  @Test
  void rightPasswordsPass() {
    assertThat(auth.check(header("prometheus", "s3cret:with colon")).result()).isEqualTo(BasicAuth.Result.OK);
    assertThat(auth.check(header("ops", "pässwörd"))).isEqualTo(new BasicAuth.Outcome(BasicAuth.Result.OK, "ops"));
    assertThat(auth.check("basic " + header("ops", "pässwörd").substring(6)).result()).isEqualTo(BasicAuth.Result.OK);
  }

  @Test
  void wrongUnknownMissingAndMalformedAreTold() {
    assertThat(auth.check(header("prometheus", "s3cret")).result()).isEqualTo(BasicAuth.Result.INVALID);
    assertThat(auth.check(header("nobody", "s3cret:with colon")).result()).isEqualTo(BasicAuth.Result.INVALID);
    assertThat(auth.check(header("prometheus", "x".repeat(200))).result()).isEqualTo(BasicAuth.Result.INVALID);
    assertThat(auth.check((String) null).result()).isEqualTo(BasicAuth.Result.MISSING);
    assertThat(auth.check("  ").result()).isEqualTo(BasicAuth.Result.MISSING);
    assertThat(auth.check("Bearer abc").result()).isEqualTo(BasicAuth.Result.MALFORMED);
    assertThat(auth.check("Basic !!!notbase64").result()).isEqualTo(BasicAuth.Result.MALFORMED);
    assertThat(auth.check("Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8)))
        .result()).isEqualTo(BasicAuth.Result.MALFORMED);
  }

  @Test
  void aSuccessIsRememberedOncePerUserAndAWrongPasswordIsNotAcceptedFromTheCache() {
    assertThat(auth.cached()).isZero();
    for (int i = 0; i < 5; i++) {
      assertThat(auth.check(header("prometheus", "s3cret:with colon")).result()).isEqualTo(BasicAuth.Result.OK);
    }
    assertThat(auth.cached()).isEqualTo(1);
    assertThat(auth.check(header("prometheus", "s3cret:with colo")).result()).isEqualTo(BasicAuth.Result.INVALID);
    assertThat(auth.check(header("prometheus", "s3cret:with colon")).result()).isEqualTo(BasicAuth.Result.OK);
    assertThat(auth.cached()).isEqualTo(1);
  }

  @Test
  void noUsersMeansDisabled() {
    assertThat(new BasicAuth(Map.of()).enabled()).isFalse();
    assertThat(auth.enabled()).isTrue();
  }
}
