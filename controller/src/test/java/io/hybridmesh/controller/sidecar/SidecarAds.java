package io.hybridmesh.controller.sidecar;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.hybridmesh.xds.translate.SidecarResources;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One state-of-the-world ADS stream, driven the way Envoy drives it from a bootstrap: to the address of the
 * cluster its {@code ads_config} names, with its node on every request; clusters first, then the load
 * assignments the EDS clusters ask for, then listeners, then the route configurations their HTTP connection
 * managers ask RDS for; each answer ACKed. What it returns is everything such an Envoy would load.
 */
public final class SidecarAds {

  private static final String PREFIX = "type.googleapis.com/";

  private SidecarAds() {}

  public static SidecarResources load(Bootstrap bootstrap) throws InterruptedException {
    SocketAddress server = adsServer(bootstrap);
    ManagedChannel channel = ManagedChannelBuilder.forAddress(server.getAddress(), server.getPortValue())
        .usePlaintext().build();
    BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    StreamObserver<DiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(channel)
        .streamAggregatedResources(new StreamObserver<>() {
          @Override
          public void onNext(DiscoveryResponse r) {
            answers.add(r);
          }

          @Override
          public void onError(Throwable t) {
            answers.add(t);
          }

          @Override
          public void onCompleted() {
            answers.add(new IllegalStateException("the server ended the ADS stream"));
          }
        });
    Stream stream = new Stream(bootstrap.getNode(), requests, answers);
    try {
      List<Cluster> clusters = stream.fetch(Cluster.getDefaultInstance(), List.of());
      List<String> eds = clusters.stream().filter(c -> c.getType() == Cluster.DiscoveryType.EDS)
          .map(c -> c.getEdsClusterConfig().getServiceName().isEmpty() ? c.getName()
              : c.getEdsClusterConfig().getServiceName()).toList();
      List<ClusterLoadAssignment> endpoints = eds.isEmpty() ? List.of()
          : stream.fetch(ClusterLoadAssignment.getDefaultInstance(), eds);
      List<Listener> listeners = stream.fetch(Listener.getDefaultInstance(), List.of());
      List<String> rds = routeNames(listeners);
      List<RouteConfiguration> routes = rds.isEmpty() ? List.of() : stream.fetch(RouteConfiguration.getDefaultInstance(), rds);
      return new SidecarResources(clusters, endpoints, listeners, routes);
    } finally {
      requests.onCompleted();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static SocketAddress adsServer(Bootstrap bootstrap) {
    String name = bootstrap.getDynamicResources().getAdsConfig().getGrpcServices(0).getEnvoyGrpc().getClusterName();
    Cluster cluster = bootstrap.getStaticResources().getClustersList().stream()
        .filter(c -> c.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("the bootstrap's ADS cluster " + name + " is not a static cluster"));
    return cluster.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress()
        .getSocketAddress();
  }

  private static List<String> routeNames(List<Listener> listeners) {
    Set<String> names = new LinkedHashSet<>();
    for (Listener l : listeners) {
      List<io.envoyproxy.envoy.config.listener.v3.FilterChain> chains = new ArrayList<>(l.getFilterChainsList());
      if (l.hasDefaultFilterChain()) {
        chains.add(l.getDefaultFilterChain());
      }
      chains.stream().flatMap(c -> c.getFiltersList().stream())
          .filter(f -> f.getTypedConfig().is(HttpConnectionManager.class))
          .map(f -> unpack(f.getTypedConfig(), HttpConnectionManager.class))
          .filter(HttpConnectionManager::hasRds)
          .forEach(h -> names.add(h.getRds().getRouteConfigName()));
    }
    return List.copyOf(names);
  }

  private record Stream(Node node, StreamObserver<DiscoveryRequest> requests, BlockingQueue<Object> answers) {

    @SuppressWarnings("unchecked")
    <T extends Message> List<T> fetch(T prototype, List<String> names) throws InterruptedException {
      Class<T> type = (Class<T>) prototype.getClass();
      String typeUrl = PREFIX + prototype.getDescriptorForType().getFullName();
      requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(typeUrl).addAllResourceNames(names)
          .build());
      Object answer = answers.poll(20, TimeUnit.SECONDS);
      if (!(answer instanceof DiscoveryResponse response)) {
        throw new AssertionError("no " + type.getSimpleName() + " answer within 20 s: " + answer);
      }
      if (!response.getTypeUrl().equals(typeUrl)) {
        throw new AssertionError("asked for " + typeUrl + ", got " + response.getTypeUrl());
      }
      requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(typeUrl).addAllResourceNames(names)
          .setVersionInfo(response.getVersionInfo()).setResponseNonce(response.getNonce()).build());
      return response.getResourcesList().stream().map(any -> unpack(any, type)).toList();
    }
  }

  private static <T extends Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("a served " + type.getSimpleName() + " does not parse: " + e.getMessage(), e);
    }
  }
}
