package io.hybridmesh.xds.server;

import io.envoyproxy.controlplane.cache.SnapshotCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.hybridmesh.xds.model.SidecarWorkload;
import io.hybridmesh.xds.translate.SidecarResources;
import io.hybridmesh.xds.translate.SidecarTranslator;
import io.hybridmesh.xds.validate.ResourceValidator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The shell around the pure translator: turns the mesh model's sidecar workloads into validated snapshots
 * in the cache, one per workload, and drops the snapshots of workloads that left. Versions are content
 * hashes, so republishing an unchanged model pushes nothing. Every replica computing the same model serves
 * the same versions.
 */
public final class SidecarSnapshots {

  private static final Logger LOG = Logger.getLogger(SidecarSnapshots.class.getName());

  private final SnapshotCache<SidecarGroup, Snapshot> cache;
  private final SidecarTranslator translator;
  private final ResourceValidator validator;
  private final XdsCounters counters;
  private final Set<SidecarGroup> published = new HashSet<>();
  private final Set<SidecarGroup> pendingRemoval = new HashSet<>();

  public SidecarSnapshots(SnapshotCache<SidecarGroup, Snapshot> cache, SidecarTranslator translator,
      ResourceValidator validator, XdsCounters counters) {
    this.cache = cache;
    this.translator = translator;
    this.validator = validator;
    this.counters = counters;
  }

  /** Publishes the whole set of sidecar workloads: the model is the truth, absent workloads are departed. */
  public synchronized PublishReport publish(Collection<SidecarWorkload> workloads) {
    List<SidecarGroup> updated = new ArrayList<>();
    Map<SidecarGroup, List<String>> invalid = new LinkedHashMap<>();
    Set<SidecarGroup> present = new HashSet<>();
    for (SidecarWorkload workload : workloads) {
      SidecarGroup group = new SidecarGroup(workload.namespace(), workload.name());
      if (!present.add(group)) {
        invalid.put(group, List.of("workload listed twice in the model"));
        continue;
      }
      List<String> errors = publishOne(group, translator.translate(workload), updated);
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
   * serving gRPC-shaped configs, later the controller's overrides). Returns the validation errors, empty
   * when published or unchanged.
   */
  public synchronized List<String> publish(SidecarGroup group, SidecarResources resources) {
    List<String> errors = publishOne(group, resources, new ArrayList<>());
    pendingRemoval.remove(group);
    return errors;
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

  private List<String> publishOne(SidecarGroup group, SidecarResources resources, List<SidecarGroup> updated) {
    List<String> errors = validator.validate(resources);
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
