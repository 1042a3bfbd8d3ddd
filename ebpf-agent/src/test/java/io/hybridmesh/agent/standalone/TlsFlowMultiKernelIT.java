package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.datapath.SocketHooks;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.datapath.UprobeLinks;
import io.hybridmesh.jni.testing.KernelTest;

/**
 * Every TLS kernel test again the way kernels 6.6 to 6.12 are served: two uprobe_multi links per process and
 * library, entries and returns, every call reported at its return (uprobe sessions came in 6.13).
 */
@KernelTest
class TlsFlowMultiKernelIT extends TlsFlowKernelIT {

  @Override
  TlsHooks tlsHooks() {
    return new TlsHooks(UprobeLinks.MULTI, SocketHooks.SOCKET_TRACEPOINTS);
  }
}
