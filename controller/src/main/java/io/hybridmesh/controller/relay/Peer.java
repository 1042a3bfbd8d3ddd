package io.hybridmesh.controller.relay;

/**
 * An Observer API the relay reads from: a node's agent, or the controller's own access-log flows.
 *
 * @param name the node name the relay reports for it until the peer names itself
 * @param target a gRPC target ({@code host:port}, or an in-process name for local sources)
 */
public record Peer(String name, String target) {}
