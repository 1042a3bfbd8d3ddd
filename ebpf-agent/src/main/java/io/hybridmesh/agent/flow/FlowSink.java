package io.hybridmesh.agent.flow;

import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEvent;

/** Where assembled flows go: a printer now, the flow ring and Observer API later. Thread-safe. */
public interface FlowSink {

  void accept(Flow flow);

  /**
   * A flow not built yet. Sinks that keep flows for later (the flow ring) keep it as it is, so that a flow
   * nobody reads is never built; the others build it here, on the caller's thread.
   */
  default void accept(PendingFlow flow) {
    accept(flow.flow());
  }

  /** Events that were lost on the way; never silently dropped. */
  void lost(LostEvent lost);
}
