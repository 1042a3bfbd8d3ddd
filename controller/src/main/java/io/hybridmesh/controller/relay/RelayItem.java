package io.hybridmesh.controller.relay;

import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;

/**
 * One thing the relay passes on: a flow from a node, or another item (lost events, a node's status). Its
 * time is kept as a number so that ordering thousands of them a second costs a comparison of longs; the
 * message for the client is made only when it is sent.
 */
record RelayItem(long nanos, String node, Flow flow, GetFlowsResponse other) implements Comparable<RelayItem> {

  static RelayItem flow(String node, Flow f) {
    return new RelayItem(TimeOrder.nanos(f.getTime()), node, f, null);
  }

  static RelayItem other(GetFlowsResponse r) {
    return new RelayItem(TimeOrder.nanos(r.getTime()), r.getNodeName(), null, r);
  }

  boolean isFlow() {
    return flow != null;
  }

  /** The item as one message of its own. */
  GetFlowsResponse message() {
    return other != null ? other
        : GetFlowsResponse.newBuilder().setNodeName(node).setTime(flow.getTime()).setFlow(flow).build();
  }

  /** By time, then node, then flow id: a stable order however the nodes' streams interleave. */
  @Override
  public int compareTo(RelayItem o) {
    int c = Long.compare(nanos, o.nanos);
    if (c != 0) {
      return c;
    }
    c = node.compareTo(o.node);
    if (c != 0) {
      return c;
    }
    return (flow == null ? "" : flow.getUuid()).compareTo(o.flow == null ? "" : o.flow.getUuid());
  }
}
