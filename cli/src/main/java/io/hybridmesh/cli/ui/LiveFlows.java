package io.hybridmesh.cli.ui;

import com.sun.net.httpserver.HttpExchange;
import io.grpc.Context;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code /api/flows}: flows as JSON lines over a chunked response. The Observer API is read on a thread of
 * its own into a bounded queue ({@link BoundedLines}); the HTTP thread writes the queue to the browser, says
 * what was dropped, and sends a keep-alive line when idle so that a browser that left is noticed and its
 * stream cancelled. At most {@code maxStreams} run at once.
 */
final class LiveFlows {

  private final ObserverGateway gateway;
  private final ZoneId zone;
  private final int maxStreams;
  private final long budgetChars;
  private final Semaphore streams;
  private final AtomicInteger threadIds = new AtomicInteger();

  LiveFlows(ObserverGateway gateway, ZoneId zone, int maxStreams, long budgetChars) {
    this.gateway = gateway;
    this.zone = zone;
    this.maxStreams = maxStreams;
    this.budgetChars = budgetChars;
    this.streams = new Semaphore(maxStreams);
  }

  void serve(HttpExchange ex, GetFlowsRequest req) throws IOException {
    if (!streams.tryAcquire()) {
      UiServer.error(ex, 503, maxStreams + " browsers are reading flows already; close one of them");
      return;
    }
    Context.CancellableContext ctx = Context.current().withCancellation();
    BoundedLines lines = new BoundedLines(budgetChars);
    Thread reader = new Thread(() -> gateway.flows(req, new FlowLines(zone), lines, ctx),
        "hmesh-ui-flows-" + threadIds.incrementAndGet());
    reader.setDaemon(true);
    try {
      ex.getResponseHeaders().set("Content-Type", "application/x-ndjson; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      ex.sendResponseHeaders(200, 0);
      reader.start();
      OutputStream out = ex.getResponseBody();
      while (!lines.finished()) {
        String line = lines.poll(10, TimeUnit.SECONDS);
        long dropped = lines.takeDropped();
        if (dropped > 0) {
          write(out, FlowLines.gatewayLost(dropped));
        }
        if (line != null) {
          write(out, line);
        } else if (!lines.finished()) {
          write(out, FlowLines.keepalive());
        }
        if (lines.isEmpty()) {
          out.flush();
        }
      }
      long dropped = lines.takeDropped();
      if (dropped > 0) {
        write(out, FlowLines.gatewayLost(dropped));
      }
      out.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ctx.cancel(null);
      streams.release();
    }
  }

  private static void write(OutputStream out, String line) throws IOException {
    out.write(line.getBytes(StandardCharsets.UTF_8));
    out.write('\n');
  }
}
