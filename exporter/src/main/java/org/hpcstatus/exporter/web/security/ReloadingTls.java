package org.hpcstatus.exporter.web.security;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One SSLContext whose key and trust managers read the current {@link TlsMaterial}, so a rotated
 * certificate is served from the next handshake on without restarting the listener. The JDK server calls
 * {@link HttpsConfigurator#configure} for every new connection: that is where a change of the files is
 * noticed ({@code beforeHandshake}) and where protocols, cipher suites and client-auth mode are applied.
 *
 * <p>TLS sessions live at most {@link #SESSION_TIMEOUT_SECONDS} and cached ones are invalidated on a swap:
 * a client resuming a session skips the certificate exchange, so without this a rotated certificate or a
 * removed client CA would only take effect for resuming clients after the JDK's default 24 h. (Prometheus
 * does not resume TLS sessions at all.)
 *
 * <p>Key-manager aliases carry the material's generation, so one handshake never mixes the certificate of
 * one generation with the key of another, even if a reload lands in the middle of it.
 */
final class ReloadingTls {
  private static final int KEEP = 4;
  static final int SESSION_TIMEOUT_SECONDS = 300;

  private final Runnable beforeHandshake;
  private final Runnable clientCertRejected;
  private final SSLContext context;
  private final Map<Long, TlsMaterial> generations = new LinkedHashMap<>();
  private volatile TlsMaterial current;
  private volatile long generation;

  ReloadingTls(TlsMaterial initial, Runnable beforeHandshake, Runnable clientCertRejected) {
    this.beforeHandshake = beforeHandshake;
    this.clientCertRejected = clientCertRejected;
    swap(initial);
    try {
      context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new Keys()}, new TrustManager[] {new Trust()}, null);
      context.getServerSessionContext().setSessionTimeout(SESSION_TIMEOUT_SECONDS);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM has no TLS implementation", e);
    }
  }

  synchronized void swap(TlsMaterial m) {
    long g = generation + 1;
    generations.put(g, m);
    while (generations.size() > KEEP) {
      generations.remove(generations.keySet().iterator().next());
    }
    current = m;
    generation = g;
    if (context != null) {
      var sessions = context.getServerSessionContext();
      for (var ids = sessions.getIds(); ids.hasMoreElements(); ) {
        var session = sessions.getSession(ids.nextElement());
        if (session != null) {
          session.invalidate();
        }
      }
    }
  }

  TlsMaterial current() {
    return current;
  }

  private synchronized TlsMaterial byGeneration(long g) {
    return generations.get(g);
  }

  HttpsConfigurator configurator() {
    return new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        beforeHandshake.run();
        params.setSSLParameters(parameters(current));
      }
    };
  }

  SSLParameters parameters(TlsMaterial m) {
    SSLParameters p = context.getDefaultSSLParameters();
    List<String> supported = List.of(context.getSupportedSSLParameters().getProtocols());
    p.setProtocols(m.config().protocols().stream().filter(supported::contains).toArray(String[]::new));
    if (!m.cipherSuites().isEmpty()) {
      p.setCipherSuites(m.cipherSuites().toArray(new String[0]));
    }
    p.setUseCipherSuitesOrder(m.config().preferServerCipherSuites());
    WebConfig.ClientAuth ca = m.config().clientAuth();
    if (ca.need) {
      p.setNeedClientAuth(true);
    } else if (ca.want) {
      p.setWantClientAuth(true);
    }
    return p;
  }

  /** Delegates to the current generation's key manager; aliases are {@code <generation>:<alias>}. */
  private final class Keys extends X509ExtendedKeyManager {
    private String choose(String alias, long g) {
      return alias == null ? null : g + ":" + alias;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      long g = generation;
      TlsMaterial m = byGeneration(g);
      return m == null ? null : choose(m.keyManager().chooseEngineServerAlias(keyType, issuers, engine), g);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      long g = generation;
      TlsMaterial m = byGeneration(g);
      return m == null ? null : choose(m.keyManager().chooseServerAlias(keyType, issuers, socket), g);
    }

    private TlsMaterial of(String alias) {
      int i = alias == null ? -1 : alias.indexOf(':');
      if (i <= 0) {
        return null;
      }
      try {
        return byGeneration(Long.parseLong(alias.substring(0, i)));
      } catch (NumberFormatException e) {
        return null;
      }
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      TlsMaterial m = of(alias);
      return m == null ? null : m.keyManager().getCertificateChain(alias.substring(alias.indexOf(':') + 1));
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      TlsMaterial m = of(alias);
      return m == null ? null : m.keyManager().getPrivateKey(alias.substring(alias.indexOf(':') + 1));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      long g = generation;
      TlsMaterial m = byGeneration(g);
      String[] a = m == null ? null : m.keyManager().getServerAliases(keyType, issuers);
      if (a == null) {
        return null;
      }
      String[] out = new String[a.length];
      for (int i = 0; i < a.length; i++) {
        out[i] = g + ":" + a[i];
      }
      return out;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }

  /** Client certificates: verified against client_ca_file, or accepted as-is, per client_auth_type. */
  private final class Trust extends X509ExtendedTrustManager {
    private void check(X509Certificate[] chain, String authType, SSLEngine engine, Socket socket)
        throws CertificateException {
      TlsMaterial m = current;
      try {
        if (m.config().clientAuth().verify) {
          if (m.trustManager() == null) {
            throw new CertificateException("no client CA configured");
          }
          if (engine != null) {
            m.trustManager().checkClientTrusted(chain, authType, engine);
          } else {
            m.trustManager().checkClientTrusted(chain, authType, socket);
          }
        }
        if (!m.config().allowedSans().isEmpty() && !sanAllowed(chain[0], m.config().allowedSans())) {
          throw new CertificateException("client certificate has none of the allowed subject alternative names");
        }
      } catch (CertificateException | RuntimeException e) {
        clientCertRejected.run();
        throw e;
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      check(chain, authType, engine, null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      check(chain, authType, null, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      check(chain, authType, null, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      throw new CertificateException("server side only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      throw new CertificateException("server side only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("server side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      TlsMaterial m = current;
      return m.trustManager() == null ? new X509Certificate[0] : m.trustManager().getAcceptedIssuers();
    }
  }

  /** Whether the leaf has one of {@code allowed} as a DNS, e-mail, IP or URI subject alternative name. */
  static boolean sanAllowed(X509Certificate leaf, List<String> allowed) {
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans == null) {
        return false;
      }
      List<String> names = new ArrayList<>();
      for (List<?> san : sans) {
        if (san.size() >= 2 && san.get(1) instanceof String s) {
          names.add(s);
        }
      }
      return names.stream().anyMatch(allowed::contains);
    } catch (CertificateParsingException e) {
      return false;
    }
  }
}
