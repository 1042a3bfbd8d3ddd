package io.hybridmesh.controller.reconcile;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import io.hybridmesh.controller.placement.NodeLabels;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Labels each Node {@value HybridMeshNames#TLS_CAPABLE_LABEL} from its NodeCapability, the target of the
 * preferred affinity of {@code hybridmesh.io/placement: prefer-capable}. Thin: what the label should be is
 * {@link NodeLabels}; this patches the one label when it differs (JSON merge patch: no read, nothing else of
 * the Node touched). A NodeCapability's change or deletion reconciles the Node of the same name.
 */
public final class NodeLabelReconciler implements Reconciler<Node> {

  private static final Logger LOG = Logger.getLogger(NodeLabelReconciler.class.getName());

  private final KubernetesClient client;

  public NodeLabelReconciler(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public UpdateControl<Node> reconcile(Node node, Context<Node> context) {
    String name = node.getMetadata().getName();
    Optional<NodeCapability> capability = context.getSecondaryResource(NodeCapability.class);
    Optional<String> desired = NodeLabels.desired(name, capability.orElse(null));
    if (!NodeLabels.upToDate(node.getMetadata().getLabels(), desired)) {
      try {
        client.nodes().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch(desired));
        LOG.info(() -> "node " + name + ": " + HybridMeshNames.TLS_CAPABLE_LABEL + "=" + desired.orElse("(removed)"));
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e; // JOSDK retries with backoff
        }
      }
    }
    return UpdateControl.noUpdate();
  }

  /**
   * Sets the label, or removes it (null in a merge patch deletes the key). Written out by hand: the value is
   * "true" or "false", and a general serializer might leave the null out, which would leave the label in.
   */
  static String mergePatch(Optional<String> value) {
    String v = value.map(x -> "\"" + Boolean.parseBoolean(x) + "\"").orElse("null");
    return "{\"metadata\":{\"labels\":{\"" + HybridMeshNames.TLS_CAPABLE_LABEL + "\":" + v + "}}}";
  }

  @Override
  public List<EventSource<?, Node>> prepareEventSources(EventSourceContext<Node> context) {
    InformerEventSourceConfiguration<NodeCapability> capabilities = InformerEventSourceConfiguration
        .from(NodeCapability.class, Node.class)
        .withSecondaryToPrimaryMapper(c -> Set.of(new ResourceID(c.getMetadata().getName())))
        .withPrimaryToSecondaryMapper(n -> Set.of(new ResourceID(((Node) n).getMetadata().getName())))
        .build();
    return List.of(new InformerEventSource<>(capabilities, context));
  }
}
