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

  private static final java.util.regex.Pattern URL_USERINFO =
      java.util.regex.Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@\\s]*@");

  /**
   * Removes credentials a driver may have copied from the target into a message (Paho, for one, names
   * the server URI): the target's {@code user:password@} part wherever it appears (also URL-decoded),
   * and the userinfo of any URL. The validator rejects such targets; this is the second line, for
   * programmatic configs and drivers that echo URLs.
   */
  public static String redact(String message, String target) {
    if (message == null) {
      return null;
    }
    String m = message;
    String ui = userInfo(target);
    if (ui != null) {
      m = m.replace(ui, "***");
      try {
        String decoded = java.net.URLDecoder.decode(ui, java.nio.charset.StandardCharsets.UTF_8);
        if (!decoded.isEmpty()) {
          m = m.replace(decoded, "***");
        }
      } catch (IllegalArgumentException e) {
        // not URL-encoded
      }
      int colon = ui.indexOf(':');
      if (colon >= 0 && ui.length() - colon > 4) {
        m = m.replace(ui.substring(colon + 1), "***"); // the password alone
      }
    }
    return URL_USERINFO.matcher(m).replaceAll("$1***@");
  }

  /** The {@code user[:password]} before {@code @} in a URL or host:port target, or null. */
  static String userInfo(String target) {
    if (target == null) {
      return null;
    }
    int start = target.indexOf("://");
    start = start < 0 ? 0 : start + 3;
    int end = target.length();
    for (char c : new char[] {'/', '?', '#'}) {
      int i = target.indexOf(c, start);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    int at = target.lastIndexOf('@', end - 1);
    return at < start || at == start ? null : target.substring(start, at);
  }

  /** A short, credential-free description of a failure for history and logs. */
  public static String describe(Throwable e) {
    return describe(e, null);
  }

  /** As {@link #describe(Throwable)}, with {@link #redact} applied before shortening (no half-cut secrets). */
  public static String describe(Throwable e, String target) {
    if (e instanceof CheckException) {
      return redact(e.getMessage(), target);
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
    top = redact(top, target);
    return top.length() > 300 ? top.substring(0, 300) + "…" : top;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
