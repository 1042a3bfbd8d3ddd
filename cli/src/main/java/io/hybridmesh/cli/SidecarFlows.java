package io.hybridmesh.cli;

import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.LostEventSource;
import io.hybridmesh.xds.als.SidecarFlowSink;

/** The access-log receiver's flows into the same outputs as the eBPF data path's; its drops as lost events. */
public final class SidecarFlows {

  private SidecarFlows() {}

  public static SidecarFlowSink into(FlowSink sink) {
    return new SidecarFlowSink() {
      @Override
      public void accept(Flow flow) {
        sink.accept(flow);
      }

      @Override
      public void lost(long entries) {
        sink.lost(LostEvent.newBuilder().setSource(LostEventSource.ENVOY_ALS_DROPPED).setNumEventsLost(entries)
            .build());
      }
    };
  }
}
