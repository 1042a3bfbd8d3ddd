package io.hybridmesh.api.v1alpha1;

/**
 * Every label and annotation name Hybrid Mesh reads or writes, in one place. Users set the opt-in label and
 * the knobs; the agent writes the probe annotation; the controller writes the sidecar hash. Never rename one:
 * they are the user-facing contract (docs/kubernetes.md).
 */
public final class HybridMeshNames {

  public static final String GROUP = "hybridmesh.io";
  public static final String VERSION = "v1alpha1";

  /** Namespace label; {@code true} opts every Deployment, StatefulSet and DaemonSet in it in. */
  public static final String ENABLED_LABEL = "hybridmesh.io/enabled";

  /** Workload annotation: {@code auto} (default), {@code ebpf}, {@code sidecar} or {@code off}. */
  public static final String MODE_ANNOTATION = "hybridmesh.io/mode";

  /** Workload annotation: {@code sidecar} or {@code none}, what an incapable workload gets. */
  public static final String FALLBACK_ANNOTATION = "hybridmesh.io/fallback";

  /**
   * Workload annotation: a custom uprobe target, {@code [v1:]/path/in/image:symbol[,symbol...]}; its one
   * parser is {@link io.hybridmesh.api.annotation.TlsProbeAnnotation}.
   */
  public static final String TLS_PROBE_ANNOTATION = "hybridmesh.io/tls-probe";

  /**
   * Workload annotation: {@code prefer-capable} gives the pods a preferred affinity to nodes labelled
   * {@link #TLS_CAPABLE_LABEL}{@code =true} and decides the workload for those nodes; parsed by
   * {@link io.hybridmesh.api.annotation.Placement}.
   */
  public static final String PLACEMENT_ANNOTATION = "hybridmesh.io/placement";

  /**
   * Pod annotation written by the node agent: a JSON object from container name to one element of
   * {@code hmesh probe --output json}, with a format version; its one reader and writer is
   * {@link io.hybridmesh.api.annotation.ProbeAnnotation}.
   */
  public static final String PROBE_ANNOTATION = "hybridmesh.io/probe";

  /**
   * Pod annotation written by the node agent for pods on the eBPF path: what their TCP connections began with,
   * by port and direction ({@code in/8080=http out/443=tls}); its one reader and writer is
   * {@link io.hybridmesh.api.annotation.ObservedPorts}.
   */
  public static final String OBSERVED_PORTS_ANNOTATION = "hybridmesh.io/observed-ports";

  /**
   * Node label written by the controller from the node's NodeCapability: {@code true} when its kernel can read
   * HTTP inside TLS, {@code false} when it cannot; absent while no agent has reported. The target of the
   * preferred affinity {@code hybridmesh.io/placement: prefer-capable} adds.
   */
  public static final String TLS_CAPABLE_LABEL = "hybridmesh.io/tls-capable";

  /**
   * Pod-template annotation written by the controller: a hash of the injected sidecar. Equal hash, no
   * rewrite, so pods roll only when the sidecar itself changes.
   */
  public static final String SIDECAR_HASH_ANNOTATION = "hybridmesh.io/sidecar-hash";

  /** Labels on a WorkloadCapability naming its workload, for selection by kubectl and tools. */
  public static final String WORKLOAD_KIND_LABEL = "hybridmesh.io/workload-kind";
  public static final String WORKLOAD_NAME_LABEL = "hybridmesh.io/workload-name";

  private HybridMeshNames() {}
}
