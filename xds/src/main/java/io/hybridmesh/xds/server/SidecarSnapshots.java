package io.hybridmesh.xds.server;

import io.envoyproxy.controlplane.cache.SnapshotCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.hybridmesh.xds.model.SidecarWorkload;
import io.hybridmesh.xds.translate.SidecarResources;
import io.hybridmesh.xds.translate.SidecarTranslator;
import io.hybridmesh.xds.validate.ConfigProblem;
import io.hybridmesh.xds.validate.ResourceValidator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The shell around the pure translator: turns the mesh model's sidecar workloads into validated snapshots
 * in the cache, one per workload, and drops the snapshots of workloads that left. Every snapshot is checked
 * together with the bootstrap of the sidecars that will load it ({@link ResourceValidator}); one that fails
 * is refused and the group keeps its previous one. Versions are content hashes, so republishing an
 * unchanged model pushes nothing. Every replica computing the same model serves the same versions.
 */
public final class SidecarSnapshots {

  private static final Logger LOG = Logger.getLogger(SidecarSnapshots.class.getName());

  private final SnapshotCache<SidecarGroup, Snapshot> cache;
  private final SidecarTranslator translator;
  private final SidecarBootstraps bootstraps;
  private final XdsCounters counters;
  private final Set<SidecarGroup> published = new HashSet<>();
  private final Set<SidecarGroup> pendingRemoval = new HashSet<>();

  public SidecarSnapshots(SnapshotCache<SidecarGroup, Snapshot> cache, SidecarTranslator translator,
      SidecarBootstraps bootstraps, XdsCounters counters) {
    this.cache = cache;
    this.translator = translator;
    this.bootstraps = bootstraps;
    this.counters = counters;
  }

  /** Publishes the whole set of sidecar workloads: the model is the truth, absent workloads are departed. */
  public synchronized PublishReport publish(Collection<SidecarWorkload> workloads) {
    List<SidecarGroup> updated = new ArrayList<>();
    Map<SidecarGroup, List<ConfigProblem>> invalid = new LinkedHashMap<>();
    Set<SidecarGroup> present = new HashSet<>();
    for (SidecarWorkload workload : workloads) {
      SidecarGroup group = new SidecarGroup(workload.namespace(), workload.name());
      if (!present.add(group)) {
        invalid.put(group, List.of(new ConfigProblem(ConfigProblem.Kind.DUPLICATE_NAME, "mesh model",
            group.toString(), "workload " + group + " is listed twice in the mesh model")));
        continue;
      }
      List<ConfigProblem> errors = publishOne(group, translator.translate(workload), updated);
      if (!errors.isEmpty()) {
        invalid.put(group, errors);
      }
    }
    for (SidecarGroup gone : new ArrayList<>(published)) {
      if (!present.contains(gone)) {
        published.remove(gone);
        pendingRemoval.add(gone);
      }
    }
    pendingRemoval.removeAll(present);
    List<SidecarGroup> removed = retryRemovals();
    return new PublishReport(updated, invalid, removed, List.copyOf(pendingRemoval));
  }

  /**
   * Publishes resources for one group as they are; for callers that build resources themselves (tests
   * serving gRPC-shaped configs, later the controller's overrides). Returns the problems that refused
   * them, empty when published or unchanged.
   */
  public synchronized List<ConfigProblem> publish(SidecarGroup group, SidecarResources resources) {
    List<ConfigProblem> errors = publishOne(group, resources, new ArrayList<>());
    pendingRemoval.remove(group);
    return errors;
  }

  /** What the group's sidecars are served now (the last snapshot that passed), if anything. */
  public synchronized Optional<SidecarResources> served(SidecarGroup group) {
    Snapshot s = cache.getSnapshot(group);
    if (s == null) {
      return Optional.empty();
    }
    return Optional.of(new SidecarResources(List.copyOf(s.clusters().resources().values()),
        List.copyOf(s.endpoints().resources().values()), List.copyOf(s.listeners().resources().values()),
        List.copyOf(s.routes().resources().values())));
  }

  /**
   * Drops the snapshots of departed groups whose sidecars have all disconnected. The cache refuses to drop
   * a group while any watch is open, so a terminating pod keeps its config until its Envoy is gone.
   */
  public synchronized List<SidecarGroup> retryRemovals() {
    List<SidecarGroup> removed = new ArrayList<>();
    for (SidecarGroup group : new ArrayList<>(pendingRemoval)) {
      if (cache.clearSnapshot(group)) {
        pendingRemoval.remove(group);
        removed.add(group);
      }
    }
    return removed;
  }

  private List<ConfigProblem> publishOne(SidecarGroup group, SidecarResources resources,
      List<SidecarGroup> updated) {
    List<ConfigProblem> errors = ResourceValidator.validate(bootstraps.of(group), resources);
    if (!errors.isEmpty()) {
      counters.invalidSnapshot();
      LOG.warning(() -> "not publishing an invalid configuration for " + group + ": " + errors);
      return errors;
    }
    published.add(group);
    String version = resources.contentVersion();
    Snapshot current = cache.getSnapshot(group);
    if (current != null && version.equals(current.clusters().version())) {
      return errors;
    }
    cache.setSnapshot(group, Snapshot.create(resources.clusters(), resources.endpoints(), resources.listeners(),
        resources.routes(), List.of(), version));
    counters.published();
    updated.add(group);
    return errors;
  }
}
