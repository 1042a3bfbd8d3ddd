package io.hybridmesh.controller.knobs;

/**
 * Something wrong with the input that a person must fix: a code (the Degraded condition's reason and the
 * Event's reason, CamelCase as Kubernetes reasons are) and a sentence saying what is wrong and what to do.
 */
public record Problem(String code, String message) {

  public static final String INVALID_MODE = "InvalidMode";
  public static final String INVALID_FALLBACK = "InvalidFallback";
  public static final String INVALID_TLS_PROBE = "InvalidTlsProbe";
  public static final String TLS_PROBE_UNRESOLVED = "TlsProbeUnresolved";
  public static final String UNSUPPORTED_TLS_PROBE_VERSION = "UnsupportedTlsProbeVersion";
  public static final String INVALID_PLACEMENT = "InvalidPlacement";
  public static final String UNREADABLE_PROBE_ANNOTATION = "UnreadableProbeAnnotation";
  public static final String UNSUPPORTED_PROBE_ANNOTATION_VERSION = "UnsupportedProbeAnnotationVersion";
  public static final String UNREADABLE_OBSERVED_PORTS = "UnreadableObservedPorts";
  public static final String UNREADABLE_NODE_CAPABILITY = "UnreadableNodeCapability";
  public static final String RECONCILE_FAILED = "ReconcileFailed";
}
