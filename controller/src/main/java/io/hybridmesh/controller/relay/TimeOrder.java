package io.hybridmesh.controller.relay;

import com.google.protobuf.Timestamp;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import java.util.Comparator;

/** The order the relay sends items in: by time, then by node, then by flow uuid (stable). */
final class TimeOrder {

  static final Comparator<GetFlowsResponse> BY_TIME = Comparator
      .comparingLong((GetFlowsResponse r) -> nanos(time(r)))
      .thenComparing(GetFlowsResponse::getNodeName)
      .thenComparing(r -> r.hasFlow() ? r.getFlow().getUuid() : "");

  private TimeOrder() {}

  static Timestamp time(GetFlowsResponse r) {
    return r.hasFlow() && r.getFlow().hasTime() ? r.getFlow().getTime() : r.getTime();
  }

  static long nanos(Timestamp t) {
    return t.getSeconds() * 1_000_000_000L + t.getNanos();
  }
}
