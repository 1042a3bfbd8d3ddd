package io.hybridmesh.cli;

import io.grpc.ManagedChannel;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.IP;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import io.hybridmesh.api.tls.ReloadingKeyManager;
import io.hybridmesh.api.tls.TlsCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/** What the TLS tests look at from outside: a user following the relay, a new handshake, the kernel's sockets. */
final class RelayProbes {

  private RelayProbes() {}

  /** A user's {@code hmesh observe -f} through the relay: the source address of each flow it receives. */
  static BlockingQueue<String> follow(ManagedChannel channel) {
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    follow(channel, seen);
    return seen;
  }

  /** The same into {@code seen}; the follower's thread, to tell whether its stream is still open. */
  static Thread follow(ManagedChannel channel, BlockingQueue<String> seen) {
    Thread follower = new Thread(() -> {
      Iterator<GetFlowsResponse> it = ObserverGrpc.newBlockingStub(channel)
          .getFlows(GetFlowsRequest.newBuilder().setFollow(true).build());
      it.forEachRemaining(r -> {
        if (r.hasFlow()) {
          seen.add(r.getFlow().getIp().getSource());
        }
        r.getFlows().getFlowsList().forEach(f -> seen.add(f.getIp().getSource()));
      });
    }, "follower");
    follower.setDaemon(true);
    follower.start();
    return follower;
  }

  /**
   * The certificate a TLS server on 127.0.0.1:{@code port} presents to a new connection, made with {@code
   * client} as the client certificate (or none).
   */
  static X509Certificate served(int port, List<X509Certificate> ca, ReloadingKeyManager client)
      throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(client == null ? null : new KeyManager[] {client},
        new TrustManager[] {TlsCredentials.trustManager(ca)}, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setEnabledProtocols(new String[] {"TLSv1.3"});
      SSLParameters p = s.getSSLParameters();
      p.setApplicationProtocols(new String[] {"h2"});
      s.setSSLParameters(p);
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  /**
   * The remote ends ("address:port", hex as the kernel writes them) of the established TCP connections whose
   * local port is {@code port}: on an agent's port, the relay's connections to it.
   */
  static Set<String> established(int port) throws IOException {
    Set<String> out = new TreeSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.exists(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String local = f[1];
        if ("01".equals(f[3]) && Integer.parseInt(local.substring(local.indexOf(':') + 1), 16) == port) {
          out.add(f[2]);
        }
      }
    }
    return out;
  }

  static Flow flow(String source) {
    return Flow.newBuilder().setNodeName("node-a").setIp(IP.newBuilder().setSource(source).setDestination("10.9.9.9"))
        .setTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(System.currentTimeMillis() / 1000)).build();
  }
}
