package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.datapath.UprobeLinks;
import io.hybridmesh.jni.testing.KernelTest;

/**
 * Every TLS kernel test again with a perf-event link per probe site, the way kernels without uprobe_multi
 * links (before 6.6) are served; this kernel has both, so both are tested here.
 */
@KernelTest
class TlsFlowPerSiteLinksKernelIT extends TlsFlowKernelIT {

  @Override
  UprobeLinks uprobeLinks() {
    return UprobeLinks.PER_SITE;
  }
}
