package io.hybridmesh.controller.relay;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.api.observer.v1.NodeState;
import io.hybridmesh.api.observer.v1.NodeStatusEvent;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import java.time.Clock;
import java.time.Instant;
import io.hybridmesh.api.flow.v1.Flow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;

/**
 * One GetFlows call to one peer. Items go into a queue the relay drains; inbound flow control keeps at
 * most {@code window} items of this peer in that queue, so a relay that cannot keep up slows its peers'
 * streams instead of growing memory (the peers count what their own readers miss). The end of the call
 * arrives as an {@link Event} without an item, carrying the failure if there was one.
 */
final class PeerStream {

  /**
   * What a peer stream delivers: the items of one message (a batch of flows comes unpacked, one item per
   * flow), or its end (items null), with the failure if it failed. Flow control counts messages: call
   * {@link #consumed()} once per event.
   */
  record Event(PeerStream stream, List<RelayItem> items, Status failure) {
    boolean end() {
      return items == null;
    }
  }

  /** Flows per message asked of each peer: one message per flow would cost more than the flow. */
  static final int PEER_BATCH = 256;

  private final Peer peer;
  private final BlockingQueue<Event> sink;
  private final int window;
  private volatile ClientCallStreamObserver<GetFlowsRequest> call;
  private volatile boolean cancelled;

  PeerStream(Peer peer, BlockingQueue<Event> sink, int window) {
    this.peer = peer;
    this.sink = sink;
    this.window = window;
  }

  Peer peer() {
    return peer;
  }

  PeerStream start(ObserverGrpc.ObserverStub stub, GetFlowsRequest request) {
    stub.getFlows(request.toBuilder().setBatchSize(PEER_BATCH).build(), new ClientResponseObserver<GetFlowsRequest, GetFlowsResponse>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<GetFlowsRequest> requestStream) {
        call = requestStream;
        requestStream.disableAutoRequestWithInitial(window);
      }

      @Override
      public void onNext(GetFlowsResponse value) {
        sink.add(new Event(PeerStream.this, unpack(value), null));
      }

      @Override
      public void onError(Throwable t) {
        sink.add(new Event(PeerStream.this, null, cancelled ? null : Status.fromThrowable(t)));
      }

      @Override
      public void onCompleted() {
        sink.add(new Event(PeerStream.this, null, null));
      }
    });
    return this;
  }

  /** One item per flow; an agent names itself, a source that does not is named after its peer entry. */
  private List<RelayItem> unpack(GetFlowsResponse value) {
    String node = value.getNodeName().isEmpty() ? peer.name() : value.getNodeName();
    if (value.hasFlow()) {
      return List.of(RelayItem.flow(node, value.getFlow()));
    }
    if (!value.hasFlows()) {
      return List.of(RelayItem.other(value.getNodeName().isEmpty() ? value.toBuilder().setNodeName(node).build()
          : value));
    }
    List<RelayItem> items = new ArrayList<>(value.getFlows().getFlowsCount());
    for (Flow f : value.getFlows().getFlowsList()) {
      items.add(RelayItem.flow(node, f));
    }
    return items;
  }

  /** Lets the peer send one more message, after one was taken from the queue. */
  void consumed() {
    ClientCallStreamObserver<GetFlowsRequest> c = call;
    if (c != null && !cancelled) {
      c.request(1);
    }
  }

  void cancel() {
    cancelled = true;
    ClientCallStreamObserver<GetFlowsRequest> c = call;
    if (c != null) {
      c.cancel("the relay's client went away", null);
    }
  }

  /** The item that tells a client this peer's flows are missing from here on, and why. */
  RelayItem statusItem(NodeState state, Status failure, Clock clock) {
    Instant now = clock.instant();
    String why = failure.getDescription() != null ? failure.getDescription() : failure.getCode().name();
    return RelayItem.other(GetFlowsResponse.newBuilder().setNodeName(peer.name())
        .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .setNodeStatus(NodeStatusEvent.newBuilder().setStateChange(state).addNodeNames(peer.name())
            .setMessage(peer.name() + " (" + peer.target() + "): " + failure.getCode() + ": " + why))
        .build());
  }
}
