package io.hybridmesh.peers.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A grpc-java server or client on Netty, for kernel tests: TLS through netty-tcnative's BoringSSL
 * ({@link SslProvider#OPENSSL}; it refuses to start without it), or h2c with {@code --plaintext}.
 *
 * <pre>
 * GrpcPeer server PORT (CERT.pem KEY.pem | --plaintext)
 * GrpcPeer client HOST PORT (--tls | --plaintext) STEP...
 * </pre>
 *
 * Both print {@code ready pid=PID tls=...} once their TLS library is loaded (before any connection), and
 * the client then runs its steps over one channel, one connection ({@link ClientScript} lists them),
 * printing a line per step. Output is line-buffered on stdout; errors go to stderr with exit code 2.
 */
public final class GrpcPeer {

  private GrpcPeer() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 3 && args[0].equals("server")) {
      serve(Integer.parseInt(args[1]), Arrays.copyOfRange(args, 2, args.length));
    } else if (args.length >= 4 && args[0].equals("client")) {
      call(args[1], Integer.parseInt(args[2]), args[3], Arrays.copyOfRange(args, 4, args.length));
    } else {
      System.err.println("usage: GrpcPeer server PORT (CERT KEY | --plaintext)"
          + " | GrpcPeer client HOST PORT (--tls | --plaintext) STEP...");
      System.exit(2);
    }
  }

  private static void serve(int port, String[] tls) throws Exception {
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(port))
        .addService(EchoService.definition());
    boolean plaintext = tls[0].equals("--plaintext");
    if (!plaintext) {
      requireTcnative();
      builder.sslContext(GrpcSslContexts.configure(
          SslContextBuilder.forServer(new File(tls[0]), new File(tls[1])), SslProvider.OPENSSL).build());
    }
    Server server = builder.build().start();
    ready(plaintext);
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
    server.awaitTermination();
  }

  private static void call(String host, int port, String mode, String[] steps) throws Exception {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(host, port);
    boolean plaintext = mode.equals("--plaintext");
    if (plaintext) {
      builder.usePlaintext();
    } else {
      requireTcnative();
      // The tests' server has a throw-away self-signed certificate: trust it without a chain.
      SslContext tls = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.OPENSSL)
          .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
      builder.sslContext(tls);
    }
    ready(plaintext);
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    ManagedChannel channel = builder.build();
    try {
      new ClientScript(channel, stdin, System.out).run(steps);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Loads netty-tcnative now (Netty extracts its library to a temporary file and loads it), or fails. */
  private static void requireTcnative() {
    OpenSsl.ensureAvailability();
  }

  private static void ready(boolean plaintext) {
    String tls = plaintext ? "none" : "OPENSSL " + OpenSsl.versionString();
    System.out.println("ready pid=" + ProcessHandle.current().pid() + " tls=" + tls);
    System.out.flush();
  }
}
