package io.hybridmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.hybridmesh.api.v1alpha1.KubernetesAccess;
import io.hybridmesh.api.v1alpha1.KubernetesAccess.Component;
import io.hybridmesh.api.v1alpha1.KubernetesAccess.Scope;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The chart grants each ServiceAccount exactly what {@link KubernetesAccess} says its code calls: a missing
 * verb breaks the component in a cluster, an extra one is privilege nobody uses. Grants are followed from the
 * bindings, so a role bound to the wrong account counts for that account.
 */
class ChartRbacIT {

  @Test
  void eachComponentGetsExactlyTheCallsItsCodeMakes() {
    Map<Component, Set<String>> granted = granted(RenderedChart.defaults());
    for (Component c : Component.values()) {
      Set<String> want = KubernetesAccess.grants(c);
      Set<String> have = granted.getOrDefault(c, Set.of());
      Set<String> missing = new TreeSet<>(want);
      missing.removeAll(have);
      Set<String> extra = new TreeSet<>(have);
      extra.removeAll(want);
      assertTrue(missing.isEmpty() && extra.isEmpty(), c + ": the chart's RBAC and KubernetesAccess differ; "
          + "missing from the chart " + missing + ", in the chart but not in KubernetesAccess " + extra);
    }
  }

  @Test
  void everyRuleSaysWhereItIsUsedAndNoneIsAWildcard() {
    for (KubernetesAccess.Rule r : KubernetesAccess.RULES) {
      assertTrue(r.usedBy().length() > 10, r.resource() + " says nowhere where it is used");
      assertTrue(!r.resource().contains("*") && !r.apiGroup().contains("*"), r.toString());
    }
    assertEquals(KubernetesAccess.RULES.size(), KubernetesAccess.RULES.stream()
        .map(r -> r.component() + r.scope().name() + r.apiGroup() + "/" + r.resource() + r.resourceNames())
        .distinct().count(), "one rule per component, scope, resource and names");
  }

  @Test
  void theLeaseAndSecretsAreGrantedInTheReleaseNamespaceOnly() {
    RenderedChart chart = RenderedChart.defaults();
    List<Role> roles = chart.all(Role.class);
    assertEquals(3, roles.size(), "the controller's two and the uninstall hook's");
    roles.forEach(r -> assertEquals(RenderedChart.NAMESPACE, r.getMetadata().getNamespace()));
    assertTrue(chart.all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream())
        .noneMatch(r -> r.getResources().contains("leases") || r.getResources().contains("secrets")),
        "no cluster-wide Lease or Secret rights");
  }

  @Test
  void withoutTlsTheControllerHasNoSecretRights() {
    RenderedChart chart = RenderedChart.render("tls: {enabled: false}");
    assertTrue(chart.all(Role.class).stream().flatMap(r -> r.getRules().stream())
        .noneMatch(r -> r.getResources().contains("secrets")));
    Set<String> withTls = new TreeSet<>(KubernetesAccess.grants(Component.CONTROLLER));
    withTls.removeAll(granted(chart).get(Component.CONTROLLER));
    assertEquals(Set.of("OWN_NAMESPACE core secrets create", "OWN_NAMESPACE core secrets get hybrid-mesh-ca"),
        withTls, "the Secret rights are the only ones TLS adds");
  }

  @Test
  void theControllerReadsTheCaSecretAndNoOtherAndMayNotChangeOne() {
    List<PolicyRule> secretRules = RenderedChart.defaults().all(Role.class).stream()
        .flatMap(r -> r.getRules().stream()).filter(r -> r.getResources().contains("secrets")).toList();
    assertEquals(2, secretRules.size(), secretRules.toString());
    for (PolicyRule r : secretRules) {
      if (r.getVerbs().contains("get")) {
        assertEquals(List.of("get"), r.getVerbs());
        assertEquals(List.of("hybrid-mesh-ca"), r.getResourceNames(), "reading is limited to the CA Secret");
      } else {
        // Kubernetes cannot authorize a create by name; the Role says so in a comment.
        assertEquals(List.of("create"), r.getVerbs());
        assertTrue(r.getResourceNames() == null || r.getResourceNames().isEmpty(), r.toString());
      }
    }
  }

  /** What each component's ServiceAccount ends up with, from the rendered roles through their bindings. */
  private static Map<Component, Set<String>> granted(RenderedChart chart) {
    Map<String, Component> accounts = Map.of(ChartRenderIT.CONTROLLER, Component.CONTROLLER,
        ChartRenderIT.AGENT, Component.AGENT, ChartCleanupHookIT.NAME, Component.CLEANUP_WAIT);
    Map<Component, Set<String>> out = new EnumMap<>(Component.class);
    for (ClusterRoleBinding b : chart.all(ClusterRoleBinding.class)) {
      ClusterRole role = chart.one(ClusterRole.class, roleName(b.getRoleRef(), "ClusterRole"));
      for (Subject s : b.getSubjects()) {
        add(out, component(accounts, s), Scope.CLUSTER, role.getRules());
      }
    }
    for (RoleBinding b : chart.all(RoleBinding.class)) {
      assertEquals(RenderedChart.NAMESPACE, b.getMetadata().getNamespace());
      Role role = chart.one(Role.class, roleName(b.getRoleRef(), "Role"));
      for (Subject s : b.getSubjects()) {
        add(out, component(accounts, s), Scope.OWN_NAMESPACE, role.getRules());
      }
    }
    return out;
  }

  private static void add(Map<Component, Set<String>> out, Component c, Scope scope, List<PolicyRule> rules) {
    for (PolicyRule r : rules) {
      List<String> names = r.getResourceNames() == null ? List.of() : r.getResourceNames();
      assertTrue(r.getNonResourceURLs() == null || r.getNonResourceURLs().isEmpty(), "nonResourceURLs: " + r);
      for (String group : r.getApiGroups()) {
        for (String resource : r.getResources()) {
          for (String verb : r.getVerbs()) {
            if (!KubernetesAccess.VERBS.contains(verb)) {
              fail("verb '" + verb + "' on " + resource + " is not an RBAC verb (or is a wildcard)");
            }
            String grant = KubernetesAccess.grant(scope, group, resource, verb);
            Set<String> grants = out.computeIfAbsent(c, k -> new TreeSet<>());
            if (names.isEmpty()) {
              grants.add(grant);
            }
            names.forEach(n -> grants.add(grant + " " + n));
          }
        }
      }
    }
  }

  private static Component component(Map<String, Component> accounts, Subject s) {
    assertEquals("ServiceAccount", s.getKind());
    assertEquals(RenderedChart.NAMESPACE, s.getNamespace());
    Component c = accounts.get(s.getName());
    if (c == null) {
      fail("a binding grants rights to " + s.getName() + ", which is not a Hybrid Mesh component's account");
    }
    return c;
  }

  private static String roleName(RoleRef ref, String kind) {
    assertEquals("rbac.authorization.k8s.io", ref.getApiGroup());
    assertEquals(kind, ref.getKind());
    return ref.getName();
  }
}
