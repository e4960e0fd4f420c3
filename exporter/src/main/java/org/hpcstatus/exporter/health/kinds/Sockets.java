package org.hpcstatus.exporter.health.kinds;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.CheckException;
import org.hpcstatus.exporter.health.HostPort;

/** Plain or TLS sockets with the check's deadline as connect and read timeout. */
final class Sockets {
  private Sockets() {}

  /**
   * Connects (DNS, TCP, and with {@code tls} not null the TLS handshake, verifying the certificate against
   * {@link ClientTls#name} unless insecure); the caller closes the socket.
   */
  static Socket connect(CheckContext ctx, HostPort hp, ClientTls tls) throws IOException, CheckException {
    ClientTls.Material trust = tls == null ? null : tls.material(); // before connecting: an unreadable CA file is tls
    InetAddress addr = InetAddress.getByName(hp.host());
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(addr, hp.port()), ctx.remainingMillis());
      s.setSoTimeout(ctx.remainingMillis());
      if (tls == null) {
        return s;
      }
      SSLSocket ssl = (SSLSocket) trust.factory().createSocket(s, tls.name(hp.host()), hp.port(), true);
      if (!tls.insecure()) {
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(p);
      }
      ssl.setSoTimeout(ctx.remainingMillis());
      try {
        ssl.startHandshake();
      } catch (javax.net.ssl.SSLException | java.net.SocketTimeoutException e) {
        throw e;
      } catch (IOException e) {
        // a plain-text server that resets or closes on our ClientHello: a TLS problem, not "refused"
        throw new javax.net.ssl.SSLHandshakeException("TLS handshake failed (" + e.getClass().getSimpleName()
            + ": " + e.getMessage() + "); is the port plain text?");
      }
      return ssl;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** Expiry (epoch seconds) of the peer's leaf certificate, or null for plain sockets. */
  static Double certExpiry(Socket s) {
    if (s instanceof SSLSocket ssl) {
      try {
        Certificate[] certs = ssl.getSession().getPeerCertificates();
        if (certs.length > 0 && certs[0] instanceof X509Certificate x) {
          return x.getNotAfter().getTime() / 1000.0;
        }
      } catch (IOException e) {
        return null;
      }
    }
    return null;
  }

  /** Accepts any certificate: only for checks configured with {@code tls_insecure_skip_verify}. */
  static final X509TrustManager TRUST_ALL = new X509TrustManager() {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  };

  static SSLSocketFactory insecureFactory() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {TRUST_ALL}, new SecureRandom());
      return ctx.getSocketFactory();
    } catch (Exception e) {
      throw new IllegalStateException("cannot set up TLS", e);
    }
  }
}
