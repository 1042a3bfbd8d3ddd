package io.hybridmesh.cli.ui;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.hybridmesh.cli.FlowOutputs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code hmesh ui}'s HTTP server (the JDK's): the page and its assets from the jar, and a small JSON API over
 * the Observer API ({@link ObserverGateway}); every request is checked by {@link UiRequests} first. GET only,
 * no request bodies; live flows are JSON lines over a chunked response, one reader per browser with a bounded
 * queue ({@link BoundedLines}). Listening on loopback, it also refuses Host headers that do not name
 * loopback.
 */
public final class UiServer implements AutoCloseable {

  /** The UI's port: Hubble UI's 12000. */
  public static final int DEFAULT_PORT = 12000;
  public static final String DEFAULT_HOST = "localhost";
  static final int MAX_STREAMS = 8;
  static final int MAX_MAPS = 2;
  /** What one browser's live stream may hold while the browser is slow. */
  static final long STREAM_BUDGET_CHARS = 4L << 20;
  private static final String WEB = "/io/hybridmesh/ui/web/";
  private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml",
      "json", "application/json", "txt", "text/plain; charset=utf-8");

  private final HttpServer http;
  private final ExecutorService executor;
  private final ManagedChannel channel;
  private final ObserverGateway gateway;
  private final boolean loopbackOnly;
  private final ZoneId zone = ZoneId.systemDefault();
  private final LiveFlows live;
  private final Semaphore maps = new Semaphore(MAX_MAPS);
  private String listenHost = DEFAULT_HOST;

  private UiServer(HttpServer http, ExecutorService executor, ManagedChannel channel, ObserverGateway gateway,
      boolean loopbackOnly, long streamBudgetChars) {
    this.http = http;
    this.executor = executor;
    this.channel = channel;
    this.gateway = gateway;
    this.loopbackOnly = loopbackOnly;
    this.live = new LiveFlows(gateway, zone, MAX_STREAMS, streamBudgetChars);
  }

  /**
   * Serves the UI on {@code listen} against the Observer API at {@code server} (HOST:PORT).
   *
   * @throws IOException when the address cannot be bound
   */
  public static UiServer start(InetSocketAddress listen, String server) throws IOException {
    return start(listen, server, STREAM_BUDGET_CHARS);
  }

  /** With what one browser's live stream may hold while the browser is slow (tests make it small). */
  static UiServer start(InetSocketAddress listen, String server, long streamBudgetChars) throws IOException {
    return start(listen, ManagedChannelBuilder.forTarget(server).usePlaintext().build(), server, streamBudgetChars);
  }

  /**
   * @param channel to the Observer API, owned by the UI from now on (closed with it)
   * @param server what the channel reaches, as the UI names it
   */
  private static UiServer start(InetSocketAddress listen, ManagedChannel channel, String server,
      long streamBudgetChars) throws IOException {
    HttpServer http;
    try {
      http = HttpServer.create(listen, 32);
    } catch (IOException e) {
      channel.shutdownNow();
      throw e;
    }
    ExecutorService executor = Executors.newFixedThreadPool(MAX_STREAMS + 8, r -> {
      Thread t = new Thread(r, "hmesh-ui-http");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    boolean loopback = listen.getAddress() != null && listen.getAddress().isLoopbackAddress();
    UiServer ui = new UiServer(http, executor, channel, new ObserverGateway(channel, server), loopback,
        streamBudgetChars);
    http.createContext("/", ui::handle);
    http.start();
    executor.execute(ui::warmMap);
    return ui;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  /** The address a person types into a browser: the host as listened on, with the port actually bound. */
  public String url() {
    String host = listenHost;
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "localhost";
    }
    return "http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port() + "/";
  }

  /**
   * Starts the UI on {@code listen} (HOST:PORT) against the Observer API at {@code server}; shared by {@code
   * hmesh ui}, {@code hmesh demo} and {@code hmesh controller}. Warns on {@code err} when it is not loopback.
   *
   * @throws IllegalArgumentException for an address that is not HOST:PORT
   * @throws IllegalStateException when the address cannot be served
   */
  public static UiServer open(String listen, String server, PrintStream err) {
    return open(listen, ManagedChannelBuilder.forTarget(server).usePlaintext().build(), server, err);
  }

  /**
   * The same over a channel of the caller's: the controller's UI reaches its own relay in process, so it
   * needs neither a port nor the relay's TLS.
   */
  public static UiServer open(String listen, ManagedChannel channel, String server, PrintStream err) {
    InetSocketAddress address;
    try {
      address = new InetSocketAddress(FlowOutputs.host(listen), FlowOutputs.port(listen));
      if (address.isUnresolved()) {
        throw new IllegalArgumentException("'" + listen + "': unknown host");
      }
    } catch (IllegalArgumentException e) {
      channel.shutdownNow();
      throw e;
    }
    if (!address.getAddress().isLoopbackAddress()) {
      err.println("hmesh ui: warning: listening on " + listen + ", not loopback: everyone who can reach it reads"
          + " the flows and reports, with no login");
    }
    try {
      UiServer ui = start(address, channel, server, STREAM_BUDGET_CHARS);
      ui.listenHost = FlowOutputs.host(listen);
      return ui;
    } catch (IOException e) {
      throw new IllegalStateException("cannot serve the UI on " + listen + " (" + e.getMessage() + "); is another"
          + " hmesh ui there? Pick another address", e);
    }
  }

  private void handle(HttpExchange ex) {
    try {
      ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
      if (loopbackOnly && !UiRequests.loopbackHost(ex.getRequestHeaders().getFirst("Host"))) {
        error(ex, 403, "hmesh ui listens on loopback and answers requests for localhost only");
        return;
      }
      if (!ex.getRequestMethod().equals("GET")) {
        ex.getResponseHeaders().set("Allow", "GET");
        error(ex, 405, "hmesh ui takes GET requests only");
        return;
      }
      String length = ex.getRequestHeaders().getFirst("Content-Length");
      if ((length != null && !length.strip().equals("0")) || ex.getRequestHeaders().containsKey("Transfer-Encoding")) {
        error(ex, 413, "hmesh ui takes no request bodies");
        return;
      }
      route(ex, ex.getRequestURI().getRawPath());
    } catch (IllegalArgumentException e) {
      error(ex, 400, e.getMessage());
    } catch (StatusRuntimeException e) {
      error(ex, UiErrors.httpStatus(e), UiErrors.describe(e, gateway.server()));
    } catch (IOException e) {
      // The browser went away mid-answer: nothing to tell it.
    } catch (RuntimeException e) {
      error(ex, 500, "hmesh ui failed: " + e);
    } finally {
      ex.close();
    }
  }

  private void route(HttpExchange ex, String path) throws IOException {
    Map<String, List<String>> params = UiRequests.query(ex.getRequestURI().getRawQuery());
    switch (path) {
      case "/api/status" -> json(ex, 200, gateway.status());
      case "/api/workloads" -> json(ex, 200, gateway.workloads());
      case "/api/report" -> {
        String id = params.getOrDefault("id", List.of("")).get(0);
        String body = id.isEmpty() ? null : report(id);
        if (body == null) {
          error(ex, 404, id.isEmpty() ? "which workload? /api/report?id=NAMESPACE/NAME"
              : "no workload '" + id + "' at " + gateway.server() + "; the reports page lists the ones there are");
        } else {
          json(ex, 200, body);
        }
      }
      case "/api/map" -> map(ex, UiRequests.map(params));
      case "/api/flows" -> live.serve(ex, UiRequests.flows(params, Instant.now()));
      case "/", "/index.html" -> asset(ex, "index.html");
      default -> {
        if (path.startsWith("/assets/") && path.substring(8).matches("[a-zA-Z0-9_-]+(\\.[a-z0-9]+)+")) {
          asset(ex, path.substring(1));
        } else {
          error(ex, 404, "no page " + path);
        }
      }
    }
  }

  private String report(String id) {
    try {
      return gateway.report(id);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("a report that cannot be printed as JSON: " + e.getMessage(), e);
    }
  }

  private void map(HttpExchange ex, UiRequests.MapQuery q) throws IOException {
    if (!maps.tryAcquire()) {
      error(ex, 503, "the map is being drawn for " + MAX_MAPS + " requests already; try again in a moment");
      return;
    }
    try {
      json(ex, 200, gateway.map(q, Instant.now(), ServiceMap.Limits.DEFAULT));
    } finally {
      maps.release();
    }
  }

  /**
   * Makes the default map once at start (in the background): the first page then finds the aggregation's
   * code compiled and, on a quiet mesh, its answer made ({@link MapCache}). A server that is not there yet
   * only means the first page waits for its map.
   */
  private void warmMap() {
    if (!maps.tryAcquire()) {
      return;
    }
    try {
      gateway.map(UiRequests.map(Map.of()), Instant.now(), ServiceMap.Limits.DEFAULT);
    } catch (RuntimeException e) {
      // The page asks again and shows what is wrong.
    } finally {
      maps.release();
    }
  }

  private void asset(HttpExchange ex, String name) throws IOException {
    try (InputStream in = UiServer.class.getResourceAsStream(WEB + name)) {
      if (in == null) {
        error(ex, 404, "no asset " + name + (name.equals("index.html")
            ? " in this jar: it was built without the UI (the ui module's npm build)" : ""));
        return;
      }
      byte[] body = in.readAllBytes();
      String ext = name.substring(name.lastIndexOf('.') + 1);
      ex.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"));
      ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
      send(ex, 200, body);
    }
  }

  static void json(HttpExchange ex, int status, String body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    send(ex, status, body.getBytes(StandardCharsets.UTF_8));
  }

  static void error(HttpExchange ex, int status, String message) {
    try {
      json(ex, status, ObserverGateway.json(Map.of("error", message)));
    } catch (IOException | RuntimeException e) {
      // The answer was already started, or the browser left.
    }
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
