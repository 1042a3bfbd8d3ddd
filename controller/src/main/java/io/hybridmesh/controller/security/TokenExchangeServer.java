package io.hybridmesh.controller.security;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.hybridmesh.api.tls.ReloadingKeyManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * {@link TokenExchange} over HTTPS ({@code POST /token}), with the controller's rotating certificate: gRPC's
 * token-exchange client speaks HTTP/1.1, which the gRPC ports do not.
 */
public final class TokenExchangeServer implements AutoCloseable {

  public static final String PATH = "/token";

  private final HttpsServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "hmesh-token-exchange");
    t.setDaemon(true);
    return t;
  });

  public TokenExchangeServer(InetSocketAddress address, ReloadingKeyManager keys, TokenExchange exchange)
      throws IOException {
    SSLContext tls;
    try {
      tls = SSLContext.getInstance("TLS");
      tls.init(new KeyManager[] {keys}, null, null);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS for the token exchange: " + e.getMessage(), e);
    }
    server = HttpsServer.create(address, 64);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext(PATH, http -> handle(http, exchange));
    server.setExecutor(threads);
  }

  public TokenExchangeServer start() {
    server.start();
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void handle(HttpExchange http, TokenExchange exchange) throws IOException {
    try (http) {
      if (!"POST".equals(http.getRequestMethod())) {
        reply(http, new TokenExchange.Answer(405, "{\"error\":\"invalid_request\",\"error_description\":\"POST only\"}"));
        return;
      }
      byte[] body;
      try (InputStream in = http.getRequestBody()) {
        body = in.readNBytes(TokenExchange.MAX_BODY_BYTES + 1);
      }
      if (body.length > TokenExchange.MAX_BODY_BYTES) {
        reply(http, new TokenExchange.Answer(413, "{\"error\":\"invalid_request\",\"error_description\":"
            + "\"body too large\"}"));
        return;
      }
      reply(http, exchange.exchange(new String(body, StandardCharsets.UTF_8)));
    }
  }

  private static void reply(HttpExchange http, TokenExchange.Answer answer) throws IOException {
    byte[] out = answer.json().getBytes(StandardCharsets.UTF_8);
    http.getResponseHeaders().set("Content-Type", "application/json");
    http.getResponseHeaders().set("Cache-Control", "no-store");
    http.sendResponseHeaders(answer.status(), out.length);
    try (OutputStream o = http.getResponseBody()) {
      o.write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
