package io.hybridmesh.controller.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.xds.bootstrap.SidecarBootstrap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SidecarInjectorTest {

  final SidecarInjector injector = new SidecarInjector(SidecarConfig.defaults());

  static PodTemplateSpec app() {
    return new PodTemplateSpecBuilder().withNewMetadata().withAnnotations(Map.of("keep", "me")).endMetadata()
        .withNewSpec().addNewInitContainer().withName("migrate").withImage("m").endInitContainer()
        .addNewContainer().withName("app").withImage("a").endContainer().endSpec().build();
  }

  static List<String> init(PodTemplateSpec t) {
    return t.getSpec().getInitContainers().stream().map(Container::getName).toList();
  }

  @Test
  void injectsTheCaptureThenTheNativeSidecarBeforeTheAppsInitContainers() {
    PodTemplateSpec t = injector.inject(app(), "web");
    assertEquals(List.of("hmesh-init", "hmesh-proxy", "migrate"), init(t));
    Container capture = t.getSpec().getInitContainers().get(0);
    assertEquals(List.of("NET_ADMIN", "NET_RAW"), capture.getSecurityContext().getCapabilities().getAdd());
    String script = capture.getCommand().get(2);
    assertTrue(script.contains("--uid-owner 1337 -j RETURN"), script);
    assertTrue(script.contains("REDIRECT --to-ports 15006") && script.contains("REDIRECT --to-ports 15001"));
    Container proxy = t.getSpec().getInitContainers().get(1);
    assertEquals("Always", proxy.getRestartPolicy());
    assertEquals(1337L, proxy.getSecurityContext().getRunAsUser());
    assertEquals(List.of(15001, 15006), proxy.getPorts().stream().map(p -> p.getContainerPort()).toList());
    assertEquals("--config-yaml", proxy.getArgs().get(0));
    Bootstrap bootstrap = SidecarBootstrap.parseJson(proxy.getArgs().get(1));
    assertEquals(injector.bootstrap("web"), bootstrap, "the builder's bootstrap, as written");
    assertEquals("$(POD_NAME).$(POD_NAMESPACE)", bootstrap.getNode().getId());
    assertEquals("web", bootstrap.getNode().getCluster());
    assertEquals(List.of("xds_cluster hmesh-controller.hybrid-mesh.svc:18000",
        "hmesh-als hmesh-controller.hybrid-mesh.svc:18000"), bootstrap.getStaticResources().getClustersList()
        .stream().map(c -> {
          var a = c.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress();
          return c.getName() + " " + a.getAddress() + ":" + a.getPortValue();
        }).toList(), "ADS and the access-log receiver, both at the controller's Service");
    assertEquals(15000, bootstrap.getAdmin().getAddress().getSocketAddress().getPortValue());
    assertEquals(List.of("metadata.name", "metadata.namespace"), proxy.getEnv().stream()
        .map(e -> e.getValueFrom().getFieldRef().getFieldPath()).toList());
    assertEquals("me", t.getMetadata().getAnnotations().get("keep"));
    assertEquals(List.of("app"), t.getSpec().getContainers().stream().map(Container::getName).toList());
  }

  @Test
  void injectingTwiceIsInjectingOnceAndRemovalRestoresTheTemplate() {
    PodTemplateSpec once = injector.inject(app(), "web");
    assertEquals(once, injector.inject(once, "web"));
    assertTrue(injector.upToDate(once, "web"));
    assertFalse(injector.upToDate(once, "other"), "the node cluster is part of the sidecar");
    PodTemplateSpec removed = injector.remove(once);
    assertEquals(List.of("migrate"), init(removed));
    assertFalse(removed.getMetadata().getAnnotations().containsKey(HybridMeshNames.SIDECAR_HASH_ANNOTATION));
    assertFalse(injector.present(removed));
    assertEquals(app(), removed);
  }

  @Test
  void withATokenExchangeTheSidecarGetsItsPodsProjectedTokenAndTheCaAsAFile() {
    SidecarConfig tls = SidecarConfig.defaults().withControlPlaneCa("-----BEGIN CERTIFICATE-----\nMIIB\n"
        + "-----END CERTIFICATE-----\n").withTokenExchange("https://hmesh-controller.hybrid-mesh.svc:18001/token");
    SidecarInjector withToken = new SidecarInjector(tls);
    PodTemplateSpec t = withToken.inject(app(), "web");
    var token = t.getSpec().getVolumes().stream().filter(v -> v.getName().equals("hmesh-token")).findFirst()
        .orElseThrow().getProjected().getSources().get(0).getServiceAccountToken();
    assertEquals("hybrid-mesh", token.getAudience());
    Container capture = t.getSpec().getInitContainers().get(0);
    assertTrue(capture.getCommand().get(2).startsWith("printf '%s' \"$HMESH_CA\" > /var/run/hybrid-mesh-ca/ca.crt\n"));
    Container proxy = t.getSpec().getInitContainers().get(1);
    assertTrue(proxy.getVolumeMounts().stream().allMatch(m -> Boolean.TRUE.equals(m.getReadOnly())));
    assertTrue(proxy.getEnv().stream().anyMatch(e -> e.getName().equals("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH")));
    var als = withToken.bootstrapSettings().accessLogService(SidecarBootstrap.TOKEN_AUDIENCE);
    assertEquals("https://hmesh-controller.hybrid-mesh.svc:18001/token",
        als.getGoogleGrpc().getCallCredentials(0).getStsService().getTokenExchangeServiceUri());
    assertEquals("hmesh-controller.hybrid-mesh.svc:18000", als.getGoogleGrpc().getTargetUri());
    assertNotEquals(SidecarInjector.hash(injector.sidecar("web")), SidecarInjector.hash(withToken.sidecar("web")));
    assertEquals(app(), withToken.remove(t), "removal takes the volumes too");
  }

  @Test
  void aConfigChangeChangesTheHash() {
    SidecarConfig d = SidecarConfig.defaults();
    SidecarInjector newer = new SidecarInjector(new SidecarConfig("envoy:next", d.initImage(), d.proxyUid(),
        d.xdsHost(), d.xdsPort(), d.outboundPort(), d.inboundPort(), d.adminPort(), d.cpuRequest(),
        d.memoryRequest(), d.cpuLimit(), d.memoryLimit()));
    PodTemplateSpec t = injector.inject(app(), "web");
    assertFalse(newer.upToDate(t, "web"));
    assertNotEquals(t.getMetadata().getAnnotations().get(HybridMeshNames.SIDECAR_HASH_ANNOTATION),
        newer.inject(t, "web").getMetadata().getAnnotations().get(HybridMeshNames.SIDECAR_HASH_ANNOTATION));
  }
}
