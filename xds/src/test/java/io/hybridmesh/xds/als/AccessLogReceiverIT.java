package io.hybridmesh.xds.als;

import static io.hybridmesh.xds.testing.AccessLogFixtures.NODE_ID;
import static io.hybridmesh.xds.testing.AccessLogFixtures.identifier;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.data.accesslog.v3.AccessLogType;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.xds.testing.AccessLogFixtures;
import io.hybridmesh.xds.testing.CollectingSink;
import io.hybridmesh.xds.testing.FakeDirectory;
import io.hybridmesh.xds.auth.AuthCounters;
import io.hybridmesh.xds.auth.AuthCounters.Plane;
import io.hybridmesh.xds.auth.CallerContext;
import io.hybridmesh.xds.auth.Refusal;
import io.hybridmesh.xds.auth.SidecarAuthenticator;
import io.hybridmesh.xds.auth.TokenPolicy;
import io.hybridmesh.xds.auth.TokenReview;
import io.hybridmesh.xds.auth.TokenReviewer;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replays what Envoy sends over a real (in-process) gRPC stream. */
class AccessLogReceiverIT {

  private final CollectingSink sink = new CollectingSink();
  private final FakeDirectory directory = new FakeDirectory().add(AccessLogFixtures.FRONTEND_POD);
  private final AlsCounters counters = new AlsCounters();
  private final AuthCounters auth = new AuthCounters();
  /** Where the test's calls come from, as the transport would say: the frontend pod's address by default. */
  private volatile InetAddress peer = address("10.1.0.7");
  private SidecarAuthenticator authenticator = new SidecarAuthenticator(directory, TokenReviewer.NONE,
      TokenPolicy.IGNORE, false, auth);
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    start(AccessLogReceiver.Limits.DEFAULTS);
  }

  private void start(AccessLogReceiver.Limits limits) throws Exception {
    stop();
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new AccessLogReceiver(authenticator, sink, new AccessLogFlows(System::currentTimeMillis), limits,
            counters))
        .intercept(fromPeer())
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Sends the messages on one stream, half-closes, and waits for the server to finish it. */
  private Status stream(List<StreamAccessLogsMessage> messages) throws Exception {
    CompletableFuture<Status> done = new CompletableFuture<>();
    StreamObserver<StreamAccessLogsMessage> requests = AccessLogServiceGrpc.newStub(channel).streamAccessLogs(
        new StreamObserver<>() {
          @Override
          public void onNext(StreamAccessLogsResponse value) { }

          @Override
          public void onError(Throwable t) {
            done.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            done.complete(Status.OK);
          }
        });
    messages.forEach(requests::onNext);
    requests.onCompleted();
    return done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void identityFromTheFirstMessageAppliesToTheWholeStream() throws Exception {
    var id = identifier(NODE_ID, "outbound-http");
    Status status = stream(List.of(
        AccessLogFixtures.http(id, AccessLogFixtures.outboundGet()),
        AccessLogFixtures.http(null, AccessLogFixtures.outboundGet(), AccessLogFixtures.outboundGet())));
    assertEquals(Status.Code.OK, status.getCode());
    assertEquals(3, sink.flows.size());
    assertTrue(sink.flows.stream().allMatch(f -> f.getObservationPoint() == ObservationPoint.ENVOY_OUTBOUND
        && f.getSource().getPodName().equals("frontend-7d4f9-abcde") && f.getType() == FlowType.L7));
    assertEquals(2, counters.messages());
    assertEquals(3, counters.flows());
    assertEquals(0, counters.droppedTotal());
    assertEquals(0, counters.openStreams());
  }

  @Test
  void tcpEntriesOnTheirOwnStream() throws Exception {
    stream(List.of(AccessLogFixtures.tcp(identifier(NODE_ID, "inbound-tcp"),
        AccessLogFixtures.inboundTcp(AccessLogType.TcpPeriodic),
        AccessLogFixtures.inboundTcp(AccessLogType.TcpConnectionEnd))));
    assertEquals(2, sink.flows.size());
    assertEquals(ObservationPoint.ENVOY_INBOUND, sink.flows.get(0).getObservationPoint());
    assertEquals(FlowType.L3_L4, sink.flows.get(1).getType());
  }

  @Test
  void grpcCallsOnTheHttpStreamBecomeFlowsWithTheirGrpcRecord() throws Exception {
    var ok = AccessLogFixtures.outboundGrpc("/billing.v1.Payments/Charge");
    ok.getResponseBuilder().putResponseTrailers("grpc-status", "0");
    var refused = AccessLogFixtures.outboundGrpc("/billing.v1.Payments/Charge");
    refused.getResponseBuilder().putResponseHeaders("grpc-status", "7")
        .putResponseHeaders("grpc-message", "card%20blocked");
    var streaming = AccessLogFixtures.outboundGrpc("/billing.v1.Payments/WatchCharges");
    streaming.getResponseBuilder().putResponseTrailers("grpc-status", "4");
    Status status = stream(List.of(
        AccessLogFixtures.http(identifier(NODE_ID, "outbound-http"), ok.build(), AccessLogFixtures.outboundGet()),
        AccessLogFixtures.http(null, refused.build(), streaming.build())));
    assertEquals(Status.Code.OK, status.getCode());
    assertEquals(4, sink.flows.size());
    assertEquals(List.of("OK", "", "PERMISSION_DENIED", "DEADLINE_EXCEEDED"), sink.flows.stream()
        .map(f -> f.getL7().getGrpc().getStatusName()).toList(), "the HTTP/1.1 call has no grpc record");
    assertEquals(List.of("HTTP/2", "HTTP/1.1", "HTTP/2", "HTTP/2"), sink.flows.stream()
        .map(f -> f.getL7().getHttp().getProtocol()).toList());
    assertEquals("card blocked", sink.flows.get(2).getL7().getGrpc().getMessage());
    assertEquals("WatchCharges", sink.flows.get(3).getL7().getGrpc().getMethod());
    assertTrue(sink.flows.stream().filter(f -> f.getL7().hasGrpc())
        .allMatch(f -> f.getL7().getGrpc().getService().equals("billing.v1.Payments")
            && f.getObservationPoint() == ObservationPoint.ENVOY_OUTBOUND));
    assertEquals(0, counters.droppedTotal());
  }

  @Test
  void unknownPodsAreRefusedWithTheReasonAndCountedNotReportedLost() throws Exception {
    var stranger = identifier("ghost-1.nowhere", "outbound-http");
    Status status = stream(List.of(
        AccessLogFixtures.http(stranger, AccessLogFixtures.outboundGet(), AccessLogFixtures.outboundGet()),
        AccessLogFixtures.http(null, AccessLogFixtures.outboundGet())));
    assertEquals(Status.Code.PERMISSION_DENIED, status.getCode());
    assertTrue(status.getDescription().contains("names no pod nowhere/ghost-1"), status.getDescription());
    assertEquals(0, sink.flows.size());
    assertEquals(1, auth.refused(Plane.ACCESS_LOG, Refusal.UNKNOWN_POD));
    assertTrue(counters.dropped(DropCause.REFUSED_CALLER) >= 2);
    assertEquals(0, sink.lost.get(), "a refused caller's entries are not the pod's lost flows");
    assertEquals(0, counters.openStreams());
  }

  @Test
  void aForgedStreamFromAnotherPodsAddressMakesNoFlowAndOneCountedRejection() throws Exception {
    peer = address("10.1.0.99"); // some other pod, claiming to be the frontend
    Status status = stream(List.of(
        AccessLogFixtures.http(identifier(NODE_ID, "outbound-http"), AccessLogFixtures.outboundGet()),
        AccessLogFixtures.http(null, AccessLogFixtures.outboundGet())));
    assertEquals(Status.Code.PERMISSION_DENIED, status.getCode());
    assertTrue(status.getDescription().contains("comes from 10.1.0.99, which is not that pod's address"),
        status.getDescription());
    assertEquals(0, sink.flows.size());
    assertEquals(1, auth.refused(Plane.ACCESS_LOG));
    assertEquals(1, auth.refused(Plane.ACCESS_LOG, Refusal.ADDRESS_MISMATCH));
    assertEquals(0, auth.accepted());
  }

  @Test
  void theFrontendsOwnIpv6AddressIsItsTooAndAMappedPeerIsReadAsIpv4() throws Exception {
    peer = address("fd00::7");
    assertEquals(Status.Code.OK, stream(List.of(AccessLogFixtures.http(identifier(NODE_ID, "outbound-http"),
        AccessLogFixtures.outboundGet()))).getCode());
    peer = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 0, 7});
    assertEquals(Status.Code.OK, stream(List.of(AccessLogFixtures.http(identifier(NODE_ID, "outbound-http"),
        AccessLogFixtures.outboundGet()))).getCode());
    assertEquals(2, sink.flows.size());
  }

  @Test
  void hostNetworkPodsAreRefusedSinceTheirAddressIsTheirNodes() throws Exception {
    directory.add(new SidecarIdentity("shop", "node-agent-x", "node-agent", "DaemonSet", "node-a",
        List.of("192.168.1.10"), "default", true));
    peer = address("192.168.1.10");
    Status status = stream(List.of(AccessLogFixtures.http(identifier("node-agent-x.shop", "outbound-http"),
        AccessLogFixtures.outboundGet())));
    assertEquals(Status.Code.PERMISSION_DENIED, status.getCode());
    assertTrue(status.getDescription().contains("host network"), status.getDescription());
    assertEquals(1, auth.refused(Plane.ACCESS_LOG, Refusal.HOST_NETWORK));
    assertEquals(0, sink.flows.size());
  }

  @Test
  void aPodTheDirectoryLearnsLaterIsServedOnTheSidecarsNextStream() throws Exception {
    var later = new SidecarIdentity("shop", "late-pod", "frontend", "Deployment", "node-b", List.of("10.1.0.9"));
    peer = address("10.1.0.9");
    Status first = stream(List.of(AccessLogFixtures.http(identifier("late-pod.shop", "outbound-http"),
        AccessLogFixtures.outboundGet())));
    assertEquals(Status.Code.PERMISSION_DENIED, first.getCode());
    directory.add(later);
    Status second = stream(List.of(AccessLogFixtures.http(identifier("late-pod.shop", "outbound-http"),
        AccessLogFixtures.outboundGet())));
    assertEquals(Status.Code.OK, second.getCode());
    assertEquals(1, sink.flows.size());
    assertEquals("node-b", sink.flows.get(0).getNodeName());
  }

  @Test
  void tokensAreReviewedAndMustBeThePodsServiceAccountAndPod() throws Exception {
    directory.add(new SidecarIdentity("shop", "frontend-7d4f9-abcde", "frontend", "Deployment", "node-a",
        List.of("10.1.0.7"), "frontend-sa", false));
    Map<String, TokenReview> reviews = Map.of(
        "good", TokenReview.of("system:serviceaccount:shop:frontend-sa", "frontend-7d4f9-abcde"),
        "other-account", TokenReview.of("system:serviceaccount:shop:payments", null),
        "other-pod", TokenReview.of("system:serviceaccount:shop:frontend-sa", "frontend-7d4f9-zzzzz"));
    authenticator = new SidecarAuthenticator(directory, t -> reviews.getOrDefault(t,
        TokenReview.refused("signature invalid")), TokenPolicy.REQUIRED, false, auth);
    start(AccessLogReceiver.Limits.DEFAULTS);
    assertEquals(Status.Code.UNAUTHENTICATED, streamWithToken(null).getCode());
    assertEquals(Status.Code.UNAUTHENTICATED, streamWithToken("forged").getCode());
    assertEquals(Status.Code.PERMISSION_DENIED, streamWithToken("other-account").getCode());
    assertEquals(Status.Code.PERMISSION_DENIED, streamWithToken("other-pod").getCode());
    assertEquals(0, sink.flows.size());
    assertEquals(Status.Code.OK, streamWithToken("good").getCode());
    assertEquals(1, sink.flows.size());
    assertEquals(List.of(1L, 1L, 1L, 1L), List.of(auth.refused(Plane.ACCESS_LOG, Refusal.TOKEN_MISSING),
        auth.refused(Plane.ACCESS_LOG, Refusal.TOKEN_INVALID), auth.refused(Plane.ACCESS_LOG,
            Refusal.TOKEN_WRONG_ACCOUNT), auth.refused(Plane.ACCESS_LOG, Refusal.TOKEN_WRONG_POD)));
  }

  private Status streamWithToken(String token) throws Exception {
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    }
    CompletableFuture<Status> done = new CompletableFuture<>();
    StreamObserver<StreamAccessLogsMessage> requests = AccessLogServiceGrpc.newStub(channel)
        .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
        .streamAccessLogs(statusOf(done));
    requests.onNext(AccessLogFixtures.http(identifier(NODE_ID, "outbound-http"), AccessLogFixtures.outboundGet()));
    requests.onCompleted();
    return done.get(10, TimeUnit.SECONDS);
  }

  private static StreamObserver<StreamAccessLogsResponse> statusOf(CompletableFuture<Status> done) {
    return new StreamObserver<>() {
      @Override
      public void onNext(StreamAccessLogsResponse value) { }

      @Override
      public void onError(Throwable t) {
        done.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        done.complete(Status.OK);
      }
    };
  }

  /** The transport's peer address, as this test sets it. */
  private ServerInterceptor fromPeer() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        return CallerContext.fixedPeer(peer).interceptCall(call, headers, next);
      }
    };
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // literals only: no lookup
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void missingIdentifierAndEmptyMessagesAreCountedNotFatal() throws Exception {
    Status status = stream(List.of(
        AccessLogFixtures.http(null, AccessLogFixtures.outboundGet()),
        StreamAccessLogsMessage.newBuilder().setIdentifier(identifier(NODE_ID, "outbound-http")).build(),
        AccessLogFixtures.http(null, HTTPAccessLogEntry.getDefaultInstance())));
    assertEquals(Status.Code.OK, status.getCode());
    assertEquals(1, counters.dropped(DropCause.NO_IDENTIFIER));
    assertEquals(3, counters.messages());
    assertEquals(1, counters.dropped(DropCause.EMPTY_MESSAGE));
    assertEquals(1, sink.flows.size(), "an entry with every field missing still becomes a (partial) flow");
    assertTrue(sink.flows.get(0).getCompleteness().getPartial());
  }

  @Test
  void entriesBeyondThePerMessageLimitAreDroppedAndStreamsBeyondTheLimitRefused() throws Exception {
    start(new AccessLogReceiver.Limits(1, 2));
    CompletableFuture<Void> first = new CompletableFuture<>();
    StreamObserver<StreamAccessLogsMessage> open = AccessLogServiceGrpc.newStub(channel).streamAccessLogs(
        completing(first));
    open.onNext(AccessLogFixtures.http(identifier(NODE_ID, "outbound-http"), AccessLogFixtures.outboundGet(),
        AccessLogFixtures.outboundGet(), AccessLogFixtures.outboundGet()));
    Status refused = stream(List.of(AccessLogFixtures.http(identifier(NODE_ID, "outbound-http"),
        AccessLogFixtures.outboundGet())));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getCode());
    assertEquals(1, counters.refusedStreams());
    open.onCompleted();
    first.get(10, TimeUnit.SECONDS);
    assertEquals(2, sink.flows.size());
    assertEquals(1, counters.dropped(DropCause.OVER_MESSAGE_LIMIT));
    assertEquals(0, counters.openStreams());
  }

  @Test
  void aFailingSinkCostsOnlyTheEntry() throws Exception {
    stop();
    String name = InProcessServerBuilder.generateName();
    SidecarFlowSink broken = new SidecarFlowSink() {
      @Override
      public void accept(io.hybridmesh.api.flow.v1.Flow flow) {
        throw new IllegalStateException("ring closed");
      }

      @Override
      public void lost(long entries) { }
    };
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new AccessLogReceiver(authenticator, broken, new AccessLogFlows(System::currentTimeMillis),
            AccessLogReceiver.Limits.DEFAULTS, counters))
        .intercept(fromPeer())
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    Status status = stream(List.of(AccessLogFixtures.http(identifier(NODE_ID, "outbound-http"),
        AccessLogFixtures.outboundGet(), AccessLogFixtures.outboundGet())));
    assertEquals(Status.Code.OK, status.getCode());
    assertEquals(2, counters.dropped(DropCause.SINK_FAILED));
  }

  private static StreamObserver<StreamAccessLogsResponse> completing(CompletableFuture<Void> done) {
    return new StreamObserver<>() {
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
    };
  }
}
