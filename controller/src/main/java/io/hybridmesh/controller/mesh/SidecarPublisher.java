package io.hybridmesh.controller.mesh;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.xds.als.SidecarDirectory;
import io.hybridmesh.xds.als.SidecarIdentity;
import io.hybridmesh.xds.model.SidecarWorkload;
import io.hybridmesh.xds.server.PublishReport;
import io.hybridmesh.xds.server.SidecarSnapshots;
import io.hybridmesh.xds.validate.ConfigProblem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Keeps every sidecar's configuration in step with the cluster: watches the reports, pods, Services and
 * EndpointSlices, and every few seconds builds the mesh model ({@link MeshModel}) for the workloads whose
 * report says SIDECAR and publishes it (unchanged workloads are not touched, so Envoy gets no push).
 * Also answers the access-log receiver's "who is this sidecar" from the same pod cache. A workload's
 * configuration that fails the check against its sidecars' bootstrap is not published; the refusal goes to
 * the {@link SidecarRejectionStore}, from which the workload's report and a Warning Event say why.
 */
public final class SidecarPublisher implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(SidecarPublisher.class.getName());

  private final SidecarSnapshots snapshots;
  private final SidecarRejectionStore outcomes;
  private final SharedIndexInformer<WorkloadCapability> reports;
  private final SharedIndexInformer<Pod> pods;
  private final SharedIndexInformer<Service> services;
  private final SharedIndexInformer<EndpointSlice> slices;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "hmesh-sidecar-publisher");
    t.setDaemon(true);
    return t;
  });
  private final Set<String> reported = new HashSet<>();

  /** @param outcomes where refused configurations are recorded for the workloads' reports */
  public SidecarPublisher(KubernetesClient client, SidecarSnapshots snapshots, SidecarRejectionStore outcomes) {
    this.snapshots = snapshots;
    this.outcomes = outcomes;
    this.reports = client.resources(WorkloadCapability.class).inAnyNamespace().inform();
    this.pods = client.pods().inAnyNamespace().inform();
    this.services = client.services().inAnyNamespace().inform();
    this.slices = client.discovery().v1().endpointSlices().inAnyNamespace().inform();
  }

  public SidecarPublisher start(long periodSeconds) {
    timer.scheduleWithFixedDelay(this::publishQuietly, 0, periodSeconds, TimeUnit.SECONDS);
    return this;
  }

  private void publishQuietly() {
    try {
      publish();
    } catch (RuntimeException e) {
      LOG.warning("could not publish sidecar configurations: " + e.getMessage() + "; retrying");
    }
  }

  /** Builds and publishes the model now; returns what the publication did. */
  public PublishReport publish() {
    MeshModel.Result mesh = MeshModel.services(services.getStore().list(), slices.getStore().list());
    mesh.skipped().forEach(this::once);
    List<SidecarWorkload> workloads = new ArrayList<>();
    for (WorkloadCapability w : reports.getStore().list()) {
      if (w.getStatus() == null || !"SIDECAR".equals(w.getStatus().getDataPath()) || w.getSpec() == null
          || w.getSpec().getWorkload() == null) {
        continue;
      }
      String ns = w.getMetadata().getNamespace();
      String kind = w.getSpec().getWorkload().getKind();
      String name = w.getSpec().getWorkload().getName();
      List<Pod> own = pods.getStore().list().stream()
          .filter(p -> ns.equals(p.getMetadata().getNamespace()))
          .filter(p -> MeshModel.owner(p).map(o -> o[0].equals(kind) && o[1].equals(name)).orElse(false))
          .toList();
      MeshModel.workload(ns, name, own, mesh.services()).ifPresentOrElse(workloads::add,
          () -> once("workload " + ns + "/" + name + " cannot be modelled (its pods' addresses or ports)"));
    }
    PublishReport report = snapshots.publish(workloads);
    report.invalid().forEach((group, problems) -> once("the sidecar configuration of " + group
        + " failed validation and was not sent: " + problems.stream().map(ConfigProblem::message)
        .collect(Collectors.joining("; "))));
    outcomes.refusedInLatestPublication(report.invalid());
    return report;
  }

  /**
   * The sidecar streams' lookup: node id {@code <pod>.<namespace>} to the pod behind it, with what proves a
   * caller is that pod (its addresses, its service account, whether it is on the host network).
   */
  public SidecarDirectory directory() {
    return nodeId -> {
      int dot = nodeId.lastIndexOf('.'); // namespaces have no dots; pod names may
      if (dot <= 0) {
        return Optional.empty();
      }
      Pod pod = pods.getStore().getByKey(nodeId.substring(dot + 1) + "/" + nodeId.substring(0, dot));
      if (pod == null) {
        return Optional.empty();
      }
      String[] owner = MeshModel.owner(pod).orElse(new String[] {"Pod", pod.getMetadata().getName()});
      List<String> ips = pod.getStatus() == null || pod.getStatus().getPodIPs() == null ? List.of()
          : pod.getStatus().getPodIPs().stream().map(PodIP::getIp).filter(ip -> ip != null && !ip.isEmpty()).toList();
      var spec = pod.getSpec();
      return Optional.of(new SidecarIdentity(pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
          owner[1], owner[0], spec == null || spec.getNodeName() == null ? "" : spec.getNodeName(), ips,
          spec == null || spec.getServiceAccountName() == null ? "default" : spec.getServiceAccountName(),
          spec != null && Boolean.TRUE.equals(spec.getHostNetwork())));
    };
  }

  /** Logs a problem once, not at every publication. */
  private synchronized void once(String problem) {
    if (reported.add(problem)) {
      LOG.warning(problem);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    reports.close();
    pods.close();
    services.close();
    slices.close();
  }
}
