package io.hybridmesh.xds.testing;

import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A hand-driven ADS stream: the test decides every request, ACK and NACK. */
public final class AdsClient implements AutoCloseable {

  private final BlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
  public final CompletableFuture<io.grpc.Status> closed = new CompletableFuture<>();
  private final StreamObserver<DiscoveryRequest> requests;
  private final Node node;

  public AdsClient(Channel channel, String nodeId, String cluster) {
    this.node = Node.newBuilder().setId(nodeId).setCluster(cluster).build();
    this.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryResponse value) {
        responses.add(value);
      }

      @Override
      public void onError(Throwable t) {
        closed.complete(io.grpc.Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        closed.complete(io.grpc.Status.OK);
      }
    });
  }

  public void request(String typeUrl, List<String> names) {
    requests.onNext(base(typeUrl, names).build());
  }

  public void ack(DiscoveryResponse response, List<String> names) {
    requests.onNext(base(response.getTypeUrl(), names)
        .setVersionInfo(response.getVersionInfo()).setResponseNonce(response.getNonce()).build());
  }

  /** Refuses {@code response}, still standing on {@code acceptedVersion}, as Envoy does. */
  public void nack(DiscoveryResponse response, String acceptedVersion, List<String> names, String message) {
    requests.onNext(base(response.getTypeUrl(), names)
        .setVersionInfo(acceptedVersion).setResponseNonce(response.getNonce())
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage(message)).build());
  }

  public void send(DiscoveryRequest request) {
    requests.onNext(request);
  }

  public DiscoveryResponse next() throws InterruptedException {
    DiscoveryResponse r = responses.poll(20, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no response within 20 s");
    }
    return r;
  }

  private DiscoveryRequest.Builder base(String typeUrl, List<String> names) {
    return DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(typeUrl).addAllResourceNames(names);
  }

  @Override
  public void close() {
    requests.onCompleted();
  }
}
