package io.hybridmesh.xds.server;

/**
 * A sidecar refused a configuration we sent it: Envoy's NACK. The controller turns these into the
 * workload's capability status, so the message is Envoy's own words.
 *
 * @param nodeId the sidecar, {@code <pod>.<namespace>}
 * @param group the workload whose snapshot it was
 * @param typeUrl which resource type was refused
 * @param version the version refused
 * @param message Envoy's error detail
 */
public record SidecarRejection(String nodeId, SidecarGroup group, String typeUrl, String version, String message) {}
