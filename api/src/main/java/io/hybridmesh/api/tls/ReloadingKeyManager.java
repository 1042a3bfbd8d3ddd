package io.hybridmesh.api.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * One key and certificate chain that can be replaced while servers and channels use it: each new TLS
 * handshake takes the current pair, connections already up keep theirs. This is how certificates rotate
 * before they expire without a restart and without dropping anyone connected.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {

  private static final String ALIAS = "hmesh";

  private record Identity(PrivateKey key, X509Certificate[] chain) {}

  private volatile Identity current;

  public ReloadingKeyManager(PrivateKey key, List<X509Certificate> chain) {
    update(key, chain);
  }

  /** Takes effect at the next handshake. */
  public void update(PrivateKey key, List<X509Certificate> chain) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a certificate chain needs at least the leaf");
    }
    current = new Identity(key, chain.toArray(X509Certificate[]::new));
  }

  /** The leaf certificate handshakes present now. */
  public X509Certificate leaf() {
    return current.chain()[0];
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return matches(keyType) ? ALIAS : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return matches(keyType) ? ALIAS : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return current.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return current.key();
  }

  /** TLS 1.2 asks per key type; an EC key must not be offered for an RSA suite. */
  private boolean matches(String keyType) {
    String algorithm = current.key().getAlgorithm();
    return keyType == null || keyType.equalsIgnoreCase(algorithm)
        || (algorithm.equals("EC") && keyType.startsWith("EC"));
  }
}
