package io.hybridmesh.agent.observer;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Serves an {@link ObserverService} on a gRPC server. Tests pass an in-process builder; the agent uses
 * {@link #tcp(String, int, ObserverService)} ({@code localhost:4245} by default, like Hubble).
 */
public final class ObserverServer implements AutoCloseable {
  public static final String DEFAULT_HOST = "localhost";
  public static final int DEFAULT_PORT = 4245;

  private final ObserverService service;
  private final Server server;
  private boolean started;

  public ObserverServer(ServerBuilder<?> builder, ObserverService service) {
    this.service = service;
    this.server = builder.addService(service).build();
  }

  /** A plaintext TCP server on host:port (port 0 = any free port; see {@link #port()} after start). */
  public static ObserverServer tcp(String host, int port, ObserverService service) {
    return new ObserverServer(NettyServerBuilder.forAddress(new InetSocketAddress(host, port)), service);
  }

  /**
   * A TCP server with these credentials: in a cluster, TLS that accepts only the relay's client certificate,
   * since every flow of the node can be read here.
   */
  public static ObserverServer tcp(String host, int port, ObserverService service, ServerCredentials credentials) {
    return new ObserverServer(NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials), service);
  }

  /** A TCP server on localhost:4245. */
  public static ObserverServer tcp(ObserverService service) {
    return tcp(DEFAULT_HOST, DEFAULT_PORT, service);
  }

  public synchronized ObserverServer start() throws IOException {
    if (!started) {
      server.start();
      started = true;
    }
    return this;
  }

  /** The bound port (for TCP servers), or -1. */
  public int port() {
    return server.getPort();
  }

  public ObserverService service() {
    return service;
  }

  /** Ends every stream, then shuts the server down, waiting up to {@code timeout} before forcing it. */
  public synchronized void stop(long timeout, TimeUnit unit) throws InterruptedException {
    service.close();
    server.shutdown();
    if (!server.awaitTermination(timeout, unit)) {
      server.shutdownNow();
      server.awaitTermination(timeout, unit);
    }
  }

  /** {@link #stop(long, TimeUnit)} with five seconds. */
  @Override
  public void close() {
    try {
      stop(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }
}
