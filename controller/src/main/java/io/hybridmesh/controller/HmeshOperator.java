package io.hybridmesh.controller;

import io.hybridmesh.controller.mesh.SidecarRejectionStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridmesh.controller.facts.FactGatherer;
import io.hybridmesh.controller.facts.ProbeKinds;
import io.hybridmesh.controller.reconcile.DaemonSetReconciler;
import io.hybridmesh.controller.reconcile.DeploymentReconciler;
import io.hybridmesh.controller.reconcile.NodeLabelReconciler;
import io.hybridmesh.controller.reconcile.StatefulSetReconciler;
import io.hybridmesh.controller.reconcile.WorkloadReconciler;
import io.hybridmesh.controller.reconcile.WorkloadSync;
import io.hybridmesh.controller.sidecar.SidecarInjector;
import io.hybridmesh.controller.status.WorkloadPlanner;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The controller: one JOSDK Operator with a reconciler per workload kind. Works against any API server,
 * including ones without server-side apply (JOSDK's SSA is off; writes are JSON patches).
 */
public final class HmeshOperator implements AutoCloseable {

  private final Operator operator;
  private final List<WorkloadReconciler<?>> reconcilers;

  private HmeshOperator(Operator operator, List<WorkloadReconciler<?>> reconcilers) {
    this.operator = operator;
    this.reconcilers = reconcilers;
  }

  /** Registers the reconcilers and starts; with leader election, reconciling starts once the Lease is won. */
  public static HmeshOperator start(KubernetesClient client, ControllerSettings s) {
    return start(client, s, new SidecarRejectionStore());
  }

  /** @param rejections where the xDS server records what sidecars refused, for their reports */
  public static HmeshOperator start(KubernetesClient client, ControllerSettings s, SidecarRejectionStore rejections) {
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          // An API server that is away at start is waited for, not a reason to exit and crash-loop.
          .withStopOnInformerErrorDuringStartup(false);
      if (s.leaseName() != null) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(s.leaseName(), s.leaseNamespace(),
            LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
            LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, null, null, s.exitOnLostLease()));
      }
    });
    WorkloadSync sync = new WorkloadSync(client, new FactGatherer(s.defaultFallback()),
        new WorkloadPlanner(ProbeKinds.AGENT_SUPPORTS), new SidecarInjector(s.sidecar()), Clock.systemUTC(), rejections);
    List<WorkloadReconciler<?>> reconcilers = List.of(new DeploymentReconciler(sync),
        new StatefulSetReconciler(sync), new DaemonSetReconciler(sync));
    reconcilers.forEach(r -> register(operator, r, s));
    operator.register(new NodeLabelReconciler(client), c -> c.withName("nodelabels")
        .withRetry(retry(s))
        .withGenerationAware(false)
        // Nodes update their status every few seconds; only their labels concern this reconciler.
        .withOnUpdateFilter((now, before) -> !Objects.equals(now.getMetadata().getLabels(),
            before.getMetadata().getLabels())));
    operator.start();
    return new HmeshOperator(operator, reconcilers);
  }

  private static <W extends HasMetadata> void register(Operator operator, WorkloadReconciler<W> r,
      ControllerSettings s) {
    operator.register(r, c -> c.withName(r.kind().kind().toLowerCase() + "s")
        .withRetry(retry(s))
        // Knobs are annotations, which do not bump the generation: look at them as well.
        .withGenerationAware(false)
        .withOnUpdateFilter((now, before) -> !Objects.equals(now.getMetadata().getGeneration(),
                before.getMetadata().getGeneration())
            || !Objects.equals(annotations(now), annotations(before))
            || !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels())));
  }

  private static GenericRetry retry(ControllerSettings s) {
    return new GenericRetry().setInitialInterval(s.retryInitial().toMillis()).setIntervalMultiplier(2)
        .setMaxInterval(s.retryMax().toMillis()).withoutMaxAttempts();
  }

  private static Map<String, String> annotations(HasMetadata m) {
    return m.getMetadata().getAnnotations() == null ? Map.of() : m.getMetadata().getAnnotations();
  }

  /** Reconciles finished so far, over every kind. */
  public long reconciles() {
    return reconcilers.stream().mapToLong(WorkloadReconciler::reconciles).sum();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
