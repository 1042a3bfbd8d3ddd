package io.hybridmesh.api.tls;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

/** gRPC credentials from our key managers and CA certificates (grpc-api only, any transport). */
public final class TlsCredentials {

  private TlsCredentials() {}

  /** A server that proves who it is and asks nothing of its clients. */
  public static ServerCredentials server(ReloadingKeyManager key) {
    return TlsServerCredentials.newBuilder().keyManager(key).build();
  }

  /**
   * A server that accepts only clients with a certificate signed by {@code cas} that names {@code client}
   * (common name or DNS name): the agents' Observer API, which the relay alone may read.
   */
  public static ServerCredentials mutual(ReloadingKeyManager key, List<X509Certificate> cas, String client) {
    return TlsServerCredentials.newBuilder().keyManager(key)
        .trustManager(new NamedClient(trustManager(cas), client))
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build();
  }

  /** A client that trusts {@code cas} and, when {@code key} is not null, presents that certificate. */
  public static ChannelCredentials channel(List<X509Certificate> cas, ReloadingKeyManager key) {
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(trustManager(cas));
    if (key != null) {
      b.keyManager(key);
    }
    return b.build();
  }

  public static X509TrustManager trustManager(List<X509Certificate> cas) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("the JDK offers no X.509 trust manager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build a trust store: " + e.getMessage(), e);
    }
  }

  /** The client's leaf must name {@code client}: any certificate of the CA would otherwise do. */
  static final class NamedClient extends X509ExtendedTrustManager {
    private final X509TrustManager delegate;
    private final String client;

    NamedClient(X509TrustManager delegate, String client) {
      this.delegate = delegate;
      this.client = client;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
      requireName(chain[0]);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }

    private void requireName(X509Certificate leaf) throws CertificateException {
      if (names(leaf).contains(client)) {
        return;
      }
      throw new CertificateException("the client certificate " + leaf.getSubjectX500Principal().getName()
          + " is not " + client + "'s: only " + client + " may connect here");
    }
  }

  /** The common name and DNS names a certificate carries. */
  static List<String> names(X509Certificate c) throws CertificateParsingException {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String part : c.getSubjectX500Principal().getName(X500Principal.RFC2253).split(",")) {
      if (part.startsWith("CN=")) {
        out.add(part.substring(3));
      }
    }
    if (c.getSubjectAlternativeNames() != null) {
      for (List<?> san : c.getSubjectAlternativeNames()) {
        if (Integer.valueOf(2).equals(san.get(0))) {
          out.add(String.valueOf(san.get(1)));
        }
      }
    }
    return out;
  }
}
