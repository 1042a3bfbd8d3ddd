package io.hybridmesh.agent.flow;

import io.hybridmesh.api.flow.v1.Flow;

/**
 * A flow as a producer hands it on, made into its protobuf when first asked for. The agent's assemblers do
 * every lookup an event needs on the event thread and keep the results (shared records, endpoints,
 * addresses); the {@link Flow} message itself is built when a sink or a reader asks for it. The flow ring
 * keeps flows this way, so that a flow nobody reads (most of them, on a node nobody is observing) is never
 * built, and a reader pays for the flows it reads on its own thread. Every call of {@link #flow()} returns
 * the same flow: the same id, time and content for every reader.
 */
public interface PendingFlow {

  Flow flow();

  /** A flow already built (the sidecar path's, the L4 path's, tests'). */
  static PendingFlow of(Flow flow) {
    if (flow == null) {
      throw new NullPointerException("flow");
    }
    return new Built(flow);
  }

  /** A built flow, held as it is. */
  record Built(Flow flow) implements PendingFlow {}
}
