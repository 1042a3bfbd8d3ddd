package io.hybridmesh.api.v1alpha1;

import io.hybridmesh.api.tls.TlsNames;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every Kubernetes API call the controller and the agent make, as RBAC rules: the one list the Helm chart's
 * ClusterRoles and Roles must match exactly (ChartRbacIT in {@code helm/} fails on a missing or an extra
 * verb). Whoever adds a call to the code adds its rule here, with where it is made, and to the chart.
 *
 * <p>Informers need {@code list} and {@code watch}, not {@code get}; fabric8's {@code edit}/{@code editStatus}
 * read the object ({@code get}) and send a JSON patch ({@code patch}); nothing uses server-side apply or
 * {@code update} except the Lease.
 */
public final class KubernetesAccess {

  /**
   * Who makes the call; each has its own ServiceAccount. CLEANUP_WAIT is the uninstall hook's Job ({@code hmesh
   * cleanup-wait}), whose account exists only while the release is being uninstalled.
   */
  public enum Component { CONTROLLER, AGENT, CLEANUP_WAIT }

  /** Where the grant holds: every namespace and cluster-scoped objects, or the namespace the component runs in. */
  public enum Scope { CLUSTER, OWN_NAMESPACE }

  /**
   * One resource's verbs for one component.
   *
   * @param apiGroup "" for the core group
   * @param resource the plural, with "/subresource" for a subresource
   * @param resourceNames the only objects the verbs hold for (RBAC's resourceNames); empty: any object
   * @param usedBy where in the code the calls are made, for the reader who wants to drop a verb
   */
  public record Rule(Component component, Scope scope, String apiGroup, String resource, Set<String> verbs,
      Set<String> resourceNames, String usedBy) {
    public Rule {
      Objects.requireNonNull(component);
      Objects.requireNonNull(scope);
      Objects.requireNonNull(apiGroup);
      Objects.requireNonNull(resource);
      verbs = Set.copyOf(verbs);
      resourceNames = Set.copyOf(resourceNames);
      if (verbs.isEmpty() || !VERBS.containsAll(verbs)) {
        throw new IllegalArgumentException(resource + ": verbs must be among " + VERBS + ", not " + verbs);
      }
      if (!resourceNames.isEmpty() && (verbs.contains("create") || verbs.contains("deletecollection"))) {
        // Kubernetes cannot authorize these by name (a create's name is not known when it is authorized), so
        // a named grant of them would be one that never admits the call.
        throw new IllegalArgumentException(resource + ": " + verbs + " cannot be limited to named objects");
      }
    }

    /** A grant on every object of the resource. */
    public Rule(Component component, Scope scope, String apiGroup, String resource, Set<String> verbs,
        String usedBy) {
      this(component, scope, apiGroup, resource, verbs, Set.of(), usedBy);
    }
  }

  /** The verbs Kubernetes RBAC knows for resources; anything else is a typo. */
  public static final Set<String> VERBS = Set.of("get", "list", "watch", "create", "update", "patch", "delete",
      "deletecollection");

  private static final String CORE = "";
  private static final String APPS = "apps";
  private static final String DISCOVERY = "discovery.k8s.io";
  private static final String COORDINATION = "coordination.k8s.io";
  private static final String AUTHORIZATION = "authorization.k8s.io";
  private static final String AUTHENTICATION = "authentication.k8s.io";
  private static final String HMESH = HybridMeshNames.GROUP;

  private static final String CONTROLLER_INFORMERS =
      "controller: reconcile.FactInformers (JOSDK informers; read through reconcile.InformerClusterView)";

  public static final List<Rule> RULES = List.of(
      // --- controller ---
      new Rule(Component.CONTROLLER, Scope.CLUSTER, CORE, "namespaces", Set.of("list", "watch"),
          CONTROLLER_INFORMERS + ": the opt-in label"),
      new Rule(Component.CONTROLLER, Scope.CLUSTER, CORE, "pods", Set.of("list", "watch"),
          CONTROLLER_INFORMERS + ": pod facts, the hybridmesh.io/probe annotation"),
      new Rule(Component.CONTROLLER, Scope.CLUSTER, CORE, "nodes", Set.of("list", "watch", "patch"),
          CONTROLLER_INFORMERS + ": nodeInfo.kernelVersion and labels; reconcile.NodeLabelReconciler (JOSDK "
              + "primary informer) sets the " + HybridMeshNames.TLS_CAPABLE_LABEL + " label (JSON merge patch)"),
      new Rule(Component.CONTROLLER, Scope.CLUSTER, HMESH, "nodecapabilities", Set.of("list", "watch"),
          CONTROLLER_INFORMERS + ": the agents' kernel facts"),
      new Rule(Component.CONTROLLER, Scope.CLUSTER, APPS, "deployments", Set.of("get", "list", "watch", "patch"),
          "controller: HmeshOperator registers reconcile.DeploymentReconciler (JOSDK primary informer); "
              + "reconcile.WorkloadSync.editTemplate (fabric8 edit: get, then JSON patch)"),
      new Rule(Component.CONTROLLER, Scope.CLUSTER, APPS, "statefulsets", Set.of("get", "list", "watch", "patch"),
          "controller: reconcile.StatefulSetReconciler; reconcile.WorkloadSync.editTemplate"),
      new Rule(Component.CONTROLLER, Scope.CLUSTER, APPS, "daemonsets", Set.of("get", "list", "watch", "patch"),
          "controller: reconcile.DaemonSetReconciler; reconcile.WorkloadSync.editTemplate"),
      new Rule(Component.CONTROLLER, Scope.CLUSTER, HMESH, "workloadcapabilities",
          Set.of("get", "list", "watch", "create", "delete"),
          "controller: reconcile.StatusWriter (current: get; write: create; delete on opt-out; editStatus "
              + "reads the object first), reconcile.FactInformers.reports (list, watch), "
              + "report.ClusterWorkloadReports (list, for the relay's workload reports)"),
      new Rule(Component.CONTROLLER, Scope.CLUSTER, HMESH, "workloadcapabilities/status", Set.of("patch"),
          "controller: reconcile.StatusWriter.write (fabric8 editStatus: JSON patch of /status)"),
      new Rule(Component.CONTROLLER, Scope.CLUSTER, CORE, "events", Set.of("create"),
          "controller: reconcile.EventRecorder.record (core/v1 Events on workloads)"),
      new Rule(Component.CONTROLLER, Scope.CLUSTER, CORE, "services", Set.of("list", "watch"),
          "controller: mesh.SidecarPublisher (informer): the Services sidecars route to"),
      new Rule(Component.CONTROLLER, Scope.CLUSTER, DISCOVERY, "endpointslices", Set.of("list", "watch"),
          "controller: mesh.SidecarPublisher (informer): Services' endpoints; mesh.AgentPeers (informer): "
              + "the agents behind --agent-service, for the relay"),
      new Rule(Component.CONTROLLER, Scope.CLUSTER, AUTHORIZATION, "selfsubjectrulesreviews", Set.of("create"),
          "controller: JOSDK's LeaderElectionManager checks its Lease rights before campaigning "
              + "(HmeshOperator.start with a LeaderElectionConfiguration)"),
      new Rule(Component.CONTROLLER, Scope.CLUSTER, AUTHENTICATION, "tokenreviews", Set.of("create"),
          "controller: security.KubeTokenReviewer reviews the service-account tokens sidecars present on xDS and "
              + "access-log streams (audience hybrid-mesh)"),
      new Rule(Component.CONTROLLER, Scope.OWN_NAMESPACE, CORE, "secrets", Set.of("get"),
          Set.of(TlsNames.CA_SECRET),
          "controller: security.CaSecretStore reads the CA Secret hybrid-mesh-ca (again after a 409 Conflict on "
              + "create); no other Secret; only with TLS on"),
      new Rule(Component.CONTROLLER, Scope.OWN_NAMESPACE, CORE, "secrets", Set.of("create"),
          "controller: security.CaSecretStore creates hybrid-mesh-ca on first start; not limited by name because "
              + "RBAC cannot authorize a create by resourceNames; never update or delete"),
      new Rule(Component.CONTROLLER, Scope.OWN_NAMESPACE, COORDINATION, "leases", Set.of("get", "create", "update"),
          "controller: leader election (HmeshOperator.start; fabric8's LeaseLock via JOSDK), "
              + "--lease-namespace is the release namespace"),

      // --- agent (hmesh agent --kubernetes) ---
      new Rule(Component.AGENT, Scope.CLUSTER, CORE, "pods", Set.of("list", "watch", "patch"),
          "agent: kubernetes.ClusterWatch (informer, field selector spec.nodeName) maps processes to pods; "
              + "kubernetes.PodProbeAnnotator patches the " + HybridMeshNames.PROBE_ANNOTATION + " annotation"),
      new Rule(Component.AGENT, Scope.CLUSTER, APPS, "replicasets", Set.of("get"),
          "agent: kubernetes.ClusterWatch resolves a pod's ReplicaSet to its Deployment (once per ReplicaSet)"),
      new Rule(Component.AGENT, Scope.CLUSTER, CORE, "services", Set.of("list", "watch"),
          "agent: kubernetes.ClusterWatch (informer): a peer's address to its Service"),
      new Rule(Component.AGENT, Scope.CLUSTER, DISCOVERY, "endpointslices", Set.of("list", "watch"),
          "agent: kubernetes.ClusterWatch (informer): a peer's address to its pod and Service"),
      new Rule(Component.AGENT, Scope.CLUSTER, HMESH, "workloadcapabilities", Set.of("list", "watch"),
          "agent: kubernetes.ClusterWatch (informer): which pods the controller put on the eBPF path"),
      new Rule(Component.AGENT, Scope.CLUSTER, HMESH, "nodecapabilities", Set.of("get", "create", "patch"),
          "agent: kubernetes.NodeCapabilityWriter (get; create the first time; JSON merge patch after)"),
      // --- the uninstall hook's wait ---
      new Rule(Component.CLEANUP_WAIT, Scope.OWN_NAMESPACE, APPS, "daemonsets", Set.of("get"),
          "cli: CleanupWaitCommand (the cleanup DaemonSet's status)"),
      new Rule(Component.CLEANUP_WAIT, Scope.OWN_NAMESPACE, CORE, "pods", Set.of("list"),
          "cli: CleanupWaitCommand (its pods, to name the nodes not done)"));

  private KubernetesAccess() {}

  /** The rules of one component, in the order above. */
  public static List<Rule> of(Component component) {
    return RULES.stream().filter(r -> r.component() == component).toList();
  }

  /**
   * The rules flattened to "scope apiGroup resource verb" strings (with " name" for each named object of a
   * rule limited to some), sorted: the form two rule sets are compared in, whatever the grouping of resources,
   * verbs and names.
   */
  public static Set<String> grants(Component component) {
    Set<String> out = new TreeSet<>();
    for (Rule r : of(component)) {
      for (String v : r.verbs()) {
        if (r.resourceNames().isEmpty()) {
          out.add(grant(r.scope(), r.apiGroup(), r.resource(), v));
        }
        r.resourceNames().forEach(n -> out.add(grant(r.scope(), r.apiGroup(), r.resource(), v) + " " + n));
      }
    }
    return out;
  }

  public static String grant(Scope scope, String apiGroup, String resource, String verb) {
    return scope + " " + (apiGroup.isEmpty() ? "core" : apiGroup) + " " + resource + " " + verb;
  }
}
