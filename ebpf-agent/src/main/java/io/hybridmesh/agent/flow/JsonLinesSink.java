package io.hybridmesh.agent.flow;

import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEvent;
import java.io.PrintStream;
import java.util.logging.Logger;

/**
 * Prints each flow as one line of JSON (the proto3 JSON mapping of {@link Flow}); lost events go to the
 * log, so that the output stays a stream of flows.
 */
public final class JsonLinesSink implements FlowSink {

  private static final Logger LOG = Logger.getLogger(JsonLinesSink.class.getName());

  private final PrintStream out;
  private final StringBuilder line = new StringBuilder(2048);

  public JsonLinesSink(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void accept(Flow flow) {
    line.setLength(0);
    ProtoJson.write(flow, line);
    out.append(line).append('\n');
  }

  @Override
  public void lost(LostEvent lost) {
    LOG.warning(() -> lost.getNumEventsLost() + " events lost ("
        + lost.getSource().name().toLowerCase().replace('_', ' ')
        + (lost.hasCpu() ? ", cpu " + lost.getCpu().getValue() : "") + ")");
  }

  public void flush() {
    out.flush();
  }
}
