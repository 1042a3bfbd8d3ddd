package io.hybridmesh.xds.auth;

/** Whether a sidecar stream must present a service-account token besides coming from its pod's address. */
public enum TokenPolicy {
  /** Tokens are ignored: the peer address alone (the demo, where no cluster can review one). */
  IGNORE,
  /** A token that comes is reviewed and must match; a stream without one is judged by its address. */
  IF_PRESENT,
  /** Every stream must present a valid token of its pod's service account. */
  REQUIRED;

  public static TokenPolicy parse(String value) {
    return switch (value) {
      case "ignore" -> IGNORE;
      case "if-present" -> IF_PRESENT;
      case "required" -> REQUIRED;
      default -> throw new IllegalArgumentException("the sidecar token policy is required, if-present or ignore, not '"
          + value + "'");
    };
  }
}
