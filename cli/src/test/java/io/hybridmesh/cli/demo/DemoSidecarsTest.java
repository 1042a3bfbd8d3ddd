package io.hybridmesh.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.hybridmesh.xds.bootstrap.SidecarBootstrap;
import io.hybridmesh.xds.translate.SidecarTranslator;
import io.hybridmesh.xds.translate.TranslatorSettings;
import io.hybridmesh.xds.validate.ResourceValidator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's sidecars start from the shared bootstrap, and what the demo serves them passes the check. */
class DemoSidecarsTest {

  @Test
  void theDemosBootstrapCanLoadEverythingTheDemoServes() {
    for (String w : List.of(DemoWorkloads.FRONTEND, DemoWorkloads.BACKEND, DemoWorkloads.PAYMENTS)) {
      Bootstrap bootstrap = DemoSidecars.bootstrap(w, 18000);
      assertEquals(List.of(), ResourceValidator.validate(bootstrap,
          new SidecarTranslator(TranslatorSettings.DEFAULTS).translate(DemoSidecars.workload(w, 9443))), w);
      assertEquals(bootstrap, SidecarBootstrap.parseJson(SidecarBootstrap.toJson(bootstrap)), w);
    }
  }

  @Test
  void bothClustersPointAtTheHostsEndOfTheDemoNetwork() {
    Bootstrap bootstrap = DemoSidecars.bootstrap(DemoWorkloads.PAYMENTS, 18000);
    assertEquals("payments.demo", bootstrap.getNode().getId());
    assertEquals(List.of("xds_cluster " + DemoNetwork.HOST_ADDRESS + ":18000",
        "hmesh-als " + DemoNetwork.HOST_ADDRESS + ":18000"), bootstrap.getStaticResources().getClustersList()
        .stream().map(c -> {
          var a = c.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress();
          return c.getName() + " " + a.getAddress() + ":" + a.getPortValue();
        }).toList());
  }
}
