package io.hybridmesh.controller.relay;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.api.observer.v1.GetNodesRequest;
import io.hybridmesh.api.observer.v1.GetNodesResponse;
import io.hybridmesh.api.observer.v1.ListWorkloadsRequest;
import io.hybridmesh.api.observer.v1.ListWorkloadsResponse;
import io.hybridmesh.api.observer.v1.Node;
import io.hybridmesh.api.observer.v1.NodeState;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import io.hybridmesh.api.observer.v1.ServerStatusRequest;
import io.hybridmesh.api.observer.v1.ServerStatusResponse;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A node's Observer API for relay tests: a stored, time-ordered list of flows answering backlog requests
 * (last/first N, since/until) as an agent does, and followers that receive flows {@link #publish}ed
 * later. No filtering: the relay passes filters through, which is the agents' job.
 */
final class FakeObserver extends ObserverGrpc.ObserverImplBase {

  final String node;
  final List<Flow> stored = new CopyOnWriteArrayList<>();
  final List<ServerCallStreamObserver<GetFlowsResponse>> followers = new CopyOnWriteArrayList<>();
  final List<GetFlowsRequest> requests = new CopyOnWriteArrayList<>();
  List<WorkloadReport> workloads = List.of();

  FakeObserver(String node) {
    this.node = node;
  }

  static Flow flow(String uuid, long seconds) {
    return Flow.newBuilder().setUuid(uuid).setTime(Timestamp.newBuilder().setSeconds(seconds)).build();
  }

  void store(String uuid, long seconds) {
    stored.add(flow(uuid, seconds).toBuilder().setNodeName(node).build());
  }

  void publish(String uuid, long seconds) {
    Flow f = flow(uuid, seconds).toBuilder().setNodeName(node).build();
    stored.add(f);
    followers.forEach(o -> o.onNext(item(f)));
  }

  void endFollowers(Status status) {
    followers.forEach(o -> o.onError(status.asRuntimeException()));
    followers.clear();
  }

  private GetFlowsResponse item(Flow f) {
    return GetFlowsResponse.newBuilder().setNodeName(node).setTime(f.getTime()).setFlow(f).build();
  }

  @Override
  public void getFlows(GetFlowsRequest req, StreamObserver<GetFlowsResponse> observer) {
    requests.add(req);
    List<Flow> range = new ArrayList<>();
    for (Flow f : stored) {
      long t = TimeOrder.nanos(f.getTime());
      if ((!req.hasSince() || t >= TimeOrder.nanos(req.getSince()))
          && (!req.hasUntil() || t < TimeOrder.nanos(req.getUntil()))) {
        range.add(f);
      }
    }
    int n = (int) Math.min(req.getNumber(), range.size());
    List<Flow> backlog = req.getNumber() == 0 ? (req.hasSince() || req.hasUntil() ? range : List.of())
        : req.getFirst() ? range.subList(0, n) : range.subList(range.size() - n, range.size());
    backlog.forEach(f -> observer.onNext(item(f)));
    if (req.getFollow()) {
      followers.add((ServerCallStreamObserver<GetFlowsResponse>) observer);
    } else {
      observer.onCompleted();
    }
  }

  @Override
  public void serverStatus(ServerStatusRequest req, StreamObserver<ServerStatusResponse> observer) {
    observer.onNext(ServerStatusResponse.newBuilder().setNumFlows(stored.size()).setMaxFlows(100)
        .setSeenFlows(stored.size()).setNumConnectedNodes(1).build());
    observer.onCompleted();
  }

  @Override
  public void getNodes(GetNodesRequest req, StreamObserver<GetNodesResponse> observer) {
    observer.onNext(GetNodesResponse.newBuilder().addNodes(Node.newBuilder().setName(node)
        .setState(NodeState.NODE_CONNECTED).setNumFlows(stored.size())).build());
    observer.onCompleted();
  }

  @Override
  public void listWorkloads(ListWorkloadsRequest req, StreamObserver<ListWorkloadsResponse> observer) {
    observer.onNext(ListWorkloadsResponse.newBuilder().addAllWorkloads(workloads).build());
    observer.onCompleted();
  }
}
