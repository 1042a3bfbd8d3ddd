package io.hybridmesh.controller.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import io.hybridmesh.api.v1alpha1.UprobeHitCost;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.controller.facts.LabelSelectors;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The informers a reconciler watches, with the mappers from each change to the workloads it may concern and
 * the filters that drop changes no decision depends on (node heartbeats, pod status churn).
 */
final class FactInformers {

  private FactInformers() {}

  static <W extends HasMetadata> InformerEventSourceConfiguration<Namespace> namespaces(EventSourceContext<W> c) {
    return InformerEventSourceConfiguration.from(Namespace.class, c.getPrimaryResourceClass())
        .withSecondaryToPrimaryMapper(ns -> inNamespace(c, ns.getMetadata().getName()))
        .withOnUpdateFilter((now, before) -> !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels())
            || !Objects.equals(now.getMetadata().getAnnotations(), before.getMetadata().getAnnotations()))
        .build();
  }

  static <W extends HasMetadata> InformerEventSourceConfiguration<Pod> pods(EventSourceContext<W> c) {
    return InformerEventSourceConfiguration.from(Pod.class, c.getPrimaryResourceClass())
        .withSecondaryToPrimaryMapper(pod -> c.getPrimaryCache().list(pod.getMetadata().getNamespace(),
                w -> LabelSelectors.matches(selector(c, w), pod.getMetadata().getLabels()))
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .withOnUpdateFilter((now, before) -> !Objects.equals(probe(now), probe(before))
            || !Objects.equals(nodeName(now), nodeName(before))
            || !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels())
            || (now.getMetadata().getDeletionTimestamp() != null) != (before.getMetadata().getDeletionTimestamp() != null))
        .build();
  }

  static <W extends HasMetadata> InformerEventSourceConfiguration<Node> nodes(EventSourceContext<W> c) {
    return InformerEventSourceConfiguration.from(Node.class, c.getPrimaryResourceClass())
        .withSecondaryToPrimaryMapper(n -> all(c))
        // Nodes update their status every few seconds; only the kernel and the labels matter here.
        .withOnUpdateFilter((now, before) -> !Objects.equals(kernel(now), kernel(before))
            || !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels()))
        .build();
  }

  static <W extends HasMetadata> InformerEventSourceConfiguration<NodeCapability> nodeCapabilities(
      EventSourceContext<W> c) {
    return InformerEventSourceConfiguration.from(NodeCapability.class, c.getPrimaryResourceClass())
        .withSecondaryToPrimaryMapper(n -> all(c))
        // The agent refreshes lastHeartbeat periodically; a heartbeat alone is not a new fact.
        .withOnUpdateFilter((now, before) -> !Objects.equals(withoutHeartbeat(now), withoutHeartbeat(before)))
        .build();
  }

  static <W extends HasMetadata> InformerEventSourceConfiguration<WorkloadCapability> reports(
      EventSourceContext<W> c, WorkloadKind<W> kind) {
    return InformerEventSourceConfiguration.from(WorkloadCapability.class, c.getPrimaryResourceClass())
        .withLabelSelector(HybridMeshNames.WORKLOAD_KIND_LABEL + "=" + kind.kind())
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(c.getPrimaryResourceClass()))
        .build();
  }

  private static <W extends HasMetadata> Set<ResourceID> inNamespace(EventSourceContext<W> c, String ns) {
    return c.getPrimaryCache().list(ns, w -> true).map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  private static <W extends HasMetadata> Set<ResourceID> all(EventSourceContext<W> c) {
    return c.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  @SuppressWarnings("unchecked")
  private static <W extends HasMetadata> io.fabric8.kubernetes.api.model.LabelSelector selector(
      EventSourceContext<W> c, W w) {
    Class<W> type = c.getPrimaryResourceClass();
    for (WorkloadKind<?> k : new WorkloadKind<?>[] {WorkloadKind.DEPLOYMENT, WorkloadKind.STATEFUL_SET,
        WorkloadKind.DAEMON_SET}) {
      if (k.type() == type) {
        return ((WorkloadKind<W>) k).selector().apply(w);
      }
    }
    return null;
  }

  private static String probe(Pod p) {
    Map<String, String> a = p.getMetadata().getAnnotations();
    return a == null ? null : a.get(HybridMeshNames.PROBE_ANNOTATION);
  }

  private static String nodeName(Pod p) {
    return p.getSpec() == null ? null : p.getSpec().getNodeName();
  }

  private static String kernel(Node n) {
    return n.getStatus() == null || n.getStatus().getNodeInfo() == null ? null
        : n.getStatus().getNodeInfo().getKernelVersion();
  }

  private static String withoutHeartbeat(NodeCapability n) {
    if (n.getSpec() == null) {
      return null;
    }
    UprobeHitCost cost = n.getSpec().getUprobeCost();
    // The measured pair costs go into every report's expected CPU per TLS call; when they were measured and
    // how long that took do not.
    String costs = cost == null ? "-" : cost.getEmulatedPairNs() + "|" + cost.getSingleSteppedPairNs() + "|"
        + cost.getNote();
    return n.getSpec().getKernelRelease() + "|" + n.getSpec().getBtf() + "|" + n.getSpec().getFeatures() + "|"
        + n.getSpec().getAgentVersion() + "|" + costs;
  }
}
