package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.jni.testing.KernelTest;

/**
 * {@link PlaintextFlowKernelIT} with the hooks a kernel before 6.3 gets: plaintext read at the raw
 * {@code sys_enter}/{@code sys_exit} tracepoints (sockets found through descriptors), TLS through a perf-event
 * link per site. This kernel has the newer hooks too, so both paths run here.
 */
@KernelTest
public class PlaintextFlowOldestKernelIT extends PlaintextFlowKernelIT {

  @Override
  protected TlsHooks hooks() {
    return TlsHooks.OLDEST;
  }
}
