package io.hybridmesh.xds.server;

import static io.hybridmesh.xds.testing.AccessLogFixtures.NODE_ID;
import static io.hybridmesh.xds.testing.AccessLogFixtures.identifier;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.xds.model.SidecarWorkload;
import io.hybridmesh.xds.testing.AccessLogFixtures;
import io.hybridmesh.xds.testing.AdsClient;
import io.hybridmesh.xds.testing.Bootstraps;
import io.hybridmesh.xds.testing.CollectingSink;
import io.hybridmesh.xds.testing.Authenticators;
import io.hybridmesh.xds.testing.FakeDirectory;
import io.hybridmesh.xds.testing.MeshFixtures;
import io.hybridmesh.xds.translate.Names;
import io.hybridmesh.xds.translate.TranslatorSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One Netty server, one port: a sidecar's xDS stream and its access-log stream both reach it. */
class XdsServerIT {

  private final CollectingSink sink = new CollectingSink();
  private XdsServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = new XdsServer("127.0.0.1", 0, TranslatorSettings.DEFAULTS, Bootstraps.LOCAL, SidecarRejections.IGNORE,
        Authenticators.loopback(new FakeDirectory().add(AccessLogFixtures.FRONTEND_POD)), sink).start();
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), InsecureChannelCredentials.create())
        .build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void servesSidecarConfigAndReceivesAccessLogsOnOnePort() throws Exception {
    assertEquals(18000, XdsServer.DEFAULT_PORT);
    SidecarWorkload frontend = MeshFixtures.frontend();
    PublishReport report = server.snapshots().publish(List.of(frontend));
    assertEquals(List.of(new SidecarGroup("shop", "frontend")), report.updated());

    try (AdsClient sidecar = new AdsClient(channel, NODE_ID, "frontend")) {
      sidecar.request(Resources.V3.CLUSTER_TYPE_URL, List.of());
      DiscoveryResponse clusters = sidecar.next();
      assertEquals(10, clusters.getResourcesCount());
      sidecar.ack(clusters, List.of());
      sidecar.request(Resources.V3.LISTENER_TYPE_URL, List.of());
      DiscoveryResponse listeners = sidecar.next();
      assertEquals(List.of(Names.OUTBOUND_LISTENER, Names.INBOUND_LISTENER), listeners.getResourcesList().stream()
          .map(any -> unpack(any, Listener.class).getName()).toList());
      assertEquals(Names.PASSTHROUGH_CLUSTER, unpack(clusters.getResources(0), Cluster.class).getName());
    }

    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<StreamAccessLogsMessage> logs = AccessLogServiceGrpc.newStub(channel)
        .streamAccessLogs(new StreamObserver<StreamAccessLogsResponse>() {
          @Override
          public void onNext(StreamAccessLogsResponse value) { }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });
    logs.onNext(AccessLogFixtures.http(identifier(NODE_ID, Names.LOG_OUTBOUND_HTTP), AccessLogFixtures.outboundGet()));
    logs.onCompleted();
    done.get(20, TimeUnit.SECONDS);
    assertEquals(1, sink.flows.size());
    assertEquals(DataPath.SIDECAR, sink.flows.get(0).getDataPath());
    assertEquals(1, server.accessLogCounters().flows());
  }

  @Test
  void republishingAnUnchangedModelPushesNothingAndADepartedWorkloadIsDroppedOnceItsSidecarsLeave()
      throws Exception {
    SidecarGroup group = new SidecarGroup("shop", "frontend");
    server.snapshots().publish(List.of(MeshFixtures.frontend()));
    assertEquals(List.of(), server.snapshots().publish(List.of(MeshFixtures.frontend())).updated());
    assertEquals(1, server.counters().publishedSnapshots());

    AdsClient sidecar = new AdsClient(channel, NODE_ID, "frontend");
    sidecar.request(Resources.V3.CLUSTER_TYPE_URL, List.of());
    sidecar.ack(sidecar.next(), List.of());
    await().atMost(Duration.ofSeconds(20)).until(() -> server.openWatches(group) > 0);

    PublishReport gone = server.snapshots().publish(List.of());
    assertEquals(List.of(group), gone.removalPending(), "a connected sidecar keeps its config while it shuts down");
    sidecar.close();
    await().atMost(Duration.ofSeconds(20)).until(() -> server.openWatches(group) == 0);
    assertEquals(List.of(group), server.snapshots().retryRemovals());
    assertEquals(List.of(), server.snapshots().publish(List.of()).removalPending());
  }

  private static <T extends com.google.protobuf.Message> T unpack(com.google.protobuf.Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
