package io.hybridmesh.xds.auth;

import io.grpc.Status;

/** Why a sidecar stream was refused; each is counted, and its sentence goes back to the caller. */
public enum Refusal {
  /** The node id does not have the form {@code <pod>.<namespace>}. */
  BAD_NODE_ID(Status.Code.INVALID_ARGUMENT),
  /** No such pod in the cluster (gone, or not yet seen by the controller). */
  UNKNOWN_POD(Status.Code.PERMISSION_DENIED),
  /** The pod shares its node's network: its address proves nothing about which pod is calling. */
  HOST_NETWORK(Status.Code.PERMISSION_DENIED),
  /** The transport gave no IP address for the caller. */
  NO_PEER_ADDRESS(Status.Code.PERMISSION_DENIED),
  /** The caller's address is not one of the named pod's addresses. */
  ADDRESS_MISMATCH(Status.Code.PERMISSION_DENIED),
  /** xDS only: the node cluster is not the pod's workload. */
  WRONG_WORKLOAD(Status.Code.PERMISSION_DENIED),
  /** A token is required and none came. */
  TOKEN_MISSING(Status.Code.UNAUTHENTICATED),
  /** The cluster did not vouch for the token (bad signature, expired, another audience). */
  TOKEN_INVALID(Status.Code.UNAUTHENTICATED),
  /** A valid token of another service account than the pod's. */
  TOKEN_WRONG_ACCOUNT(Status.Code.PERMISSION_DENIED),
  /** A valid token bound to another pod. */
  TOKEN_WRONG_POD(Status.Code.PERMISSION_DENIED);

  private final Status.Code code;

  Refusal(Status.Code code) {
    this.code = code;
  }

  /** The status the stream is closed with, carrying the sentence. */
  public Status status(String sentence) {
    return Status.fromCode(code).withDescription(sentence);
  }

  /** The metric label: lower case. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
