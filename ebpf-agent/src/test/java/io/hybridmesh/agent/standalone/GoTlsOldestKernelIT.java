package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.jni.testing.KernelTest;

/**
 * Every Go TLS kernel test again, with the probes attached as on a kernel before 6.6: a perf-event link per
 * site (an entry and each ret of Write and Read), and the syscall tracepoints for the OpenSSL peers' sockets.
 */
@KernelTest
public class GoTlsOldestKernelIT extends GoTlsKernelIT {

  @Override
  TlsHooks tlsHooks() {
    return TlsHooks.OLDEST;
  }
}
