package io.hybridmesh.agent.flow;

import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEvent;
import java.util.List;

/** Hands every flow and lost event to several sinks, in order (the flow API and a printer, say). */
public final class TeeSink implements FlowSink {

  private final List<FlowSink> sinks;

  public TeeSink(List<FlowSink> sinks) {
    this.sinks = List.copyOf(sinks);
  }

  @Override
  public void accept(Flow flow) {
    for (FlowSink s : sinks) {
      s.accept(flow);
    }
  }

  /** The same pending flow to each sink: built at most once, by the first that needs it. */
  @Override
  public void accept(PendingFlow flow) {
    for (FlowSink s : sinks) {
      s.accept(flow);
    }
  }

  @Override
  public void lost(LostEvent lost) {
    for (FlowSink s : sinks) {
      s.lost(lost);
    }
  }
}
