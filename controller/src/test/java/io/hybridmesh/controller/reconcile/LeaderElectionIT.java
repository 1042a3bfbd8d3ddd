package io.hybridmesh.controller.reconcile;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.hybridmesh.controller.ControllerSettings;
import io.hybridmesh.controller.HmeshOperator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With leader election on, the controller takes a Lease and then reconciles. */
class LeaderElectionIT {

  @Test
  void reconcilesOnceItHoldsTheLease() {
    try (MockCluster cluster = new MockCluster()) {
      cluster.namespace("hybrid-mesh", false);
      cluster.namespace("led", true);
      cluster.node("n1", "6.8.0");
      cluster.nodeCapability("n1", "6.8.0", MockCluster.allFeatures());
      cluster.pod("led", "web", "n1", Probes.dynamicOpenSsl());
      cluster.deployment("led", "web", Map.of());
      ControllerSettings s = ControllerSettings.defaults().withLease("hmesh-controller", "hybrid-mesh", false);
      try (HmeshOperator operator = HmeshOperator.start(cluster.client, s)) {
        cluster.awaitPath("led", "web", "EBPF");
        Lease lease = cluster.client.leases().inNamespace("hybrid-mesh").withName("hmesh-controller").get();
        assertFalse(lease.getSpec().getHolderIdentity().isBlank());
      }
    }
  }
}
