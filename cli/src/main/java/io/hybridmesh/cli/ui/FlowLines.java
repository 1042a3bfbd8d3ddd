package io.hybridmesh.cli.ui;

import com.google.gson.stream.JsonWriter;
import io.hybridmesh.agent.flow.ProtoJson;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.cli.CompactPrinter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.util.List;

/**
 * One JSON line per Observer API response, for the live page: a flow carries the columns {@code hmesh
 * observe} prints (made by its {@link CompactPrinter}) and the flow as {@code hmesh observe -o json} prints
 * it, nothing more, so the page shows what the terminal shows and redaction done before the store holds.
 * Lost events carry {@code hmesh observe}'s own line ({@code EVENTS LOST: N (SOURCE)}).
 */
final class FlowLines {

  /** The source named when {@code hmesh ui} itself drops flows for a browser that reads too slowly. */
  static final String GATEWAY_SOURCE = "UI_GATEWAY";

  private final CompactPrinter printer;

  FlowLines(ZoneId zone) {
    this.printer = new CompactPrinter(zone);
  }

  /** The line for a response, or null for one the page has no use for (a node status without a message). */
  String line(GetFlowsResponse r) {
    return switch (r.getResponseTypesCase()) {
      case FLOW -> flows(List.of(r.getFlow()));
      case FLOWS -> flows(r.getFlows().getFlowsList());
      case LOST_EVENTS -> lost(CompactPrinter.lost(r.getLostEvents()), r.getLostEvents().getNumEventsLost(),
          r.getLostEvents().getSource().name());
      case NODE_STATUS -> r.getNodeStatus().getMessage().isEmpty() ? null : object(w -> w.name("node").value(
          "node " + String.join(",", r.getNodeStatus().getNodeNamesList()) + ": "
              + r.getNodeStatus().getStateChange().name() + ": " + r.getNodeStatus().getMessage()));
      default -> null;
    };
  }

  /** How many flows a response carries (what is lost when its line is dropped). */
  static int flowCount(GetFlowsResponse r) {
    return r.hasFlow() ? 1 : r.hasFlows() ? r.getFlows().getFlowsCount() : 0;
  }

  String flows(List<Flow> flows) {
    StringBuilder json = new StringBuilder(512);
    return object(w -> {
      w.name("flows").beginArray();
      for (Flow f : flows) {
        json.setLength(0);
        ProtoJson.write(f, json);
        w.beginObject()
            .name("time").value(printer.timestamp(f.getTime()))
            .name("source").value(CompactPrinter.source(f))
            .name("destination").value(CompactPrinter.destination(f))
            .name("type").value(CompactPrinter.type(f))
            .name("verdict").value(CompactPrinter.verdict(f))
            .name("summary").value(CompactPrinter.summary(f))
            .name("flow").jsonValue(json.toString())
            .endObject();
      }
      w.endArray();
    });
  }

  static String lost(String text, long count, String source) {
    return object(w -> w.name("lost").beginObject().name("text").value(text).name("count").value(count)
        .name("source").value(source).endObject());
  }

  /** What {@code hmesh ui} dropped itself; worded as {@code hmesh observe} words a loss. */
  static String gatewayLost(long flows) {
    return lost("EVENTS LOST: " + flows + " (" + GATEWAY_SOURCE + ": the browser read too slowly)", flows,
        GATEWAY_SOURCE);
  }

  static String error(String message) {
    return object(w -> w.name("error").value(message));
  }

  static String keepalive() {
    return "{\"keepalive\":true}";
  }

  interface Fields {
    void write(JsonWriter w) throws IOException;
  }

  static String object(Fields fields) {
    StringWriter out = new StringWriter(256);
    try (JsonWriter w = new JsonWriter(out)) {
      w.setHtmlSafe(true);
      w.beginObject();
      fields.write(w);
      w.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
