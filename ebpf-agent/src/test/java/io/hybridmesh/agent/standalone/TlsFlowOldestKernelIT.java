package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.jni.testing.KernelTest;

/**
 * Every TLS kernel test again the way the oldest kernels are served: a perf-event link per probe site (before
 * 6.6 there are no uprobe_multi links) and sockets named by the syscall tracepoints (before 6.3 there are no
 * socket tracepoints). This kernel has all of them, so both ways are tested here.
 */
@KernelTest
class TlsFlowOldestKernelIT extends TlsFlowKernelIT {

  @Override
  TlsHooks tlsHooks() {
    return TlsHooks.OLDEST;
  }
}
