package io.hybridmesh.agent.flow;

import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEvent;

/** Where assembled flows go: a printer now, the flow ring and Observer API later. Thread-safe. */
public interface FlowSink {

  void accept(Flow flow);

  /** Events that were lost on the way; never silently dropped. */
  void lost(LostEvent lost);
}
