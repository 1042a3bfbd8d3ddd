package io.hybridmesh.xds.validate;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.hybridmesh.xds.translate.SidecarResources;
import io.hybridmesh.xds.validate.ConfigProblem.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * The last check before resources go to a sidecar: Envoy's own field rules on the bootstrap, every resource
 * and every typed config inside them, plus the {@link ReferenceCheck} of the bootstrap and the resources
 * together. A snapshot that fails is not published: a sidecar keeps its last good config rather than being
 * sent one it would reject. Pure.
 */
public final class ResourceValidator {

  private ResourceValidator() {}

  /**
   * Every problem found; empty when the resources are fit to send to a sidecar started from this bootstrap.
   *
   * @param bootstrap what the group's sidecars were started with: its static clusters are the only ones the
   *     resources may name besides their own
   */
  public static List<ConfigProblem> validate(Bootstrap bootstrap, SidecarResources resources) {
    List<ConfigProblem> problems = new ArrayList<>(fieldRules(bootstrap));
    resources.all().forEach(m -> PgvRules.check(m, m.getDescriptorForType().getName() + "(" + name(m) + ")",
        error -> problems.add(fieldRule(error))));
    problems.addAll(ReferenceCheck.check(bootstrap, resources));
    return problems;
  }

  /** Envoy's field rules alone, for a message outside a snapshot (a bootstrap). */
  public static List<ConfigProblem> fieldRules(Message message) {
    List<ConfigProblem> problems = new ArrayList<>();
    PgvRules.check(message, message.getDescriptorForType().getName(), error -> problems.add(fieldRule(error)));
    return problems;
  }

  /** PgvRules says {@code <path>: <rule>}; the path is the resource. */
  private static ConfigProblem fieldRule(String error) {
    int colon = error.indexOf(": ");
    return new ConfigProblem(Kind.FIELD_RULE, colon < 0 ? "" : error.substring(0, colon), "", error);
  }

  private static String name(Message m) {
    var field = m.getDescriptorForType().findFieldByName("name");
    if (field == null) {
      field = m.getDescriptorForType().findFieldByName("cluster_name");
    }
    return field == null ? "" : String.valueOf(m.getField(field));
  }
}
