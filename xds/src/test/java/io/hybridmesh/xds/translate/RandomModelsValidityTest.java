package io.hybridmesh.xds.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.hybridmesh.xds.model.InboundPort;
import io.hybridmesh.xds.model.MeshService;
import io.hybridmesh.xds.model.Protocol;
import io.hybridmesh.xds.model.ServiceEndpoint;
import io.hybridmesh.xds.model.ServicePort;
import io.hybridmesh.xds.model.SidecarWorkload;
import io.hybridmesh.xds.server.SidecarGroup;
import io.hybridmesh.xds.testing.Bootstraps;
import io.hybridmesh.xds.validate.ResourceValidator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whatever the model, the translation passes the validator: shared ports across Services, headless
 * Services over the same pods, Services without endpoints, every protocol. Seeded, so a failure repeats.
 */
class RandomModelsValidityTest {

  private static final Protocol[] PROTOCOLS = Protocol.values();
  private static final Bootstrap APP = Bootstraps.of(new SidecarGroup("shop", "app"));
  private final SidecarTranslator translator = new SidecarTranslator(TranslatorSettings.DEFAULTS);

  @Test
  void everyRandomModelTranslatesToValidResources() {
    // 100 seeds keep this a fast test; the range holds several headless Services over the same pods.
    for (long seed = 201; seed <= 300; seed++) {
      SidecarWorkload workload = randomWorkload(new Random(seed));
      SidecarResources resources = translator.translate(workload);
      assertEquals(List.of(), ResourceValidator.validate(APP, resources), "seed " + seed + ": " + workload);
      assertEquals(resources.contentVersion(), translator.translate(workload).contentVersion(), "seed " + seed);
    }
  }

  private static SidecarWorkload randomWorkload(Random r) {
    List<InboundPort> inbound = new ArrayList<>();
    Map<Integer, Protocol> inboundPorts = new LinkedHashMap<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      inboundPorts.put(port(r), PROTOCOLS[r.nextInt(PROTOCOLS.length)]);
    }
    inboundPorts.forEach((p, protocol) -> inbound.add(new InboundPort(p, protocol)));
    List<MeshService> services = new ArrayList<>();
    int count = r.nextInt(8);
    for (int s = 0; s < count; s++) {
      String namespace = r.nextBoolean() ? "shop" : "ns" + r.nextInt(3);
      boolean headless = r.nextInt(4) == 0;
      Map<Integer, ServicePort> ports = new LinkedHashMap<>();
      for (int p = 1 + r.nextInt(3); p > 0; p--) {
        int number = port(r);
        List<ServiceEndpoint> endpoints = new ArrayList<>();
        for (int e = r.nextInt(4); e > 0; e--) {
          // Few distinct pod IPs, so headless Services often select the same pods.
          endpoints.add(new ServiceEndpoint("10.1.0." + (1 + r.nextInt(5)), 1 + r.nextInt(65535), r.nextBoolean()));
        }
        ports.put(number, new ServicePort(r.nextBoolean() ? "" : "p" + number, number,
            PROTOCOLS[r.nextInt(PROTOCOLS.length)], endpoints));
      }
      List<String> vips = headless ? List.of() : List.of(r.nextBoolean() ? "10.96." + s + ".1" : "fd00:96::" + (s + 1));
      services.add(new MeshService(namespace, "svc" + s, vips, new ArrayList<>(ports.values())));
    }
    return new SidecarWorkload("shop", "app", List.of("10.1.0.200"), inbound, services);
  }

  /** Mostly common ports, so Services share them. */
  private static int port(Random r) {
    int[] common = {80, 443, 8080, 9090, 5432, 6379};
    return r.nextInt(3) == 0 ? 1 + r.nextInt(65535) : common[r.nextInt(common.length)];
  }
}
