package io.hybridmesh.bench;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.RequestMethod;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPRequestProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPResponseProperties;
import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.stub.StreamObserver;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.xds.als.AccessLogFlows;
import io.grpc.Context;
import io.hybridmesh.xds.als.AccessLogReceiver;
import io.hybridmesh.xds.auth.CallerContext;
import io.hybridmesh.xds.auth.SidecarAuthenticator;
import java.net.InetAddress;
import io.hybridmesh.xds.als.AlsCounters;
import io.hybridmesh.xds.als.SidecarFlowSink;
import io.hybridmesh.xds.als.SidecarIdentity;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The sidecar access-log path on one thread: Envoy HTTP access-log entries, as an access-log stream's
 * messages deliver them, through the receiver (stream identity, conversion, sink) to flows. Scores are
 * entries per second; the goal is ≥ 100,000 on one core.
 *
 * <p>The receiver's stream observer is driven directly, without a gRPC transport: what is measured is our
 * code, the protobuf parsing of the wire bytes is grpc-java's. Each message carries {@link #ENTRIES} entries
 * (Envoy batches about 16 KiB, some 30-60 entries), varied in path, status, upstream and flags; a third
 * are gRPC calls over HTTP/2 with their trailers.
 * {@link #httpEntries} hands flows to a sink that drops them; {@link #httpEntriesSerialized} also
 * serializes each flow, as a sink that stores or sends them would.
 */
@State(Scope.Thread)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AlsPathBenchmark {

  static final int ENTRIES = 64;
  static final String NODE_ID = "frontend-7d4f9-abcde.shop";

  private StreamObserver<StreamAccessLogsMessage> stream;
  private StreamObserver<StreamAccessLogsMessage> serializingStream;
  private StreamAccessLogsMessage batch;
  private final BlackholeSink sink = new BlackholeSink(false);
  private final BlackholeSink serializingSink = new BlackholeSink(true);
  private AlsCounters counters;

  @Setup
  public void setUp() {
    SidecarIdentity pod = new SidecarIdentity("shop", "frontend-7d4f9-abcde", "frontend", "Deployment", "node-a",
        List.of("10.1.0.7"));
    counters = new AlsCounters();
    stream = openStream(sink, pod, counters);
    serializingStream = openStream(serializingSink, pod, new AlsCounters());
    batch = StreamAccessLogsMessage.newBuilder()
        .setHttpLogs(StreamAccessLogsMessage.HTTPAccessLogEntries.newBuilder().addAllLogEntry(entries()))
        .build();
    // The identifier travels in a stream's first message only, as Envoy sends it.
    StreamAccessLogsMessage first = batch.toBuilder()
        .setIdentifier(StreamAccessLogsMessage.Identifier.newBuilder()
            .setNode(Node.newBuilder().setId(NODE_ID).setCluster("frontend"))
            .setLogName("outbound-http"))
        .build();
    stream.onNext(first);
    serializingStream.onNext(first);
    if (counters.flows() != ENTRIES || counters.droppedTotal() != 0) {
      throw new IllegalStateException("benchmark batch does not convert cleanly: flows=" + counters.flows()
          + " dropped=" + counters.droppedTotal());
    }
    System.err.printf("als-path: %d HTTP entries per message, %d bytes per message%n", ENTRIES,
        batch.getSerializedSize());
  }

  private static StreamObserver<StreamAccessLogsMessage> openStream(SidecarFlowSink sink, SidecarIdentity pod,
      AlsCounters counters) {
    AccessLogReceiver receiver = new AccessLogReceiver(SidecarAuthenticator.byAddress(nodeId -> Optional.of(pod)),
        sink, new AccessLogFlows(System::currentTimeMillis), AccessLogReceiver.Limits.DEFAULTS, counters);
    // The stream is opened as the gRPC server would open it for a call from the pod's own address.
    Context caller;
    try {
      caller = Context.current().withValue(CallerContext.PEER, InetAddress.getByName(pod.podIps().get(0)));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    Context previous = caller.attach();
    try {
      return receiver.streamAccessLogs(new StreamObserver<StreamAccessLogsResponse>() {
        @Override
        public void onNext(StreamAccessLogsResponse value) { }

        @Override
        public void onError(Throwable t) { }

        @Override
        public void onCompleted() { }
      });
    } finally {
      caller.detach(previous);
    }
  }

  @Benchmark
  @OperationsPerInvocation(ENTRIES)
  public void httpEntries(Blackhole bh) {
    sink.bh = bh;
    stream.onNext(batch);
  }

  @Benchmark
  @OperationsPerInvocation(ENTRIES)
  public void httpEntriesSerialized(Blackhole bh) {
    serializingSink.bh = bh;
    serializingStream.onNext(batch);
  }

  static List<HTTPAccessLogEntry> entries() {
    String[] services = {"catalog.shop", "payments.billing", "cart.shop", "search.shop"};
    long start = System.currentTimeMillis();
    return java.util.stream.IntStream.range(0, ENTRIES).mapToObj(i -> {
      String service = services[i % services.length];
      AccessLogCommon.Builder common = AccessLogCommon.newBuilder()
          .setStartTime(Timestamps.fromMillis(start + i))
          .setDownstreamRemoteAddress(address("10.1.0.7", 40000 + i))
          .setDownstreamLocalAddress(address("10.96.0." + (20 + i % 4), 80))
          .setUpstreamLocalAddress(address("10.1.0.7", 50000 + i))
          .setUpstreamRemoteAddress(address("10.1.1." + (4 + i % 8), 8080))
          .setUpstreamCluster("outbound|80||" + service + ".svc.cluster.local")
          .setRouteName("default")
          .setTimeToLastUpstreamTxByte(Durations.fromMicros(200))
          .setTimeToFirstUpstreamRxByte(Durations.fromMicros(1500 + i))
          .setTimeToLastDownstreamTxByte(Durations.fromMicros(1800 + i))
          .setDuration(Durations.fromMicros(1800 + i))
          .setStreamId("stream-" + i);
      if (i % 16 == 15) {
        common.setResponseFlags(ResponseFlags.newBuilder().setUpstreamConnectionFailure(true));
      }
      // A third are gRPC calls over HTTP/2, logged as the translator's logger asks: content-type on every
      // request, grpc-status (and for errors grpc-message) in the trailers.
      boolean grpc = i % 3 == 0;
      HTTPResponseProperties.Builder response = HTTPResponseProperties.newBuilder()
          .setResponseCode(UInt32Value.of(i % 16 == 15 ? 503 : 200))
          .setResponseBodyBytes(1024 + i);
      if (grpc && i % 16 != 15) {
        response.putResponseTrailers("grpc-status", i % 5 == 0 ? "5" : "0");
        if (i % 5 == 0) {
          response.putResponseTrailers("grpc-message", "item%20" + i + "%20not%20found");
        }
      }
      return HTTPAccessLogEntry.newBuilder()
          .setProtocolVersion(grpc ? HTTPAccessLogEntry.HTTPVersion.HTTP2 : HTTPAccessLogEntry.HTTPVersion.HTTP11)
          .setCommonProperties(common)
          .setRequest(HTTPRequestProperties.newBuilder()
              .setRequestMethod(grpc || i % 4 == 0 ? RequestMethod.POST : RequestMethod.GET)
              .setScheme("http")
              .setAuthority(service.substring(0, service.indexOf('.')))
              .setPath(grpc ? "/shop.v1.Catalog/GetItem" : "/api/v1/items/" + i + "?page=" + (i % 5))
              .setUserAgent("bench-client/1.0")
              .setRequestId("0c6f3e2a-9b1d-4c1e-8f00-" + String.format("%012d", i))
              .setRequestBodyBytes(i % 4 == 0 ? 256 : 0)
              .putRequestHeaders("content-type", grpc ? "application/grpc" : "application/json"))
          .setResponse(response)
          .build();
    }).toList();
  }

  private static Address address(String ip, int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port))
        .build();
  }

  static final class BlackholeSink implements SidecarFlowSink {
    private final boolean serialize;
    Blackhole bh;

    BlackholeSink(boolean serialize) {
      this.serialize = serialize;
    }

    @Override
    public void accept(Flow flow) {
      if (bh != null) {
        bh.consume(serialize ? flow.toByteArray() : flow);
      }
    }

    @Override
    public void lost(long entries) {
      if (bh != null) {
        bh.consume(entries);
      }
    }
  }
}
