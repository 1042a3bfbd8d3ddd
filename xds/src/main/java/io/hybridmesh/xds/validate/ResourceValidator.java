package io.hybridmesh.xds.validate;

import io.hybridmesh.xds.translate.Names;
import io.hybridmesh.xds.translate.SidecarResources;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The last check before resources go to a sidecar: Envoy's own field rules on every resource and every
 * typed config inside it, plus cross-resource references. A snapshot that fails is not published: a
 * sidecar keeps its last good config rather than being sent one it would reject.
 */
public final class ResourceValidator {

  /** Clusters every sidecar's bootstrap defines statically, so resources may name them. */
  public static final Set<String> BOOTSTRAP_CLUSTERS = Set.of(Names.XDS_CLUSTER, Names.ALS_CLUSTER);

  private final Set<String> staticClusters;

  public ResourceValidator() {
    this(BOOTSTRAP_CLUSTERS);
  }

  public ResourceValidator(Set<String> staticClusters) {
    this.staticClusters = Set.copyOf(staticClusters);
  }

  /** Every problem found, each a sentence naming the resource; empty when the resources are fit to send. */
  public List<String> validate(SidecarResources resources) {
    List<String> errors = new ArrayList<>();
    resources.all().forEach(m -> PgvRules.check(m, m.getDescriptorForType().getName() + "(" + name(m) + ")",
        errors::add));
    new ReferenceCheck(resources, staticClusters, errors::add).run();
    return errors;
  }

  /** Envoy's field rules alone, for a message outside a snapshot (a bootstrap). */
  public static List<String> fieldRules(com.google.protobuf.Message message) {
    List<String> errors = new ArrayList<>();
    PgvRules.check(message, message.getDescriptorForType().getName(), errors::add);
    return errors;
  }

  private static String name(com.google.protobuf.Message m) {
    var field = m.getDescriptorForType().findFieldByName("name");
    if (field == null) {
      field = m.getDescriptorForType().findFieldByName("cluster_name");
    }
    return field == null ? "" : String.valueOf(m.getField(field));
  }
}
