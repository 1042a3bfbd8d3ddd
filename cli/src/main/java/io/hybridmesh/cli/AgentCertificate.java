package io.hybridmesh.cli;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.hybridmesh.api.ca.v1.CertificateAuthorityGrpc;
import io.hybridmesh.api.ca.v1.IssueCertificateRequest;
import io.hybridmesh.api.ca.v1.IssueCertificateResponse;
import io.hybridmesh.api.tls.Pem;
import io.hybridmesh.api.tls.ReloadingKeyManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The certificate an agent's Observer API serves with, kept current: either issued by the controller (the
 * agent makes its key, sends the public half with its service-account token, and asks again at two thirds
 * of the certificate's life) or read from files another tool keeps current (cert-manager), read again when
 * they change. Either way the {@link ReloadingKeyManager} swaps it for new handshakes only.
 */
final class AgentCertificate implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger("hmesh.agent");
  static final Duration RETRY = Duration.ofSeconds(10);
  static final Duration FILE_CHECK = Duration.ofSeconds(30);

  private final ReloadingKeyManager keys;
  private final ScheduledExecutorService timer;
  /** The channel to the controller, when the certificate comes from there. */
  private AutoCloseable issuer = () -> { };

  private AgentCertificate(ReloadingKeyManager keys, ScheduledExecutorService timer) {
    this.keys = keys;
    this.timer = timer;
  }

  ReloadingKeyManager keys() {
    return keys;
  }

  /**
   * What {@code hmesh agent}'s TLS flags ask for, or null for plaintext (no {@code --tls-ca-cert-file}).
   *
   * @throws IllegalArgumentException naming the flags that do not go together
   */
  static AgentCertificate fromFlags(Path caFile, String controller, Path tokenFile, Path certFile, Path keyFile)
      throws IOException, InterruptedException {
    boolean files = certFile != null || keyFile != null;
    if (caFile == null) {
      if (files || controller != null) {
        throw new IllegalArgumentException("--tls-ca-cert-file is needed with the other --tls flags: it names the "
            + "CA whose client certificate (the relay's) the Observer API accepts");
      }
      return null;
    }
    if (files == (controller != null)) {
      throw new IllegalArgumentException("with --tls-ca-cert-file, say where the Observer API's certificate comes "
          + "from: --tls-cert-from-controller HOST:PORT, or --tls-server-cert-file and --tls-server-key-file");
    }
    if (files) {
      if (certFile == null || keyFile == null) {
        throw new IllegalArgumentException("--tls-server-cert-file and --tls-server-key-file go together");
      }
      return fromFiles(certFile, keyFile);
    }
    return fromController(controller, null, Pem.certificates(Files.readString(caFile)), tokenFile,
        Duration.ofMinutes(2));
  }

  /**
   * Asks the controller at {@code target} (TLS, trusting {@code ca}, its certificate naming {@code serverName}
   * or, when that is null, the target's host); tries until {@code patience} runs out, since the controller may
   * start after the agent.
   */
  static AgentCertificate fromController(String target, String serverName, List<X509Certificate> ca,
      Path tokenFile, Duration patience) throws InterruptedException {
    Issuer issuer = new Issuer(target, serverName, ca, tokenFile);
    Instant deadline = Instant.now().plus(patience);
    Issued first;
    while (true) {
      try {
        first = issuer.issue();
        break;
      } catch (StatusRuntimeException | IllegalStateException e) {
        if (Instant.now().isAfter(deadline)) {
          issuer.close();
          throw new IllegalStateException("cannot get the Observer API's certificate from the controller at " + target
              + ": " + message(e), e);
        }
        LOG.warning("no certificate from the controller at " + target + " yet (" + message(e) + "); retrying");
        Thread.sleep(RETRY.toMillis());
      }
    }
    ReloadingKeyManager keys = new ReloadingKeyManager(first.pair().getPrivate(), List.of(first.certificate()));
    AgentCertificate c = new AgentCertificate(keys, timer());
    c.issuer = issuer;
    c.renewAt(issuer, first.certificate());
    LOG.info("the Observer API serves with a certificate from the controller, valid until "
        + first.certificate().getNotAfter().toInstant());
    return c;
  }

  /** Reads PEM files (a certificate chain, a PKCS#8 key), and again whenever either changes. */
  static AgentCertificate fromFiles(Path certFile, Path keyFile) {
    return fromFiles(certFile, keyFile, FILE_CHECK);
  }

  /** As {@link #fromFiles(Path, Path)}, looking for changes every {@code check} (tests look more often). */
  static AgentCertificate fromFiles(Path certFile, Path keyFile, Duration check) {
    ReloadingKeyManager keys = readFiles(certFile, keyFile, null);
    AgentCertificate c = new AgentCertificate(keys, timer());
    long[] stamp = {stamp(certFile, keyFile)};
    c.timer.scheduleWithFixedDelay(() -> {
      long now = stamp(certFile, keyFile);
      if (now != stamp[0]) {
        try {
          readFiles(certFile, keyFile, keys);
          stamp[0] = now;
          LOG.info("reloaded the Observer API's certificate from " + certFile);
        } catch (IllegalArgumentException | IllegalStateException e) {
          LOG.warning("the changed certificate files cannot be read (" + e.getMessage() + "); keeping the old one");
        }
      }
    }, check.toMillis(), check.toMillis(), TimeUnit.MILLISECONDS);
    return c;
  }

  private void renewAt(Issuer issuer, X509Certificate current) {
    Instant from = current.getNotBefore().toInstant();
    Instant to = current.getNotAfter().toInstant();
    Instant at = from.plus(Duration.between(from, to).multipliedBy(2).dividedBy(3));
    long delay = Math.max(RETRY.toMillis(), Duration.between(Instant.now(), at).toMillis());
    timer.schedule(() -> {
      try {
        Issued next = issuer.issue();
        keys.update(next.pair().getPrivate(), List.of(next.certificate()));
        LOG.info("renewed the Observer API's certificate; valid until " + next.certificate().getNotAfter().toInstant());
        renewAt(issuer, next.certificate());
      } catch (RuntimeException e) {
        LOG.warning("could not renew the Observer API's certificate (" + message(e) + "); retrying");
        timer.schedule(() -> renewAt(issuer, current), RETRY.toMillis(), TimeUnit.MILLISECONDS);
      }
    }, delay, TimeUnit.MILLISECONDS);
  }

  private record Issued(KeyPair pair, X509Certificate certificate) {}

  /** One channel to the controller's certificate service, reused for every renewal. */
  private static final class Issuer implements AutoCloseable {
    private final ManagedChannel channel;
    private final Path tokenFile;

    Issuer(String target, String serverName, List<X509Certificate> ca, Path tokenFile) {
      NettyChannelBuilder b = NettyChannelBuilder.forTarget(target,
          io.hybridmesh.api.tls.TlsCredentials.channel(ca, null));
      if (serverName != null) {
        b.overrideAuthority(serverName);
      }
      this.channel = b.build();
      this.tokenFile = tokenFile;
    }

    Issued issue() {
      String token;
      try {
        // Read every time: the kubelet replaces the projected token before it expires.
        token = Files.readString(tokenFile).trim();
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the service-account token " + tokenFile + ": " + e.getMessage());
      }
      KeyPair pair = newKeyPair();
      Metadata headers = new Metadata();
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      IssueCertificateResponse r = CertificateAuthorityGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .issueCertificate(IssueCertificateRequest.newBuilder()
              .setPublicKey(ByteString.copyFrom(pair.getPublic().getEncoded())).build());
      return new Issued(pair, Pem.certificates(r.getCertificatePem()).get(0));
    }

    @Override
    public void close() {
      channel.shutdownNow();
    }
  }

  static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no EC P-256", e);
    }
  }

  private static ReloadingKeyManager readFiles(Path certFile, Path keyFile, ReloadingKeyManager into) {
    try {
      List<X509Certificate> chain = Pem.certificates(Files.readString(certFile));
      var key = Pem.privateKey(Files.readString(keyFile));
      if (into == null) {
        return new ReloadingKeyManager(key, chain);
      }
      into.update(key, chain);
      return into;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + certFile + " or " + keyFile + ": " + e.getMessage(), e);
    }
  }

  private static long stamp(Path a, Path b) {
    try {
      return Files.getLastModifiedTime(a).toMillis() * 31 + Files.getLastModifiedTime(b).toMillis();
    } catch (IOException e) {
      return -1;
    }
  }

  private static String message(Exception e) {
    return e instanceof StatusRuntimeException s ? s.getStatus().getCode() + ": " + s.getStatus().getDescription()
        : e.getMessage();
  }

  private static ScheduledExecutorService timer() {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hmesh-agent-cert");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      issuer.close();
    } catch (Exception e) {
      // closing: nothing left to do with it
    }
  }
}
