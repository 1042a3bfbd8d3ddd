package io.hybridmesh.agent.kubernetes;

import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Which workload a pod belongs to, from its ownerReferences: a ReplicaSet is resolved to its Deployment
 * through the ReplicaSet's own ownerReferences when the agent may read it, else by trimming the
 * ReplicaSet's name of the pod-template hash; StatefulSet, DaemonSet and Job are the owner itself. Pure:
 * the ReplicaSet lookup is passed in.
 */
public final class PodOwners {

  /** A pod's top owner; both empty for a pod nothing owns. */
  public record Owner(String kind, String name) {
    static final Owner NONE = new Owner("", "");
  }

  /** The ReplicaSet name suffix Deployments add: "-" and the pod-template hash (alphanumerics). */
  private static final Pattern HASH_SUFFIX = Pattern.compile("-[a-z0-9]{5,10}$");

  private PodOwners() {}

  /**
   * @param labels the pod's labels ({@code pod-template-hash} trims the ReplicaSet's name exactly)
   * @param replicaSetOwners the ownerReferences of a ReplicaSet in the pod's namespace by name; empty when
   *     it cannot be read (no permission, API server away, gone)
   */
  public static Owner resolve(List<OwnerReference> refs, Map<String, String> labels,
      Function<String, Optional<List<OwnerReference>>> replicaSetOwners) {
    Optional<OwnerReference> owner = controllerOf(refs);
    if (owner.isEmpty()) {
      return Owner.NONE;
    }
    OwnerReference o = owner.get();
    if (!"ReplicaSet".equals(o.getKind())) {
      return new Owner(o.getKind(), o.getName());
    }
    Optional<List<OwnerReference>> rsOwners = replicaSetOwners.apply(o.getName());
    if (rsOwners.isPresent()) {
      return controllerOf(rsOwners.get()).map(d -> new Owner(d.getKind(), d.getName()))
          .orElse(new Owner("ReplicaSet", o.getName())); // a bare ReplicaSet is its own workload
    }
    return new Owner("Deployment", trimHash(o.getName(), labels == null ? null : labels.get("pod-template-hash")));
  }

  /** The Deployment's name from its ReplicaSet's: the hash label when it fits, else a hash-like suffix. */
  static String trimHash(String replicaSet, String podTemplateHash) {
    if (podTemplateHash != null && !podTemplateHash.isEmpty() && replicaSet.endsWith("-" + podTemplateHash)) {
      return replicaSet.substring(0, replicaSet.length() - podTemplateHash.length() - 1);
    }
    return HASH_SUFFIX.matcher(replicaSet).replaceFirst("");
  }

  /** The reference marked controller, else the first one with a kind and name. */
  private static Optional<OwnerReference> controllerOf(List<OwnerReference> refs) {
    if (refs == null) {
      return Optional.empty();
    }
    List<OwnerReference> usable = refs.stream()
        .filter(r -> r != null && notBlank(r.getKind()) && notBlank(r.getName())).toList();
    return usable.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst()
        .or(() -> usable.stream().findFirst());
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
