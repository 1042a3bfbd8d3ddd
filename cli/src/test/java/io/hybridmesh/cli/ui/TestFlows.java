package io.hybridmesh.cli.ui;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Timestamp;
import io.hybridmesh.api.flow.v1.Connection;
import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.Counters;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.IP;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer4;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TCP;
import io.hybridmesh.api.flow.v1.Verdict;
import io.hybridmesh.api.flow.v1.Workload;
import io.hybridmesh.api.observer.v1.L7Visibility;
import io.hybridmesh.api.observer.v1.Reason;
import io.hybridmesh.api.observer.v1.WorkloadDataPath;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import java.time.Instant;
import java.util.Map;

/** Flows between the demo's workloads, as the agent would make them. */
final class TestFlows {

  static final Map<String, String> IPS = Map.of("frontend", "10.250.0.10", "backend", "10.250.0.20",
      "payments", "10.250.0.30");

  private TestFlows() {}

  static Endpoint endpoint(String name) {
    return Endpoint.newBuilder().setNamespace("demo").setPodName(name)
        .addWorkloads(Workload.newBuilder().setName(name).setKind("NetworkNamespace")).build();
  }

  static Flow.Builder base(String from, String to, Instant at) {
    return Flow.newBuilder().setTime(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
        .setUuid(java.util.UUID.randomUUID().toString()).setNodeName("vm").setDataPath(DataPath.EBPF)
        .setVerdict(Verdict.FORWARDED).setSource(endpoint(from)).setDestination(endpoint(to))
        .setIp(IP.newBuilder().setSource(IPS.getOrDefault(from, from)).setDestination(IPS.getOrDefault(to, to)))
        .setL4(Layer4.newBuilder().setTcp(TCP.newBuilder().setSourcePort(40000).setDestinationPort(8443)));
  }

  static Flow request(String from, String to, Reporter reporter, String path, Instant at) {
    return base(from, to, at).setType(FlowType.L7).setReporter(reporter).setIsReply(BoolValue.of(false))
        .setL7(Layer7.newBuilder().setType(L7FlowType.REQUEST)
            .setHttp(HTTP.newBuilder().setMethod("GET").setPath(path).setUrl("https://" + to + path))).build();
  }

  /** A response travels back: its source is the server. */
  static Flow response(String client, String server, Reporter reporter, int code, long latencyNs, Instant at) {
    return base(server, client, at).setType(FlowType.L7).setReporter(reporter).setIsReply(BoolValue.of(true))
        .setL7(Layer7.newBuilder().setType(L7FlowType.RESPONSE).setLatencyNs(latencyNs)
            .setHttp(HTTP.newBuilder().setMethod("GET").setCode(code).setPath("/x"))).build();
  }

  static Flow connection(String from, String to, String id, ConnectionState state, long bytesOut, long bytesIn,
      Reporter reporter, Instant at) {
    return base(from, to, at).setType(FlowType.L3_L4).setReporter(reporter).setConnection(Connection.newBuilder()
        .setId(id).setState(state).setToDestination(Counters.newBuilder().setBytes(bytesOut))
        .setToSource(Counters.newBuilder().setBytes(bytesIn))).build();
  }

  static WorkloadReport report(String name, WorkloadDataPath path, L7Visibility l7, String code, String why) {
    return WorkloadReport.newBuilder().setNamespace("demo").setName(name).setKind("NetworkNamespace")
        .setDataPath(path).setL7Visibility(l7).setRequestedMode("AUTO")
        .addReasons(Reason.newBuilder().setCode(code).setMessage(why)).addSees("connections").build();
  }
}
