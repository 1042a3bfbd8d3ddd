package io.hybridmesh.xds.translate;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Everything one sidecar group is served, in a fixed order. */
public record SidecarResources(
    List<Cluster> clusters, List<ClusterLoadAssignment> endpoints, List<Listener> listeners,
    List<RouteConfiguration> routes) {

  public SidecarResources {
    clusters = List.copyOf(clusters);
    endpoints = List.copyOf(endpoints);
    listeners = List.copyOf(listeners);
    routes = List.copyOf(routes);
  }

  public Stream<Message> all() {
    return Stream.of(clusters, endpoints, listeners, routes).flatMap(List::stream);
  }

  /**
   * A content hash: the same resources always give the same version, across restarts and replicas, so
   * Envoy is pushed a new version only when something changed. Deterministic serialization keeps map
   * fields (typed_extension_protocol_options) in a stable order.
   */
  public String contentVersion() {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
    all().forEach(m -> {
      digest.update(m.getDescriptorForType().getFullName().getBytes(StandardCharsets.UTF_8));
      try {
        var out = new java.io.ByteArrayOutputStream();
        var coded = com.google.protobuf.CodedOutputStream.newInstance(out);
        coded.useDeterministicSerialization();
        m.writeTo(coded);
        coded.flush();
        digest.update(out.toByteArray());
      } catch (java.io.IOException e) {
        throw new IllegalStateException("in-memory serialization cannot fail", e);
      }
    });
    return HexFormat.of().formatHex(digest.digest(), 0, 8);
  }
}
