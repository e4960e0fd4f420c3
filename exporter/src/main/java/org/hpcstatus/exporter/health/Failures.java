package org.hpcstatus.exporter.health;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.eclipse.paho.client.mqttv3.MqttException;

/** Maps exceptions from drivers and sockets to the bounded {@link Reason} set. */
public final class Failures {
  private Failures() {}

  public static Reason classify(Throwable e) {
    Reason fromSql = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CheckException c) {
        return c.reason();
      }
      if (t instanceof SSLException) {
        return Reason.TLS;
      }
      if (t instanceof UnknownHostException) {
        return Reason.DNS;
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return Reason.REFUSED;
      }
      if (t instanceof SocketTimeoutException || t instanceof TimeoutException
          || t instanceof InterruptedException || t instanceof ClosedByInterruptException) {
        return Reason.TIMEOUT;
      }
      if (t instanceof InterruptedIOException) {
        // OkHttp's call timeout ("timeout") and interrupted I/O
        return Reason.TIMEOUT;
      }
      if (t instanceof MqttException m) {
        Reason r = mqtt(m);
        if (r != null) {
          return r;
        }
      }
      if (t instanceof SQLException s && fromSql == null) {
        fromSql = sql(s);
      }
      if (t instanceof EOFException || t instanceof ProtocolException) {
        return fromSql != null ? fromSql : Reason.PROTOCOL;
      }
      if (t instanceof SocketException se) {
        String m = String.valueOf(se.getMessage()).toLowerCase();
        if (m.contains("reset") || m.contains("refused") || m.contains("broken pipe")) {
          return Reason.REFUSED;
        }
      }
    }
    return fromSql != null ? fromSql : Reason.PROTOCOL;
  }

  private static Reason mqtt(MqttException m) {
    return switch (m.getReasonCode()) {
      case MqttException.REASON_CODE_FAILED_AUTHENTICATION, MqttException.REASON_CODE_NOT_AUTHORIZED -> Reason.AUTH;
      case MqttException.REASON_CODE_CLIENT_TIMEOUT, MqttException.REASON_CODE_WRITE_TIMEOUT -> Reason.TIMEOUT;
      case MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION, MqttException.REASON_CODE_INVALID_MESSAGE,
          MqttException.REASON_CODE_UNEXPECTED_ERROR -> Reason.PROTOCOL;
      case MqttException.REASON_CODE_BROKER_UNAVAILABLE -> Reason.UNHEALTHY;
      // SERVER_CONNECT_ERROR / CONNECTION_LOST: decided by the cause (refused, TLS, EOF …)
      default -> m.getCause() == null ? Reason.PROTOCOL : null;
    };
  }

  private static Reason sql(SQLException s) {
    String state = s.getSQLState();
    String msg = String.valueOf(s.getMessage()).toLowerCase();
    if (msg.contains("timed out") || msg.contains("timeout")) {
      return Reason.TIMEOUT; // pgJDBC's own connect/login timeout, racing the scheduler's
    }
    if (state == null) {
      return null;
    }
    if (state.startsWith("28")) {
      return Reason.AUTH; // invalid authorization specification / invalid password
    }
    if ("57014".equals(state)) {
      return Reason.TIMEOUT; // query canceled (statement timeout)
    }
    if ("08004".equals(state) && String.valueOf(s.getMessage()).contains("SSL")) {
      return Reason.TLS; // sslmode=require against a server without SSL
    }
    if ("08P01".equals(state)) {
      return Reason.PROTOCOL;
    }
    if (state.startsWith("57") || "53300".equals(state) || "3D000".equals(state)) {
      return Reason.UNHEALTHY; // shutting down, too many connections, database does not exist
    }
    return null;
  }

  /** A short, credential-free description of a failure for history and logs. */
  public static String describe(Throwable e) {
    if (e instanceof CheckException) {
      return e.getMessage();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String top = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage()));
    if (root != e) {
      top += " (" + root.getClass().getSimpleName()
          + (root.getMessage() == null ? "" : ": " + firstLine(root.getMessage())) + ")";
    }
    return top.length() > 300 ? top.substring(0, 300) + "…" : top;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
