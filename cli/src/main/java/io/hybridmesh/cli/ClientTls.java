package io.hybridmesh.cli;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.hybridmesh.api.tls.Pem;
import io.hybridmesh.api.tls.ReloadingKeyManager;
import io.hybridmesh.api.tls.TlsCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import picocli.CommandLine.Option;

/**
 * The TLS flags of {@code hmesh observe} and {@code hmesh report}, as {@code hubble observe} spells them, and
 * the channel they describe. Also turns a TLS mismatch (plaintext against a TLS port, or the reverse, or an
 * untrusted certificate) into one sentence that names the flag to use.
 */
final class ClientTls {

  @Option(names = "--tls", description = "Connect over TLS (the relay in a cluster serves TLS by default).")
  boolean tls;

  @Option(names = "--tls-ca-cert-files", paramLabel = "FILE", split = ",",
      description = "CA certificates (PEM) to trust, e.g. the ca.crt of Secret hybrid-mesh-ca; repeat or separate "
          + "with commas (default: the JDK's trusted CAs).")
  List<Path> caCertFiles = List.of();

  @Option(names = "--tls-client-cert-file", paramLabel = "FILE", description = "Client certificate chain (PEM).")
  Path clientCertFile;

  @Option(names = "--tls-client-key-file", paramLabel = "FILE", description = "Its key (PKCS#8 PEM).")
  Path clientKeyFile;

  @Option(names = "--tls-server-name", paramLabel = "NAME",
      description = "The name the server's certificate must carry, when it is not the --server host (through "
          + "kubectl port-forward: hybrid-mesh-controller.hybrid-mesh.svc).")
  String serverName;

  @Option(names = "--tls-allow-insecure", description = "TLS without checking the server's certificate: "
      + "encrypted, but anyone in the middle can read it. For tests only.")
  boolean allowInsecure;

  /** Any TLS flag implies --tls. */
  boolean enabled() {
    return tls || !caCertFiles.isEmpty() || clientCertFile != null || clientKeyFile != null || serverName != null
        || allowInsecure;
  }

  /** The channel to {@code target} the flags ask for. */
  ManagedChannel channel(String target) {
    if (!enabled()) {
      return ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    }
    var builder = Grpc.newChannelBuilder(target, credentials());
    if (serverName != null) {
      builder.overrideAuthority(serverName);
    }
    return builder.build();
  }

  ChannelCredentials credentials() {
    if ((clientCertFile == null) != (clientKeyFile == null)) {
      throw new IllegalArgumentException("--tls-client-cert-file and --tls-client-key-file go together");
    }
    try {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
      if (allowInsecure) {
        b.trustManager(new TrustManager[] {new TrustEveryone()});
      } else if (!caCertFiles.isEmpty()) {
        List<X509Certificate> cas = new ArrayList<>();
        for (Path f : caCertFiles) {
          cas.addAll(Pem.certificates(Files.readString(f)));
        }
        b.trustManager(TlsCredentials.trustManager(cas));
      }
      if (clientCertFile != null) {
        b.keyManager(new ReloadingKeyManager(Pem.privateKey(Files.readString(clientKeyFile)),
            Pem.certificates(Files.readString(clientCertFile))));
      }
      return b.build();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read a --tls-* file: " + e.getMessage(), e);
    }
  }

  /**
   * A sentence for a failure caused by TLS on one side and not the other, or by an unchecked certificate;
   * null when the failure is something else.
   */
  String mismatch(Status s, String server) {
    String text = (s.getDescription() == null ? "" : s.getDescription()) + " " + causes(s.getCause());
    String low = text.toLowerCase(Locale.ROOT);
    if (!enabled() && (s.getCode() == Status.Code.UNAVAILABLE || s.getCode() == Status.Code.INTERNAL)
        && (low.contains("first received frame was not settings") || low.contains("http2exception")
            || low.contains("network closed for unknown reason") || low.contains("connection reset")
            || low.contains("ssl") || low.contains("tls"))) {
      return server + " speaks TLS (a cluster's relay does by default); add --tls, with --tls-ca-cert-files "
          + "ca.crt (from Secret hybrid-mesh-ca) and, through a port-forward, --tls-server-name "
          + "hybrid-mesh-controller.hybrid-mesh.svc";
    }
    if (enabled() && low.contains("not an ssl/tls record")) {
      return server + " does not speak TLS (a demo or a standalone agent serves plaintext on loopback); drop --tls";
    }
    if (enabled() && (low.contains("pkix") || low.contains("certificate_unknown")
        || low.contains("unable to find valid certification path"))) {
      return "the certificate of " + server + " is not signed by a CA this client trusts; pass the CA with "
          + "--tls-ca-cert-files (the ca.crt of Secret hybrid-mesh-ca in a cluster)";
    }
    if (enabled() && (low.contains("no subject alternative") || low.contains("hostname")
        || low.contains("subject alternative names"))) {
      return "the certificate of " + server + " does not name that host; pass the name it carries with "
          + "--tls-server-name (hybrid-mesh-controller.hybrid-mesh.svc for the relay)";
    }
    if (enabled() && (low.contains("bad_certificate") || low.contains("certificate_required"))) {
      return server + " wants a client certificate it accepts; pass --tls-client-cert-file and "
          + "--tls-client-key-file";
    }
    return null;
  }

  private static String causes(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; t != null && i < 8; i++, t = t.getCause()) {
      sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(' ');
    }
    return sb.toString();
  }

  /** --tls-allow-insecure: every certificate passes. */
  private static final class TrustEveryone implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) { }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) { }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
