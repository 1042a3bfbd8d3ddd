package io.hybridmesh.controller.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reconciles one workload kind. Thin: the work is in {@link WorkloadSync}; this wires the informers whose
 * changes can change a decision (namespaces, pods, nodes, NodeCapabilities, the reports themselves).
 */
public abstract class WorkloadReconciler<W extends HasMetadata> implements Reconciler<W> {

  private final WorkloadKind<W> kind;
  private final WorkloadSync sync;
  private final AtomicLong reconciles = new AtomicLong();

  protected WorkloadReconciler(WorkloadKind<W> kind, WorkloadSync sync) {
    this.kind = kind;
    this.sync = sync;
  }

  public WorkloadKind<W> kind() {
    return kind;
  }

  /** Reconciles finished so far (for tests and metrics). */
  public long reconciles() {
    return reconciles.get();
  }

  @Override
  public UpdateControl<W> reconcile(W workload, Context<W> context) {
    sync.sync(kind, workload, new InformerClusterView<>(context));
    reconciles.incrementAndGet();
    // Nothing to patch on the workload itself: its template was edited (or not) by WorkloadSync.
    return UpdateControl.noUpdate();
  }

  @Override
  public ErrorStatusUpdateControl<W> updateErrorStatus(W workload, Context<W> context, Exception e) {
    sync.recordFailure(kind, workload, e);
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  @Override
  public List<EventSource<?, W>> prepareEventSources(EventSourceContext<W> context) {
    // A sidecar's answer to its configuration changes the report: reconcile that workload (of this kind;
    // an id of another kind's workload finds nothing and is dropped by JOSDK).
    SimpleInboundEventSource<W> sidecarAnswers = new SimpleInboundEventSource<>();
    sync.rejections().onChange((namespace, name) -> sidecarAnswers.propagateEvent(new ResourceID(name, namespace)));
    return List.of(sidecarAnswers,
        new InformerEventSource<>(FactInformers.namespaces(context), context),
        new InformerEventSource<>(FactInformers.pods(context), context),
        new InformerEventSource<>(FactInformers.nodes(context), context),
        new InformerEventSource<>(FactInformers.nodeCapabilities(context), context),
        new InformerEventSource<>(FactInformers.reports(context, kind), context));
  }
}
