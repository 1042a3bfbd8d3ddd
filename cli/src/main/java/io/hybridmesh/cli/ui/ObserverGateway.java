package io.hybridmesh.cli.ui;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.api.observer.v1.ListWorkloadsRequest;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import io.hybridmesh.api.observer.v1.ServerStatusRequest;
import io.hybridmesh.api.observer.v1.ServerStatusResponse;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.hybridmesh.cli.ReportPrinter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Observer API calls behind {@code hmesh ui}'s pages, over one channel, with the CLI's own printers for
 * the words: the report table's cells and a report's text come from {@link ReportPrinter}, exactly as
 * {@code hmesh report} prints them. Answers are JSON for the page.
 */
final class ObserverGateway {

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private final ManagedChannel channel;
  private final String server;
  private final MapCache maps = new MapCache();
  private final Object making = new Object();

  ObserverGateway(ManagedChannel channel, String server) {
    this.channel = channel;
    this.server = server;
  }

  String server() {
    return server;
  }

  private ObserverGrpc.ObserverBlockingStub stub(int seconds) {
    return ObserverGrpc.newBlockingStub(channel).withDeadlineAfter(seconds, TimeUnit.SECONDS);
  }

  List<WorkloadReport> reports() {
    return stub(10).listWorkloads(ListWorkloadsRequest.getDefaultInstance()).getWorkloadsList();
  }

  /** The server's counters, and where it is. */
  String status() {
    ServerStatusResponse s = stub(5).serverStatus(ServerStatusRequest.getDefaultInstance());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("server", server);
    out.put("version", s.getVersion());
    out.put("numFlows", s.getNumFlows());
    out.put("maxFlows", s.getMaxFlows());
    out.put("flowsRate", s.getFlowsRate());
    out.put("connectedNodes", s.getNumConnectedNodes());
    out.put("unavailableNodes", s.getUnavailableNodesList());
    return GSON.toJson(out);
  }

  /** The report table: the columns and each workload's cells as {@code hmesh report} prints them. */
  String workloads() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (WorkloadReport r : reports()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", ServiceMap.id(r.getNamespace(), r.getName()));
      row.put("cells", ReportPrinter.row(r));
      rows.add(row);
    }
    return GSON.toJson(Map.of("columns", ReportPrinter.COLUMNS, "rows", rows));
  }

  /** One workload's report: its table cells, {@code hmesh report NS/NAME}'s text and its JSON; null if none. */
  String report(String id) throws com.google.protobuf.InvalidProtocolBufferException {
    for (WorkloadReport r : reports()) {
      if (ServiceMap.id(r.getNamespace(), r.getName()).equals(id)) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("columns", ReportPrinter.COLUMNS);
        out.put("cells", ReportPrinter.row(r));
        out.put("text", ReportPrinter.detailsText(r));
        out.put("json", GSON.fromJson(JsonFormat.printer().omittingInsignificantWhitespace().print(r), Object.class));
        return GSON.toJson(out);
      }
    }
    return null;
  }

  /**
   * The service map over the flows of the window that the server still holds: the answer made before when it
   * still holds ({@link MapCache}), else a new aggregation.
   */
  String map(UiRequests.MapQuery q, Instant now, ServiceMap.Limits limits) {
    List<WorkloadReport> reports = reports();
    ServerStatusResponse status = stub(5).serverStatus(ServerStatusRequest.getDefaultInstance());
    MapCache.ServerState state = MapCache.ServerState.of(status);
    String made = maps.get(q, reports, state, now);
    if (made != null) {
      return made;
    }
    // One aggregation at a time: a page that asks while the same map is being made (at start, or by another
    // browser) waits for it rather than making it twice on the same CPUs.
    synchronized (making) {
      made = maps.get(q, reports, state, now);
      return made != null ? made : make(q, now, limits, reports, status);
    }
  }

  private String make(UiRequests.MapQuery q, Instant now, ServiceMap.Limits limits, List<WorkloadReport> reports,
      ServerStatusResponse status) {
    Instant since = now.minus(q.window());
    GetFlowsRequest req = GetFlowsRequest.newBuilder().setSince(timestamp(since)).setUntil(timestamp(now))
        .setBatchSize(UiRequests.BATCH).build();
    ServiceMap map = new ServiceMap(limits);
    Instant[] oldest = {null}; // the first flow the server sent: where its store starts
    Instant[] earliest = {null}; // the earliest flow counted: when it leaves the window, the answer is old
    Context.CancellableContext ctx = Context.current().withCancellation();
    try {
      ctx.run(() -> {
        Iterator<GetFlowsResponse> it = stub(30).getFlows(req);
        while (it.hasNext()) {
          GetFlowsResponse r = it.next();
          List<io.hybridmesh.api.flow.v1.Flow> flows = r.hasFlow() ? List.of(r.getFlow())
              : r.hasFlows() ? r.getFlows().getFlowsList() : List.of();
          for (io.hybridmesh.api.flow.v1.Flow f : flows) {
            Instant at = Instant.ofEpochSecond(f.getTime().getSeconds(), f.getTime().getNanos());
            if (oldest[0] == null) {
              oldest[0] = at;
            }
            if (earliest[0] == null || at.isBefore(earliest[0])) {
              earliest[0] = at;
            }
            map.add(f);
          }
        }
      });
    } finally {
      ctx.cancel(null);
    }
    // A full store has overwritten its oldest flows: the window then starts at the oldest flow still held.
    boolean full = status.getMaxFlows() > 0 && status.getNumFlows() >= status.getMaxFlows();
    Duration covered = full && oldest[0] != null && oldest[0].isAfter(since) ? Duration.between(oldest[0], now)
        : q.window();
    ServiceMap.Result result = map.result(reports, q.selection(), q.window(), covered);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("windowSeconds", q.window().toSeconds());
    out.put("result", result);
    String answer = GSON.toJson(out);
    maps.put(q, answer, new MapCache.Made(reports, MapCache.ServerState.of(status), now, earliest[0]));
    return answer;
  }

  /** Streams the flows of a request into {@code lines} until the stream ends or {@code ctx} is cancelled. */
  void flows(GetFlowsRequest req, FlowLines format, BoundedLines lines, Context.CancellableContext ctx) {
    ctx.run(() -> {
      try {
        Iterator<GetFlowsResponse> it = ObserverGrpc.newBlockingStub(channel).getFlows(req);
        while (it.hasNext()) {
          GetFlowsResponse r = it.next();
          String line = format.line(r);
          if (line != null) {
            lines.offer(line, FlowLines.flowCount(r));
          }
        }
      } catch (StatusRuntimeException e) {
        if (!ctx.isCancelled()) {
          lines.offer(FlowLines.error(UiErrors.describe(e, server)), 0);
        }
      } catch (RuntimeException e) {
        lines.offer(FlowLines.error("hmesh ui failed reading flows: " + e), 0);
      } finally {
        lines.end();
      }
    });
  }

  static String json(Object o) {
    return GSON.toJson(o);
  }

  private static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
