package io.hybridmesh.xds.testing;

import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.xds.als.SidecarFlowSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

public final class CollectingSink implements SidecarFlowSink {

  public final List<Flow> flows = new CopyOnWriteArrayList<>();
  public final AtomicLong lost = new AtomicLong();

  @Override
  public void accept(Flow flow) {
    flows.add(flow);
  }

  @Override
  public void lost(long entries) {
    lost.addAndGet(entries);
  }
}
