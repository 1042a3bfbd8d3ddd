package io.hybridmesh.controller.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilitySpec;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilityStatus;
import io.hybridmesh.api.v1alpha1.WorkloadReference;
import java.util.List;
import java.util.Map;

/**
 * The one place WorkloadCapability objects are written. Writes only what differs, so a reconcile over
 * unchanged facts writes nothing. The report is owned by its workload (a controller ownerReference), so the
 * garbage collector deletes it with the workload.
 */
public final class StatusWriter {

  private final KubernetesClient client;

  public StatusWriter(KubernetesClient client) {
    this.client = client;
  }

  public WorkloadCapability current(String namespace, String name) {
    return client.resources(WorkloadCapability.class).inNamespace(namespace).withName(name).get();
  }

  /** @return whether anything was written */
  public boolean write(WorkloadKind<?> kind, HasMetadata workload, WorkloadCapability current,
      WorkloadCapabilityStatus desired) {
    String ns = workload.getMetadata().getNamespace();
    String name = kind.reportName(workload.getMetadata().getName());
    if (current == null) {
      current = client.resources(WorkloadCapability.class).inNamespace(ns).resource(fresh(kind, workload, name))
          .create();
    } else if (same(current.getStatus(), desired)) {
      return false;
    }
    client.resources(WorkloadCapability.class).inNamespace(ns).withName(name).editStatus(w -> {
      w.setStatus(desired);
      return w;
    });
    return true;
  }

  public void delete(String namespace, String name) {
    client.resources(WorkloadCapability.class).inNamespace(namespace).withName(name).delete();
  }

  static OwnerReference owner(WorkloadKind<?> kind, HasMetadata workload) {
    return new OwnerReferenceBuilder().withApiVersion(kind.apiVersion()).withKind(kind.kind())
        .withName(workload.getMetadata().getName()).withUid(workload.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(false).build();
  }

  private static WorkloadCapability fresh(WorkloadKind<?> kind, HasMetadata workload, String name) {
    WorkloadCapability w = new WorkloadCapability();
    w.getMetadata().setName(name);
    w.getMetadata().setNamespace(workload.getMetadata().getNamespace());
    w.getMetadata().setLabels(Map.of(HybridMeshNames.WORKLOAD_KIND_LABEL, kind.kind(),
        HybridMeshNames.WORKLOAD_NAME_LABEL, workload.getMetadata().getName()));
    w.getMetadata().setOwnerReferences(List.of(owner(kind, workload)));
    WorkloadCapabilitySpec spec = new WorkloadCapabilitySpec();
    spec.setWorkload(new WorkloadReference(kind.apiVersion(), kind.kind(), workload.getMetadata().getName()));
    w.setSpec(spec);
    return w;
  }

  /** Equal as JSON: what the API server stores is all that matters. */
  static boolean same(WorkloadCapabilityStatus a, WorkloadCapabilityStatus b) {
    JsonNode x = Serialization.jsonMapper().valueToTree(a);
    JsonNode y = Serialization.jsonMapper().valueToTree(b);
    return x.equals(y);
  }
}
