package io.hybridmesh.cli.ui;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven over its DevTools protocol (a WebSocket, with the JDK's own client): one
 * page, JavaScript evaluated in it, waits with deadlines that say what they waited for, screenshots. The
 * page's uncaught errors are collected so that a failing wait can name them. For the UI's kernel test and its
 * benchmark; not product code.
 */
public final class Chromium implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://[^\\s]+)");
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final List<String> pageErrors = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger ids = new AtomicInteger();

  private Chromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** The chromium binary, or null when it is not installed. */
  public static String binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      for (String name : new String[] {"chromium", "chromium-browser"}) {
        if (Files.isExecutable(Path.of(dir, name))) {
          return Path.of(dir, name).toString();
        }
      }
    }
    return null;
  }

  /** Starts a headless Chromium with a fresh profile, its window {@code width} x {@code height}. */
  public static Chromium start(int width, int height) throws Exception {
    String bin = binary();
    if (bin == null) {
      throw new IllegalStateException("no chromium on the PATH (Debian package chromium; scripts/install-deps.sh)");
    }
    Path profile = Files.createTempDirectory("hm-ui-chromium");
    Process p = new ProcessBuilder(bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
        "--disable-dev-shm-usage", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "about:blank")
        .redirectErrorStream(true).start();
    String browserUrl = listeningUrl(p);
    URI browser = URI.create(browserUrl);
    HttpClient http = HttpClient.newHttpClient();
    String pageUrl = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (pageUrl == null && System.nanoTime() < deadline) {
      HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://" + browser.getHost() + ":"
          + browser.getPort() + "/json/list")).build(), HttpResponse.BodyHandlers.ofString());
      for (JsonElement t : JsonParser.parseString(list.body()).getAsJsonArray()) {
        if (t.getAsJsonObject().get("type").getAsString().equals("page")) {
          pageUrl = t.getAsJsonObject().get("webSocketDebuggerUrl").getAsString();
        }
      }
      if (pageUrl == null) {
        Thread.sleep(100);
      }
    }
    if (pageUrl == null) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium opened no page within 20 s");
    }
    Chromium[] self = new Chromium[1];
    StringBuilder partial = new StringBuilder();
    WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          String text = partial.toString();
          partial.setLength(0);
          self[0].received(JsonParser.parseString(text).getAsJsonObject());
        }
        w.request(1);
        return null;
      }
    }).get(20, TimeUnit.SECONDS);
    self[0] = new Chromium(p, profile, ws);
    self[0].call("Runtime.enable", new JsonObject());
    self[0].call("Page.enable", new JsonObject());
    return self[0];
  }

  private static String listeningUrl(Process p) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    CompletableFuture<String> url = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line; (line = out.readLine()) != null; ) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            // Keep reading its output so that chromium never blocks on a full pipe.
            Thread drain = new Thread(() -> {
              try {
                while (out.readLine() != null) {
                  // discarded: D-Bus and GPU noise of a headless browser
                }
              } catch (IOException e) {
                // the browser ended
              }
            }, "chromium-output");
            drain.setDaemon(true);
            drain.start();
            return m.group(1);
          }
          seen.add(line);
        }
      } catch (IOException e) {
        // said below
      }
      return null;
    });
    try {
      String u = url.get(30, TimeUnit.SECONDS);
      if (u != null) {
        return u;
      }
    } catch (TimeoutException | InterruptedException | java.util.concurrent.ExecutionException e) {
      // said below
    }
    p.destroyForcibly();
    throw new IllegalStateException("chromium did not open its DevTools port within 30 s; it said: " + seen);
  }

  private void received(JsonObject msg) {
    if (msg.has("id")) {
      CompletableFuture<JsonObject> f = pending.remove(msg.get("id").getAsInt());
      if (f != null) {
        f.complete(msg);
      }
    } else if (msg.has("method") && msg.get("method").getAsString().equals("Runtime.exceptionThrown")) {
      JsonObject details = msg.getAsJsonObject("params").getAsJsonObject("exceptionDetails");
      pageErrors.add(details.has("exception") && details.getAsJsonObject("exception").has("description")
          ? details.getAsJsonObject("exception").get("description").getAsString() : details.toString());
    }
  }

  /** One protocol call; its result, or an IllegalStateException with the protocol's error. */
  public JsonObject call(String method, JsonObject params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    pending.put(id, f);
    JsonObject msg = new JsonObject();
    msg.addProperty("id", id);
    msg.addProperty("method", method);
    msg.add("params", params);
    socket.sendText(msg.toString(), true).join();
    JsonObject answer;
    try {
      answer = f.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      pending.remove(id);
      throw new IllegalStateException(method + " got no answer within " + CALL_TIMEOUT.toSeconds() + " s", e);
    }
    if (answer.has("error")) {
      throw new IllegalStateException(method + ": " + answer.get("error"));
    }
    return answer.getAsJsonObject("result");
  }

  /** Evaluates JavaScript in the page (promises awaited); its value as JSON, or an error naming the exception. */
  public JsonElement eval(String js) {
    JsonObject p = new JsonObject();
    p.addProperty("expression", js);
    p.addProperty("returnByValue", true);
    p.addProperty("awaitPromise", true);
    JsonObject r = call("Runtime.evaluate", p);
    if (r.has("exceptionDetails")) {
      JsonObject d = r.getAsJsonObject("exceptionDetails");
      throw new IllegalStateException("the page threw evaluating " + js + ": "
          + (d.has("exception") ? d.getAsJsonObject("exception").get("description") : d));
    }
    JsonObject value = r.getAsJsonObject("result");
    return value.has("value") ? value.get("value") : JsonNull.INSTANCE;
  }

  public void navigate(String url) {
    JsonObject p = new JsonObject();
    p.addProperty("url", url);
    call("Page.navigate", p);
  }

  /**
   * Evaluates {@code js} until it gives something truthy; returns it. On timeout an AssertionError names what
   * was awaited, the last value and the page's errors.
   */
  public JsonElement waitFor(String what, String js, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonElement last = JsonNull.INSTANCE;
    String lastError = "";
    while (System.nanoTime() < deadline) {
      try {
        last = eval(js);
        lastError = "";
        if (truthy(last)) {
          return last;
        }
      } catch (IllegalStateException e) {
        lastError = e.getMessage();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; last value " + last
        + (lastError.isEmpty() ? "" : ", last error " + lastError) + "; page errors " + pageErrors
        + "; page text: " + text());
  }

  private String text() {
    try {
      String t = eval("document.body ? document.body.innerText : ''").getAsString();
      return t.length() > 2000 ? t.substring(0, 2000) + "…" : t;
    } catch (RuntimeException e) {
      return "(" + e.getMessage() + ")";
    }
  }

  private static boolean truthy(JsonElement v) {
    if (v == null || v.isJsonNull()) {
      return false;
    }
    if (v.isJsonPrimitive()) {
      var p = v.getAsJsonPrimitive();
      return p.isBoolean() ? p.getAsBoolean() : p.isNumber() ? p.getAsDouble() != 0 : !p.getAsString().isEmpty();
    }
    return !(v.isJsonArray() && ((JsonArray) v).isEmpty());
  }

  public void screenshot(Path png) throws IOException {
    JsonObject p = new JsonObject();
    p.addProperty("format", "png");
    String data = call("Page.captureScreenshot", p).get("data").getAsString();
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.write(png, Base64.getDecoder().decode(data));
  }

  public List<String> pageErrors() {
    return List.copyOf(pageErrors);
  }

  @Override
  public void close() {
    try {
      call("Browser.close", new JsonObject());
    } catch (RuntimeException e) {
      // it is going anyway
    }
    socket.abort();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary directory
    }
  }
}
