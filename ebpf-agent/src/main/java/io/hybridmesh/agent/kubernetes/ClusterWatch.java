package io.hybridmesh.agent.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The agent's informers: this node's pods (field selector {@code spec.nodeName}), Services and their
 * EndpointSlices into the {@link PodDirectory}, and the WorkloadCapability reports' data paths. Informers
 * retry on their own when the API server is away; the first failure of each is logged, not thrown.
 */
public final class ClusterWatch implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ClusterWatch.class.getName());

  /** What the agent reads from a pod besides its PodInfo: the two annotations it cares about. */
  public record PodAnnotations(String probe, String tlsProbe, String observedPorts) {}

  private final KubernetesClient client;
  private final String nodeName;
  private final PodDirectory directory;
  private final Map<String, PodAnnotations> annotations = new ConcurrentHashMap<>();
  private final Map<DataPathPlan.WorkloadKey, String> dataPaths = new ConcurrentHashMap<>();
  private final Map<String, List<OwnerReference>> replicaSetOwners = new ConcurrentHashMap<>();
  private final Map<String, Service> services = new HashMap<>();
  private final Map<String, Map<String, EndpointSlice>> slicesByService = new HashMap<>();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final Runnable onReportChange;
  private final boolean selectPodsByField;

  /** @param onReportChange run when a WorkloadCapability's data path changes (to re-plan without waiting) */
  public ClusterWatch(KubernetesClient client, String nodeName, PodDirectory directory, Runnable onReportChange) {
    this(client, nodeName, directory, onReportChange, true);
  }

  /**
   * @param selectPodsByField false to list every pod and keep this node's here: fabric8's mock API server
   *     answers a {@code spec.nodeName} field selector with nothing (it indexes no spec fields)
   */
  public ClusterWatch(KubernetesClient client, String nodeName, PodDirectory directory, Runnable onReportChange,
      boolean selectPodsByField) {
    this.selectPodsByField = selectPodsByField;
    this.client = client;
    this.nodeName = nodeName;
    this.directory = directory;
    this.onReportChange = onReportChange;
  }

  /** Starts the informers without waiting for them: a missing API server must not stop the agent. */
  public void start() {
    var allPods = client.pods().inAnyNamespace();
    start("pods", (selectPodsByField ? allPods.withField("spec.nodeName", nodeName) : allPods).runnableInformer(0),
        this::podChanged, this::podGone);
    start("services", client.services().inAnyNamespace().runnableInformer(0), this::serviceChanged,
        s -> serviceGone(s.getMetadata().getNamespace(), s.getMetadata().getName()));
    start("endpointslices", client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0),
        this::sliceChanged, this::sliceGone);
    start("workloadcapabilities", client.resources(WorkloadCapability.class).inAnyNamespace().runnableInformer(0),
        this::reportChanged, this::reportGone);
  }

  private <T extends HasMetadata> void start(String what, SharedIndexInformer<T> informer, Consumer<T> changed,
      Consumer<T> gone) {
    boolean[] logged = {false};
    informer.exceptionHandler((started, t) -> {
      if (!logged[0]) {
        logged[0] = true;
        LOG.warning("watching " + what + " failed (" + t.getMessage() + "); retrying with backoff, the agent "
            + "goes on with what it knows");
      }
      return true;
    });
    informer.addEventHandler(new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T obj) {
        guarded(what, () -> changed.accept(obj));
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        guarded(what, () -> changed.accept(newObj));
      }

      @Override
      public void onDelete(T obj, boolean unknownFinalState) {
        guarded(what, () -> gone.accept(obj));
      }
    });
    informers.add(informer);
    informer.start();
  }

  /** A malformed object is dropped with a line in the log, never thrown into the informer. */
  private static void guarded(String what, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warning("ignored a " + what + " event that could not be read: " + e);
    }
  }

  /** Whether every informer has listed once. */
  public boolean synced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  public Map<DataPathPlan.WorkloadKey, String> dataPaths() {
    return Map.copyOf(dataPaths);
  }

  public Optional<PodAnnotations> annotations(String namespace, String name) {
    return Optional.ofNullable(annotations.get(namespace + "/" + name));
  }

  /** Remembers what was just written, so the next scan does not write it again before the informer sees it. */
  public void probeWritten(String namespace, String name, String value) {
    annotations.computeIfPresent(namespace + "/" + name, (k, a) -> new PodAnnotations(value, a.tlsProbe(),
        a.observedPorts()));
  }

  /** The same for {@code hybridmesh.io/observed-ports}. */
  public void observedPortsWritten(String namespace, String name, String value) {
    annotations.computeIfPresent(namespace + "/" + name, (k, a) -> new PodAnnotations(a.probe(), a.tlsProbe(),
        value));
  }

  private void podChanged(Pod p) {
    // The mock API server ignores field selectors, and a pod may be rescheduled: check the node here too.
    if (p.getSpec() == null || !nodeName.equals(p.getSpec().getNodeName())) {
      podGone(p);
      return;
    }
    PodOwners.Owner owner = PodOwners.resolve(p.getMetadata().getOwnerReferences(), p.getMetadata().getLabels(),
        rs -> replicaSetOwners(p.getMetadata().getNamespace(), rs));
    ClusterObjects.pod(p, owner).ifPresent(info -> {
      directory.upsertPod(info);
      Map<String, String> a = p.getMetadata().getAnnotations() == null ? Map.of() : p.getMetadata().getAnnotations();
      annotations.put(info.key(), new PodAnnotations(a.get(HybridMeshNames.PROBE_ANNOTATION),
          a.get(HybridMeshNames.TLS_PROBE_ANNOTATION), a.get(HybridMeshNames.OBSERVED_PORTS_ANNOTATION)));
    });
  }

  private void podGone(Pod p) {
    if (p.getMetadata() != null && p.getMetadata().getName() != null) {
      directory.removePod(p.getMetadata().getNamespace(), p.getMetadata().getName());
      annotations.remove(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName());
    }
  }

  /** A ReplicaSet's owners, read once (they do not change); empty when it cannot be read. */
  private Optional<List<OwnerReference>> replicaSetOwners(String namespace, String name) {
    String key = namespace + "/" + name;
    List<OwnerReference> known = replicaSetOwners.get(key);
    if (known != null) {
      return Optional.of(known);
    }
    try {
      ReplicaSet rs = client.apps().replicaSets().inNamespace(namespace).withName(name).get();
      if (rs == null) {
        return Optional.empty();
      }
      List<OwnerReference> refs = rs.getMetadata().getOwnerReferences() == null ? List.of()
          : List.copyOf(rs.getMetadata().getOwnerReferences());
      replicaSetOwners.put(key, refs);
      return Optional.of(refs);
    } catch (KubernetesClientException e) {
      return Optional.empty(); // not allowed, or the API server is away: the name is trimmed instead
    }
  }

  private synchronized void serviceChanged(Service s) {
    services.put(key(s), s);
    publish(s.getMetadata().getNamespace(), s.getMetadata().getName());
  }

  private synchronized void serviceGone(String namespace, String name) {
    services.remove(namespace + "/" + name);
    directory.removeService(namespace, name);
  }

  private synchronized void sliceChanged(EndpointSlice slice) {
    String service = serviceOf(slice);
    if (service != null) {
      slicesByService.computeIfAbsent(slice.getMetadata().getNamespace() + "/" + service, k -> new HashMap<>())
          .put(slice.getMetadata().getName(), slice);
      publish(slice.getMetadata().getNamespace(), service);
    }
  }

  private synchronized void sliceGone(EndpointSlice slice) {
    String service = serviceOf(slice);
    if (service != null) {
      Map<String, EndpointSlice> slices = slicesByService.get(slice.getMetadata().getNamespace() + "/" + service);
      if (slices != null) {
        slices.remove(slice.getMetadata().getName());
      }
      publish(slice.getMetadata().getNamespace(), service);
    }
  }

  private void publish(String namespace, String name) {
    Service s = services.get(namespace + "/" + name);
    if (s == null) {
      return; // its slices wait for it
    }
    List<EndpointSlice> slices = new ArrayList<>(
        slicesByService.getOrDefault(namespace + "/" + name, Map.of()).values());
    ClusterObjects.service(s, slices).ifPresent(directory::upsertService);
  }

  private static String serviceOf(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    return labels == null ? null : labels.get("kubernetes.io/service-name");
  }

  private void reportChanged(WorkloadCapability w) {
    workloadKey(w).ifPresent(k -> {
      String path = w.getStatus() == null ? null : w.getStatus().getDataPath();
      String old = path == null ? dataPaths.remove(k) : dataPaths.put(k, path);
      if (!java.util.Objects.equals(old, path)) {
        onReportChange.run();
      }
    });
  }

  private void reportGone(WorkloadCapability w) {
    workloadKey(w).ifPresent(k -> {
      if (dataPaths.remove(k) != null) {
        onReportChange.run();
      }
    });
  }

  /** The report's workload: its spec, else its labels (both written by the controller). */
  static Optional<DataPathPlan.WorkloadKey> workloadKey(WorkloadCapability w) {
    String ns = w.getMetadata().getNamespace();
    if (w.getSpec() != null && w.getSpec().getWorkload() != null && w.getSpec().getWorkload().getKind() != null
        && w.getSpec().getWorkload().getName() != null) {
      return Optional.of(new DataPathPlan.WorkloadKey(ns, w.getSpec().getWorkload().getKind(),
          w.getSpec().getWorkload().getName()));
    }
    Map<String, String> l = w.getMetadata().getLabels();
    if (l == null || l.get(HybridMeshNames.WORKLOAD_KIND_LABEL) == null
        || l.get(HybridMeshNames.WORKLOAD_NAME_LABEL) == null) {
      return Optional.empty();
    }
    return Optional.of(new DataPathPlan.WorkloadKey(ns, l.get(HybridMeshNames.WORKLOAD_KIND_LABEL),
        l.get(HybridMeshNames.WORKLOAD_NAME_LABEL)));
  }

  private static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
