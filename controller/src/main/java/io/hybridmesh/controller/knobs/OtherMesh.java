package io.hybridmesh.controller.knobs;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds workloads that already belong to Istio or Linkerd. A second traffic redirector in the same pod
 * would capture traffic twice, so such workloads are left alone, with a reason saying which mark was seen.
 */
public final class OtherMesh {

  private OtherMesh() {}

  /** @return what shows the workload is in another mesh, e.g. "label istio-injection=enabled on the namespace" */
  public static Optional<String> find(ObjectMeta namespace, ObjectMeta workload, PodTemplateSpec template) {
    List<String> marks = new ArrayList<>();
    if (namespace != null) {
      marks(namespace.getLabels(), "label", "namespace", marks);
      marks(namespace.getAnnotations(), "annotation", "namespace", marks);
    }
    if (workload != null) {
      marks(workload.getLabels(), "label", "workload", marks);
      marks(workload.getAnnotations(), "annotation", "workload", marks);
    }
    if (template != null && template.getMetadata() != null) {
      marks(template.getMetadata().getLabels(), "label", "pod template", marks);
      marks(template.getMetadata().getAnnotations(), "annotation", "pod template", marks);
    }
    if (template != null && template.getSpec() != null) {
      List<Container> all = new ArrayList<>();
      if (template.getSpec().getContainers() != null) {
        all.addAll(template.getSpec().getContainers());
      }
      if (template.getSpec().getInitContainers() != null) {
        all.addAll(template.getSpec().getInitContainers());
      }
      for (Container c : all) {
        if ("istio-proxy".equals(c.getName()) || "linkerd-proxy".equals(c.getName())) {
          marks.add("container " + c.getName() + " in the pod template");
        }
      }
    }
    return marks.isEmpty() ? Optional.empty() : Optional.of(marks.get(0));
  }

  private static void marks(Map<String, String> m, String what, String where, List<String> out) {
    if (m == null) {
      return;
    }
    m.forEach((k, v) -> {
      if (inMesh(k, v)) {
        out.add(what + " " + k + "=" + v + " on the " + where);
      }
    });
  }

  static boolean inMesh(String key, String value) {
    String v = value == null ? "" : value.trim();
    return switch (key) {
      case "sidecar.istio.io/inject" -> v.equals("true");
      case "istio-injection" -> v.equals("enabled");
      case "istio.io/rev" -> !v.isEmpty();
      case "istio.io/dataplane-mode" -> v.equals("ambient");
      case "sidecar.istio.io/status", "linkerd.io/proxy-version" -> true;
      case "linkerd.io/inject" -> v.equals("enabled") || v.equals("ingress");
      default -> false;
    };
  }
}
