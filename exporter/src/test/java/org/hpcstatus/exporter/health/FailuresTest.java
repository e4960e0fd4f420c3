package org.hpcstatus.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void classifiesByCauseChain() {
    assertThat(Failures.classify(new IOException("x", new ConnectException("refused")))).isEqualTo(Reason.REFUSED);
    assertThat(Failures.classify(new SocketException("Connection reset"))).isEqualTo(Reason.REFUSED);
    assertThat(Failures.classify(new SocketTimeoutException("Read timed out"))).isEqualTo(Reason.TIMEOUT);
    assertThat(Failures.classify(new InterruptedIOException("timeout"))).isEqualTo(Reason.TIMEOUT);
    assertThat(Failures.classify(new UnknownHostException("db.invalid"))).isEqualTo(Reason.DNS);
    assertThat(Failures.classify(new SSLHandshakeException("PKIX path building failed"))).isEqualTo(Reason.TLS);
    assertThat(Failures.classify(new EOFException())).isEqualTo(Reason.PROTOCOL);
    assertThat(Failures.classify(new IllegalStateException("bug"))).isEqualTo(Reason.PROTOCOL);
    assertThat(Failures.classify(new CheckException(Reason.UNHEALTHY, "503"))).isEqualTo(Reason.UNHEALTHY);
  }

  @Test
  void sqlStates() {
    assertThat(Failures.classify(new SQLException("password authentication failed", "28P01"))).isEqualTo(Reason.AUTH);
    assertThat(Failures.classify(new SQLException("database \"x\" does not exist", "3D000"))).isEqualTo(Reason.UNHEALTHY);
    assertThat(Failures.classify(new SQLException("the database system is shutting down", "57P03")))
        .isEqualTo(Reason.UNHEALTHY);
    assertThat(Failures.classify(new SQLException("canceling statement due to statement timeout", "57014")))
        .isEqualTo(Reason.TIMEOUT);
    assertThat(Failures.classify(new SQLException("The server does not support SSL.", "08004"))).isEqualTo(Reason.TLS);
    assertThat(Failures.classify(new SQLException("Connection refused", "08001", new ConnectException("refused"))))
        .isEqualTo(Reason.REFUSED);
  }

  @Test
  void mqttReasonCodes() {
    assertThat(Failures.classify(new MqttException(MqttException.REASON_CODE_FAILED_AUTHENTICATION))).isEqualTo(Reason.AUTH);
    assertThat(Failures.classify(new MqttException(MqttException.REASON_CODE_NOT_AUTHORIZED))).isEqualTo(Reason.AUTH);
    assertThat(Failures.classify(new MqttException(MqttException.REASON_CODE_CLIENT_TIMEOUT))).isEqualTo(Reason.TIMEOUT);
    assertThat(Failures.classify(new MqttException(MqttException.REASON_CODE_SERVER_CONNECT_ERROR,
        new ConnectException("refused")))).isEqualTo(Reason.REFUSED);
  }

  @Test
  void describeIsShortAndNamesTheRootCause() {
    String d = Failures.describe(new IOException("outer\nsecond line", new SocketTimeoutException("Read timed out")));
    assertThat(d).isEqualTo("IOException: outer (SocketTimeoutException: Read timed out)");
    assertThat(Failures.describe(new RuntimeException("x".repeat(1000)))).hasSizeLessThan(310);
  }

  @Test
  void secretsComeFromEnvOrFileAndAreScrubbed() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("pw", ".txt");
    java.nio.file.Files.writeString(f, "s3cr3t-from-file\n");
    Secrets s = new Secrets(java.util.Map.of("PW", "s3cr3t-from-env"));
    assertThat(s.read("PW", null)).isEqualTo("s3cr3t-from-env");
    assertThat(s.read(null, f.toString())).isEqualTo("s3cr3t-from-file");
    assertThat(s.read(null, null)).isNull();
    CheckException missing = org.assertj.core.api.Assertions.catchThrowableOfType(CheckException.class,
        () -> s.read("NOPE", null));
    assertThat(missing.reason()).isEqualTo(Reason.AUTH);
    assertThat(Secrets.scrub("login s3cr3t-from-env failed", "s3cr3t-from-env")).isEqualTo("login *** failed");
  }
}
