package io.hybridmesh.controller.knobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtherMeshTest {

  static PodTemplateSpec template(String container) {
    return new PodTemplateSpecBuilder().withNewMetadata().endMetadata().withNewSpec().addNewContainer()
        .withName(container).endContainer().endSpec().build();
  }

  @Test
  void istioAndLinkerdMarksAreFound() {
    assertEquals("label istio-injection=enabled on the namespace", OtherMesh.find(new ObjectMetaBuilder()
        .withLabels(Map.of("istio-injection", "enabled")).build(), null, template("app")).orElseThrow());
    assertEquals("annotation linkerd.io/inject=enabled on the workload", OtherMesh.find(null, new ObjectMetaBuilder()
        .withAnnotations(Map.of("linkerd.io/inject", "enabled")).build(), template("app")).orElseThrow());
    assertEquals("container istio-proxy in the pod template", OtherMesh.find(null, null, template("istio-proxy"))
        .orElseThrow());
  }

  @Test
  void optingOutOfAnotherMeshIsNotBeingInIt() {
    assertTrue(OtherMesh.find(new ObjectMetaBuilder().withLabels(Map.of("istio-injection", "disabled")).build(),
        new ObjectMetaBuilder().withLabels(Map.of("sidecar.istio.io/inject", "false"))
            .withAnnotations(Map.of("linkerd.io/inject", "disabled")).build(), template("app")).isEmpty());
  }
}
