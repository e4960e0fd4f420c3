package org.hpcstatus.exporter.health.kinds;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.core.PemCertificates;
import org.hpcstatus.exporter.health.CheckException;
import org.hpcstatus.exporter.health.Reason;
import org.hpcstatus.exporter.health.ServiceCheckConfig;

/**
 * The client side of one check's TLS: whom it trusts — the JVM's trust store, exactly the CAs of
 * {@code tls_ca_file}, or anyone ({@code tls_insecure_skip_verify}) — and the name it sends as SNI and
 * verifies the certificate against ({@code tls_server_name}, else the target's host).
 *
 * <p>The CA file is read at the first check and again whenever its modification time, size or inode
 * changed (one stat per check), so a rotated bundle takes effect at the next check without a reload; a
 * new file gets a new SSLContext, so no TLS session of the old trust is resumed. A CA file that cannot be
 * read (any more) fails the check as {@code tls}, naming the file and never its content, and is read
 * again at the next check.
 */
final class ClientTls {
  private static final String KEY = "tls_ca_file";

  /** What a handshake uses: the socket factory and the trust manager behind it (null: the JVM's, unneeded). */
  record Material(SSLSocketFactory factory, X509TrustManager trust) {}

  private record Loaded(Object fileKey, long mtimeNanos, long size, Material material) {}

  private final boolean insecure;
  private final Path caFile;
  private final String serverName;
  private volatile Loaded loaded;
  private volatile Material jvmDefault;

  /** The TLS settings of a validated config (whether the check speaks TLS at all is the kind's business). */
  ClientTls(ServiceCheckConfig c) {
    this.insecure = c.tlsInsecureSkipVerify();
    this.caFile = c.tlsCaFile() == null ? null : Path.of(c.tlsCaFile());
    this.serverName = c.tlsServerName();
  }

  boolean insecure() {
    return insecure;
  }

  /** True if the trust or the name differ from what the JVM's default factory would do with the target. */
  boolean custom() {
    return !insecure && (caFile != null || serverName != null);
  }

  /** The name to send as SNI and to verify: {@code tls_server_name}, or {@code host}. */
  String name(String host) {
    return serverName != null ? serverName : host;
  }

  String serverName() {
    return serverName;
  }

  /** The current material: trust-all, the CA file's (re-read if it changed), or the JVM's default. */
  Material material() throws CheckException {
    if (insecure) {
      return new Material(Sockets.insecureFactory(), Sockets.TRUST_ALL);
    }
    if (caFile == null && serverName == null) {
      return new Material((SSLSocketFactory) SSLSocketFactory.getDefault(), null); // as before tls_ca_file existed
    }
    if (caFile == null) {
      Material m = jvmDefault; // the trust manager is only needed by OkHttp
      if (m == null) {
        m = jvmDefault = jvm();
      }
      return m;
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(caFile, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new CheckException(Reason.TLS, KEY + ": cannot read " + caFile + " (" + e.getClass().getSimpleName() + ")");
    }
    Loaded l = loaded;
    long mtime = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
    if (l != null && l.mtimeNanos == mtime && l.size == a.size() && java.util.Objects.equals(l.fileKey, a.fileKey())) {
      return l.material;
    }
    try {
      Material m = context(PemCertificates.trustManager(caFile, KEY));
      loaded = new Loaded(a.fileKey(), mtime, a.size(), m); // the stat from before the read: a later change is seen
      return m;
    } catch (ConfigException e) {
      throw new CheckException(Reason.TLS, e.getMessage()); // names the key and the file, never the content
    }
  }

  /**
   * A factory for clients that create the TLS socket themselves (OkHttp): it sends {@link #name} as SNI and
   * has the JDK verify the certificate against it in the handshake (endpoint identification).
   */
  SSLSocketFactory verifyingFactory(Material m) {
    return new NamedFactory(m.factory(), serverName);
  }

  private static Material context(X509TrustManager tm) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {tm}, null);
      return new Material(ctx.getSocketFactory(), tm);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM has no TLS implementation", e);
    }
  }

  private static Material jvm() {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return new Material(SSLContext.getDefault().getSocketFactory(), x);
        }
      }
      throw new IllegalStateException("the JVM has no X.509 trust manager");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM has no TLS implementation", e);
    }
  }

  /** Layered sockets get the configured name (SNI and verification) and HTTPS endpoint identification. */
  private static final class NamedFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final String serverName;

    NamedFactory(SSLSocketFactory delegate, String serverName) {
      this.delegate = delegate;
      this.serverName = serverName;
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
      return verifying(delegate.createSocket(s, serverName != null ? serverName : host, port, autoClose));
    }

    static Socket verifying(Socket s) {
      if (s instanceof SSLSocket ssl) {
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(p);
      }
      return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
      return verifying(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return verifying(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return verifying(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return verifying(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return verifying(delegate.createSocket(address, port, localAddress, localPort));
    }
  }
}
