package io.hybridmesh.controller.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** What differs between the workload kinds the controller handles: where the pod template and selector are. */
public record WorkloadKind<W extends HasMetadata>(String kind, String apiVersion, Class<W> type,
    Function<W, PodTemplateSpec> template, BiConsumer<W, PodTemplateSpec> setTemplate,
    Function<W, LabelSelector> selector) {

  public static final WorkloadKind<Deployment> DEPLOYMENT = new WorkloadKind<>("Deployment", "apps/v1",
      Deployment.class, d -> d.getSpec().getTemplate(), (d, t) -> d.getSpec().setTemplate(t),
      d -> d.getSpec().getSelector());
  public static final WorkloadKind<StatefulSet> STATEFUL_SET = new WorkloadKind<>("StatefulSet", "apps/v1",
      StatefulSet.class, s -> s.getSpec().getTemplate(), (s, t) -> s.getSpec().setTemplate(t),
      s -> s.getSpec().getSelector());
  public static final WorkloadKind<DaemonSet> DAEMON_SET = new WorkloadKind<>("DaemonSet", "apps/v1",
      DaemonSet.class, d -> d.getSpec().getTemplate(), (d, t) -> d.getSpec().setTemplate(t),
      d -> d.getSpec().getSelector());

  /**
   * The WorkloadCapability's name: kind and name, because a Deployment and a StatefulSet may share a name.
   */
  public String reportName(String workloadName) {
    return kind.toLowerCase(Locale.ROOT) + "-" + workloadName;
  }
}
