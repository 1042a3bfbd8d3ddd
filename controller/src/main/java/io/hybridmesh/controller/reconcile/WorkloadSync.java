package io.hybridmesh.controller.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.controller.facts.ClusterView;
import io.hybridmesh.controller.facts.FactGatherer;
import io.hybridmesh.controller.facts.WorkloadFacts;
import io.hybridmesh.controller.sidecar.SidecarInjector;
import io.hybridmesh.controller.status.Plan;
import io.hybridmesh.controller.status.Plan.Note;
import io.hybridmesh.controller.status.StatusBuilder;
import io.hybridmesh.controller.mesh.SidecarRejectionStore;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilityStatus;
import io.hybridmesh.controller.status.WorkloadPlanner;
import java.time.Clock;
import io.hybridmesh.controller.knobs.Problem;
import io.hybridmesh.controller.placement.CapableNodeAffinity;
import io.hybridmesh.controller.status.Plan.AffinityAction;
import io.hybridmesh.controller.status.Plan.SidecarAction;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * One workload, start to end: gather its facts, plan, put the sidecar in or take it out, write the report,
 * tell the user. The reconcilers call only this; everything it decides comes from the pure planner.
 */
public final class WorkloadSync {

  private static final Logger LOG = Logger.getLogger(WorkloadSync.class.getName());

  private final KubernetesClient client;
  private final FactGatherer gatherer;
  private final WorkloadPlanner planner;
  private final SidecarInjector injector;
  private final StatusWriter writer;
  private final EventRecorder events;
  private final Clock clock;
  private final SidecarRejectionStore rejections;
  /** The last failure reported per workload, so a retry loop reports each distinct failure once. */
  private final Map<String, String> lastFailure = new ConcurrentHashMap<>();

  public WorkloadSync(KubernetesClient client, FactGatherer gatherer, WorkloadPlanner planner,
      SidecarInjector injector, Clock clock) {
    this(client, gatherer, planner, injector, clock, new SidecarRejectionStore());
  }

  /** @param rejections what the sidecars said of their configuration, from the xDS server */
  public WorkloadSync(KubernetesClient client, FactGatherer gatherer, WorkloadPlanner planner,
      SidecarInjector injector, Clock clock, SidecarRejectionStore rejections) {
    this.rejections = rejections;
    this.client = client;
    this.gatherer = gatherer;
    this.planner = planner;
    this.injector = injector;
    this.writer = new StatusWriter(client);
    this.events = new EventRecorder(client, clock);
    this.clock = clock;
  }

  public <W extends HasMetadata> void sync(WorkloadKind<W> kind, W workload, ClusterView view) {
    String ns = workload.getMetadata().getNamespace();
    String report = kind.reportName(workload.getMetadata().getName());
    // Read from the API server, not the informer: a cache one write behind would make the next reconcile
    // write the same status again.
    WorkloadCapability current = writer.current(ns, report);
    WorkloadFacts facts = gatherer.gather(workload, kind.template().apply(workload),
        kind.selector().apply(workload), view);
    if (!facts.knobs().optedIn()) {
      optOut(kind, workload, current);
      return;
    }
    Plan plan = planner.plan(facts, current == null ? null : current.getStatus(), generation(workload),
        clock.instant());
    W after = applyToTemplate(kind, workload, plan.sidecar(), plan.affinity());
    if (after == null) {
      return; // the workload is gone; its report goes with it
    }
    if (generation(after) != generation(workload)) {
      // The template write bumped the generation; the report says which one it describes.
      plan = planner.plan(facts, current == null ? null : current.getStatus(), generation(after), clock.instant());
    }
    String rejected = rejections.rejection(ns, workload.getMetadata().getName());
    String refused = rejections.refusal(ns, workload.getMetadata().getName());
    WorkloadCapabilityStatus previous = current == null ? null : current.getStatus();
    WorkloadCapabilityStatus status = StatusBuilder.withSidecarConfig(previous, plan.status(), rejected, refused,
        clock.instant());
    // Events first: should the status write fail, the retry tells the user again rather than never.
    plan.events().forEach(n -> events.record(kind, after, n));
    boolean sidecar = "SIDECAR".equals(status.getDataPath());
    if (sidecar && refused != null && !StatusBuilder.sidecarConfigReports(previous, refused)) {
      events.record(kind, after, new Note(true, "SidecarConfigRefused", refused));
    }
    if (sidecar && rejected != null && !StatusBuilder.sidecarConfigReports(previous, rejected)) {
      events.record(kind, after, new Note(true, "SidecarConfigRejected", rejected));
    }
    writer.write(kind, after, current, status);
    lastFailure.remove(key(kind, workload));
  }

  public SidecarRejectionStore rejections() {
    return rejections;
  }

  /**
   * Called by the reconciler when a reconcile failed (conflicts, an API server away): the report says so,
   * once per distinct message, and JOSDK retries with backoff. Never throws.
   */
  public <W extends HasMetadata> void recordFailure(WorkloadKind<W> kind, W workload, Exception e) {
    String message = "Reconciling " + kind.kind() + " " + workload.getMetadata().getName() + " failed: "
        + e.getMessage() + ". The controller retries with backoff; if this persists, check the API server and "
        + "the controller's RBAC (it needs get/list/watch/patch on the workload and WorkloadCapabilities).";
    if (Objects.equals(message, lastFailure.put(key(kind, workload), message))) {
      return;
    }
    events.record(kind, workload, new Note(true, Problem.RECONCILE_FAILED, message));
    try {
      String ns = workload.getMetadata().getNamespace();
      WorkloadCapability current = writer.current(ns, kind.reportName(workload.getMetadata().getName()));
      if (current != null) {
        writer.write(kind, workload, current, StatusBuilder.withFailure(current.getStatus(), message, clock.instant()));
      }
    } catch (RuntimeException again) {
      LOG.warning("could not report a failed reconcile of " + workload.getMetadata().getName() + ": "
          + again.getMessage());
    }
  }

  private <W extends HasMetadata> void optOut(WorkloadKind<W> kind, W workload, WorkloadCapability current) {
    if (applyToTemplate(kind, workload, SidecarAction.REMOVE, AffinityAction.REMOVE) != null && current != null) {
      writer.delete(workload.getMetadata().getNamespace(), current.getMetadata().getName());
    }
  }

  /**
   * Puts the sidecar and the preferred node affinity in or takes them out, in one template write, so pods
   * roll once however many of them change; no write when the template already says it.
   *
   * @return the workload as written, the same one when nothing changed, or null when it was deleted meanwhile
   */
  private <W extends HasMetadata> W applyToTemplate(WorkloadKind<W> kind, W workload, SidecarAction sidecar,
      AffinityAction affinity) {
    PodTemplateSpec template = kind.template().apply(workload);
    String name = workload.getMetadata().getName();
    List<UnaryOperator<PodTemplateSpec>> changes = new ArrayList<>();
    List<Note> notes = new ArrayList<>();
    if (sidecar == SidecarAction.INJECT && !injector.upToDate(template, name)) {
      changes.add(t -> injector.inject(t, name));
      notes.add(new Note(false, "SidecarInjected", "Injected the Envoy sidecar (" + SidecarInjector.PROXY
          + ") and traffic capture (" + SidecarInjector.INIT + ") into the pod template; pods roll once."));
    } else if (sidecar == SidecarAction.REMOVE && injector.present(template)) {
      changes.add(injector::remove);
      notes.add(new Note(false, "SidecarRemoved", "Removed the Envoy sidecar and traffic capture from the pod "
          + "template; pods roll once."));
    }
    boolean wanted = affinity == AffinityAction.ADD;
    if (affinity != AffinityAction.LEAVE && !CapableNodeAffinity.upToDate(template, wanted)) {
      changes.add(t -> CapableNodeAffinity.apply(t, wanted));
      notes.add(wanted
          ? new Note(false, "PlacementAffinityAdded", "Added a preferred node affinity to nodes labelled "
              + HybridMeshNames.TLS_CAPABLE_LABEL + "=true (hybridmesh.io/placement: prefer-capable); pods roll once.")
          : new Note(false, "PlacementAffinityRemoved", "Removed the preferred node affinity to nodes labelled "
              + HybridMeshNames.TLS_CAPABLE_LABEL + "=true; pods roll once."));
    }
    if (changes.isEmpty()) {
      return workload;
    }
    return editTemplate(kind, workload, t -> {
      PodTemplateSpec out = t;
      for (UnaryOperator<PodTemplateSpec> c : changes) {
        out = c.apply(out);
      }
      return out;
    }, notes);
  }

  /**
   * Rewrites the template of the workload as the API server has it now (not the cached copy), so a user's
   * concurrent change is kept. JSON patch, not server-side apply: it works on every API server.
   *
   * @return the updated workload, or null when it was deleted meanwhile
   */
  private <W extends HasMetadata> W editTemplate(WorkloadKind<W> kind, W workload, UnaryOperator<PodTemplateSpec> change,
      List<Note> notes) {
    try {
      W updated = client.resources(kind.type()).inNamespace(workload.getMetadata().getNamespace())
          .withName(workload.getMetadata().getName()).edit(fresh -> {
            kind.setTemplate().accept(fresh, change.apply(kind.template().apply(fresh)));
            return fresh;
          });
      notes.forEach(n -> events.record(kind, updated, n));
      return updated;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        LOG.info(kind.kind() + " " + workload.getMetadata().getNamespace() + "/" + workload.getMetadata().getName()
            + " was deleted while being reconciled; nothing to do");
        return null;
      }
      throw e;
    }
  }

  private static String key(WorkloadKind<?> kind, HasMetadata w) {
    return kind.kind() + "/" + w.getMetadata().getNamespace() + "/" + w.getMetadata().getName();
  }

  private static long generation(HasMetadata w) {
    Long g = w.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }
}
