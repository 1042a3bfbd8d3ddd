package io.hybridmesh.controller.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import io.hybridmesh.controller.facts.ClusterView;
import io.hybridmesh.controller.facts.LabelSelectors;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;

/** The cluster as the reconciler's informer caches hold it; no API call. */
final class InformerClusterView<W extends HasMetadata> implements ClusterView {

  private final Context<W> context;

  InformerClusterView(Context<W> context) {
    this.context = context;
  }

  @Override
  public Optional<Namespace> namespace(String name) {
    return source(Namespace.class).get(new ResourceID(name));
  }

  @Override
  public List<Pod> pods(String namespace, LabelSelector selector) {
    return source(Pod.class).list(namespace, p -> LabelSelectors.matches(selector, p.getMetadata().getLabels()))
        .toList();
  }

  @Override
  public List<Node> nodes() {
    return source(Node.class).list().toList();
  }

  @Override
  public Optional<Node> node(String name) {
    return source(Node.class).get(new ResourceID(name));
  }

  @Override
  public Optional<NodeCapability> nodeCapability(String node) {
    return source(NodeCapability.class).get(new ResourceID(node));
  }

  @SuppressWarnings("unchecked")
  private <R extends HasMetadata> InformerEventSource<R, W> source(Class<R> type) {
    return (InformerEventSource<R, W>) context.eventSourceRetriever().getEventSourceFor(type);
  }
}
