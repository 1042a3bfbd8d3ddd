package io.hybridmesh.agent.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code GET /metrics} (Prometheus text format 0.0.4) with the JDK's HTTP server: no dependency,
 * one daemon thread, since scrapes come every few seconds, not thousands per second.
 */
public final class MetricsServer implements AutoCloseable {

  /** Hubble's metrics port. */
  public static final int DEFAULT_PORT = 9965;
  public static final String DEFAULT_HOST = "localhost";

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts serving {@code body} on host:port (port 0 = any free port, see {@link #port()}). */
  public static MetricsServer start(String host, int port, Supplier<String> body) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "hmesh-metrics-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/metrics", exchange -> serve(exchange, body));
    server.createContext("/", exchange -> reply(exchange, 404, "text/plain; charset=utf-8",
        "metrics are at /metrics\n"));
    server.start();
    return new MetricsServer(server, executor);
  }

  public static MetricsServer start(String host, int port, FlowMetrics metrics) throws IOException {
    return start(host, port, metrics::render);
  }

  private static void serve(HttpExchange exchange, Supplier<String> body) throws IOException {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      reply(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n");
      return;
    }
    String text;
    try {
      text = body.get();
    } catch (RuntimeException e) {
      reply(exchange, 500, "text/plain; charset=utf-8", "cannot render metrics: " + e + "\n");
      return;
    }
    reply(exchange, 200, TextFormat.CONTENT_TYPE, text);
  }

  private static void reply(HttpExchange exchange, int status, String type, String text) throws IOException {
    try (exchange) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
