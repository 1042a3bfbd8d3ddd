package io.hybridmesh.controller.security;

import io.hybridmesh.api.tls.ReloadingKeyManager;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One identity of the controller (the relay and xDS server's certificate, which is also the relay's client
 * certificate towards the agents), issued by the CA and issued again when two thirds of its life are gone.
 * The new pair goes into the {@link ReloadingKeyManager} the servers and channels use: new handshakes get
 * it, connections already up keep theirs, so no follower is dropped by a rotation.
 */
public final class RotatingCertificate implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RotatingCertificate.class.getName());

  private final CertificateAuthority ca;
  private final String commonName;
  private final List<String> dnsNames;
  private final Duration lifetime;
  private final Clock clock;
  private final ReloadingKeyManager keys;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "hmesh-cert-rotation");
    t.setDaemon(true);
    return t;
  });

  public RotatingCertificate(CertificateAuthority ca, String commonName, List<String> dnsNames, Duration lifetime,
      Clock clock) {
    this.ca = ca;
    this.commonName = commonName;
    this.dnsNames = List.copyOf(dnsNames);
    this.lifetime = lifetime;
    this.clock = clock;
    KeyPair pair = CertificateAuthority.newKeyPair();
    this.keys = new ReloadingKeyManager(pair.getPrivate(), List.of(issue(pair)));
  }

  /** Starts renewing at two thirds of each certificate's life. */
  public RotatingCertificate start() {
    schedule();
    return this;
  }

  public ReloadingKeyManager keys() {
    return keys;
  }

  /** A new key and certificate now; the next handshakes use them. */
  public X509Certificate rotate() {
    KeyPair pair = CertificateAuthority.newKeyPair();
    X509Certificate cert = issue(pair);
    keys.update(pair.getPrivate(), List.of(cert));
    LOG.info("rotated the certificate of " + commonName + "; valid until " + cert.getNotAfter().toInstant());
    return cert;
  }

  /** When the current certificate is renewed: two thirds into its life. */
  public static Instant renewalTime(X509Certificate cert) {
    Instant from = cert.getNotBefore().toInstant();
    Instant to = cert.getNotAfter().toInstant();
    return from.plus(Duration.between(from, to).multipliedBy(2).dividedBy(3));
  }

  private X509Certificate issue(KeyPair pair) {
    return ca.issue(pair.getPublic(), commonName, dnsNames, List.of(), lifetime,
        CertificateAuthority.Usage.SERVER_AND_CLIENT);
  }

  private void schedule() {
    long delay = Math.max(1000, Duration.between(clock.instant(), renewalTime(keys.leaf())).toMillis());
    timer.schedule(() -> {
      try {
        rotate();
      } catch (RuntimeException e) {
        LOG.warning("could not rotate the certificate of " + commonName + ": " + e.getMessage() + "; retrying");
      }
      schedule();
    }, delay, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
