package io.hybridmesh.xds.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.hybridmesh.xds.testing.AdsClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import io.hybridmesh.xds.als.SidecarIdentity;
import io.hybridmesh.xds.auth.CallerContext;
import io.hybridmesh.xds.auth.SidecarAuthenticator;
import io.hybridmesh.xds.testing.FakeDirectory;
import java.net.InetAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The NACK storm regression. Without the guard, java-control-plane answers a NACK with the refused version
 * again at once; with it, the next thing a refusing sidecar hears is the next version. No timing: the test
 * only looks at what the next response is, and at exact counts.
 */
class NackGuardIT {

  private static final String NODE = "web-6b7c-x1.shop";
  private static final SidecarGroup GROUP = new SidecarGroup("shop", "web");

  private final SimpleCache<SidecarGroup> cache = new SimpleCache<>(SidecarGroup.NODE_GROUP);
  private final XdsCounters counters = new XdsCounters();
  private final List<SidecarRejection> rejected = new CopyOnWriteArrayList<>();
  private final List<String> recovered = new CopyOnWriteArrayList<>();
  private final SidecarRejections listener = new SidecarRejections() {
    @Override
    public void rejected(SidecarRejection rejection) {
      rejected.add(rejection);
    }

    @Override
    public void recovered(String nodeId, SidecarGroup group, String typeUrl, String version) {
      recovered.add(nodeId + " " + typeUrl + " " + version);
    }
  };
  private Server server;
  private ManagedChannel channel;

  private void start(boolean guarded) throws Exception {
    // The stream's caller is the pod its node id names: the identity check passes and is not the subject here.
    NackGuard guard = new NackGuard(cache, listener, counters, SidecarAuthenticator.byAddress(new FakeDirectory()
        .add(new SidecarIdentity("shop", "web-6b7c-x1", "web", "Deployment", "node-a", List.of("10.1.0.5")))));
    ConfigWatcher watcher = guarded ? guard : cache;
    V3DiscoveryServer discovery = new V3DiscoveryServer(List.of(guard), watcher);
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(discovery.getAggregatedDiscoveryServiceImpl())
        .intercept(CallerContext.fixedPeer(InetAddress.getByName("10.1.0.5"))).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static Snapshot clusters(String version, String... names) {
    List<Cluster> clusters = java.util.Arrays.stream(names).map(n -> Cluster.newBuilder().setName(n)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance())))
        .setConnectTimeout(Durations.fromSeconds(1)).build()).toList();
    List<ClusterLoadAssignment> endpoints = java.util.Arrays.stream(names)
        .map(n -> ClusterLoadAssignment.newBuilder().setClusterName(n).build()).toList();
    return Snapshot.create(clusters, endpoints, List.of(), List.of(), List.of(), version);
  }

  @Test
  void theUnguardedCacheResendsTheRefusedVersionAtOnce() throws Exception {
    start(false);
    cache.setSnapshot(GROUP, clusters("v1", "a"));
    try (AdsClient client = new AdsClient(channel, NODE, "web")) {
      client.request(Resources.V3.CLUSTER_TYPE_URL, List.of());
      DiscoveryResponse first = client.next();
      client.nack(first, "", List.of(), "rejected");
      cache.setSnapshot(GROUP, clusters("v2", "b"));
      assertEquals("v1", client.next().getVersionInfo(), "the storm this guard exists for");
    }
  }

  @Test
  void aRefusedVersionIsNotResentAndTheNextVersionIs() throws Exception {
    start(true);
    cache.setSnapshot(GROUP, clusters("v1", "a"));
    try (AdsClient client = new AdsClient(channel, NODE, "web")) {
      client.request(Resources.V3.CLUSTER_TYPE_URL, List.of());
      DiscoveryResponse v1 = client.next();
      assertEquals("v1", v1.getVersionInfo());
      client.nack(v1, "", List.of(), "cluster a: unsupported lb policy");
      assertEquals(1, openWatches());

      cache.setSnapshot(GROUP, clusters("v2", "b"));
      DiscoveryResponse v2 = client.next();
      assertEquals("v2", v2.getVersionInfo());
      client.nack(v2, "", List.of(), "cluster b: still wrong");

      cache.setSnapshot(GROUP, clusters("v3", "c"));
      DiscoveryResponse v3 = client.next();
      assertEquals("v3", v3.getVersionInfo());
      client.ack(v3, List.of());

      assertEquals(2, counters.rejections());
      assertEquals(2, counters.parkedRequests());
      assertEquals(3, counters.responses());
      assertEquals(List.of("v1", "v2"), rejected.stream().map(SidecarRejection::version).toList());
      SidecarRejection first = rejected.get(0);
      assertEquals(NODE, first.nodeId());
      assertEquals(GROUP, first.group());
      assertEquals(Resources.V3.CLUSTER_TYPE_URL, first.typeUrl());
      assertEquals("cluster a: unsupported lb policy", first.message());
      assertEquals(List.of(NODE + " " + Resources.V3.CLUSTER_TYPE_URL + " v3"), recovered);
      assertEquals(2L, counters.rejectionsByType().get(Resources.V3.CLUSTER_TYPE_URL));
    }
  }

  @Test
  void aRefusedLoadAssignmentStaysParkedToo() throws Exception {
    start(true);
    cache.setSnapshot(GROUP, clusters("v1", "a"));
    try (AdsClient client = new AdsClient(channel, NODE, "web")) {
      client.request(Resources.V3.CLUSTER_TYPE_URL, List.of());
      client.ack(client.next(), List.of());
      client.request(Resources.V3.ENDPOINT_TYPE_URL, List.of("a"));
      DiscoveryResponse eds = client.next();
      assertEquals(Resources.V3.ENDPOINT_TYPE_URL, eds.getTypeUrl());
      client.nack(eds, "", List.of("a"), "bad endpoint");
      // Same cluster set, new version: the EDS answer that comes next must be v2, not v1 again.
      cache.setSnapshot(GROUP, clusters("v2", "a"));
      DiscoveryResponse next = client.next();
      while (!next.getTypeUrl().equals(Resources.V3.ENDPOINT_TYPE_URL)) {
        client.ack(next, List.of());
        next = client.next();
      }
      assertEquals("v2", next.getVersionInfo());
      assertEquals(1, counters.rejections());
    }
  }

  @Test
  void aChangedSubscriptionAfterANackIsNotAnsweredWithTheRefusedVersion() throws Exception {
    start(true);
    cache.setSnapshot(GROUP, clusters("v1", "a"));
    try (AdsClient client = new AdsClient(channel, NODE, "web")) {
      client.request(Resources.V3.CLUSTER_TYPE_URL, List.of());
      DiscoveryResponse v1 = client.next();
      client.nack(v1, "", List.of(), "refused");
      // Same nonce, no error, still on version "": asks for a named cluster now.
      client.send(io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest.newBuilder()
          .setNode(io.envoyproxy.envoy.config.core.v3.Node.newBuilder().setId(NODE).setCluster("web"))
          .setTypeUrl(Resources.V3.CLUSTER_TYPE_URL).addResourceNames("a")
          .setResponseNonce(v1.getNonce()).build());
      cache.setSnapshot(GROUP, clusters("v2", "a"));
      assertEquals("v2", client.next().getVersionInfo());
      assertEquals(1, counters.rejections());
      assertEquals(List.of(), recovered);
    }
  }

  @Test
  void aNodeThatNamesNoSidecarIsRefused() throws Exception {
    start(true);
    try (AdsClient client = new AdsClient(channel, "no-namespace", "web")) {
      client.request(Resources.V3.CLUSTER_TYPE_URL, List.of());
      Status status = client.closed.get(10, TimeUnit.SECONDS);
      assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
      assertTrue(status.getDescription().contains("<pod>.<namespace>"));
    }
    assertEquals(1, counters.refusedNodes());
  }

  @Test
  void deltaXdsIsRefusedRatherThanServedUnguarded() throws Exception {
    start(true);
    CompletableFuture<Status> closed = new CompletableFuture<>();
    StreamObserver<DeltaDiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(channel)
        .deltaAggregatedResources(new StreamObserver<DeltaDiscoveryResponse>() {
          @Override
          public void onNext(DeltaDiscoveryResponse value) { }

          @Override
          public void onError(Throwable t) {
            closed.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            closed.complete(Status.OK);
          }
        });
    requests.onNext(DeltaDiscoveryRequest.newBuilder().setTypeUrl(Resources.V3.CLUSTER_TYPE_URL).build());
    assertEquals(Status.Code.UNIMPLEMENTED, closed.get(10, TimeUnit.SECONDS).getCode());
    assertEquals(1, counters.refusedDeltaStreams());
  }

  private int openWatches() {
    var status = cache.statusInfo(GROUP);
    return status == null ? 0 : status.numWatches();
  }
}
