package io.hybridmesh.bench;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Timestamp;
import io.hybridmesh.api.net.IpAddress;
import io.hybridmesh.api.flow.FlowIds;
import io.hybridmesh.api.flow.v1.Connection;
import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.Counters;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.Emitter;
import io.hybridmesh.api.flow.v1.EmitterKind;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.HTTPHeader;
import io.hybridmesh.api.flow.v1.IP;
import io.hybridmesh.api.flow.v1.IPVersion;
import io.hybridmesh.api.flow.v1.Interface;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer4;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Process;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TCP;
import io.hybridmesh.api.flow.v1.TCPFlags;
import io.hybridmesh.api.flow.v1.Tls;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.api.flow.v1.TraceContext;
import io.hybridmesh.api.flow.v1.TrafficDirection;
import io.hybridmesh.api.flow.v1.Verdict;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Flows shaped like the agent's assemblers make them, every one a separate object with its own strings
 * (uuid, addresses, connection id, URL) as in the agent; what the assemblers share between flows (emitter,
 * endpoints, the per-thread local endpoint, TLS facts) is shared here too. Half are L3/L4 connection
 * records (ConnectionFlowAssembler), half HTTP requests and responses read through TLS (L7FlowAssembler).
 */
final class RealisticFlows {

  private static final Emitter TC = Emitter.newBuilder().setName("hybrid-mesh").setVersion("0.1.0")
      .setKind(EmitterKind.EBPF_TC).build();
  private static final Emitter UPROBE = Emitter.newBuilder().setName("hybrid-mesh").setVersion("0.1.0")
      .setKind(EmitterKind.EBPF_UPROBE).build();
  private static final Tls OPENSSL = Tls.newBuilder().setLibrary(TlsLibrary.OPENSSL).build();
  private static final TCPFlags ACK = TCPFlags.newBuilder().setACK(true).build();
  private static final TCPFlags SYN_ACK_FIN = TCPFlags.newBuilder().setSYN(true).setACK(true).setFIN(true).build();
  private static final String[] PATHS = {"/api/v1/cart", "/api/v1/orders/42", "/healthz", "/static/app.js",
      "/api/v1/users/me/preferences"};

  private final Endpoint client = endpoint("web", 1);
  private final Endpoint server = endpoint("cart", 2);
  private final Endpoint clientThread = client.toBuilder()
      .setProcess(Process.newBuilder().setPid(4100).setTid(4101).setComm("curl")).build();
  private long n;

  private static Endpoint endpoint(String name, int i) {
    return Endpoint.newBuilder().setNamespace("shop").setPodName(name + "-6b7f9c-x" + i)
        .addLabels("k8s:app=" + name).addWorkloads(io.hybridmesh.api.flow.v1.Workload.newBuilder()
            .setName(name).setKind("Deployment")).build();
  }

  /** The next flow: L3/L4 and L7 alternate, so a {@code --type l7} filter matches half. */
  Flow next() {
    long i = n++;
    long nowMs = 1_760_000_000_000L + i / 100;
    Timestamp time = Timestamp.newBuilder().setSeconds(nowMs / 1000).setNanos((int) (nowMs % 1000) * 1_000_000
        + (int) (i % 1_000_000)).build();
    int port = 32768 + (int) (i % 20000);
    return i % 2 == 0 ? connection(time, port, i) : http(time, port, i);
  }

  private Flow connection(Timestamp time, int port, long i) {
    byte[] a = {10, 0, 1, (byte) 1};
    byte[] b = {10, 0, 2, (byte) 2};
    boolean ended = i % 8 == 0;
    Connection.Builder c = Connection.newBuilder()
        .setId(Long.toHexString(ThreadLocalRandom.current().nextLong()))
        .setState(ended ? ConnectionState.CLOSED : ConnectionState.ACTIVE)
        .setStartTime(time)
        .setToDestination(Counters.newBuilder().setBytes(1200 + i % 999).setPackets(9).setPayloadBytes(700))
        .setToSource(Counters.newBuilder().setBytes(5400 + i % 777).setPackets(7).setPayloadBytes(4900))
        .setFlagsToDestination(SYN_ACK_FIN).setFlagsToSource(SYN_ACK_FIN).setInitiatorKnown(true);
    if (ended) {
      c.setEndTime(time);
    }
    return Flow.newBuilder().setTime(time).setUuid(FlowIds.next(time.getSeconds() * 1000))
        .setEmitter(TC).setNodeName("node-1").setObservationPoint(ObservationPoint.FROM_ENDPOINT)
        .setDataPath(DataPath.EBPF).setType(FlowType.L3_L4).setVerdict(Verdict.FORWARDED)
        .setReporter(Reporter.CLIENT).setTrafficDirection(TrafficDirection.EGRESS)
        .setIsReply(BoolValue.of(false))
        .setIp(IP.newBuilder().setSource(IpAddress.format(a)).setDestination(IpAddress.format(b))
            .setIpVersion(IPVersion.IPv4))
        .setL4(Layer4.newBuilder().setTcp(TCP.newBuilder().setSourcePort(port).setDestinationPort(8443)
            .setFlags(ACK)))
        .setSource(client).setDestination(server)
        .setInterface(Interface.newBuilder().setIndex(2).setName("eth0"))
        .setConnection(c)
        .build();
  }

  private Flow http(Timestamp time, int port, long i) {
    boolean response = (i / 2) % 2 == 1;
    String path = PATHS[(int) (i % PATHS.length)] + "?page=" + (i % 50);
    HTTP.Builder h = HTTP.newBuilder().setMethod(i % 3 == 0 ? "POST" : "GET").setProtocol("HTTP/1.1")
        .setHost("cart.shop.svc:8443").setPath(path.substring(0, path.indexOf('?')))
        .setUrl("https://cart.shop.svc:8443" + path)
        .addHeaders(HTTPHeader.newBuilder().setKey("user-agent").setValue("curl/7.88.1"))
        .addHeaders(HTTPHeader.newBuilder().setKey("accept").setValue("*/*"))
        .addHeaders(HTTPHeader.newBuilder().setKey("traceparent")
            .setValue("00-" + Long.toHexString(i | 1L << 60) + Long.toHexString(i * 31 | 1L << 60) + "-"
                + Long.toHexString(i * 7 | 1L << 60) + "-01"))
        .setUserAgent("curl/7.88.1");
    if (response) {
      h.setCode(i % 20 == 0 ? 503 : 200);
    }
    byte[] a = {10, 0, 1, (byte) 1};
    byte[] b = {10, 0, 2, (byte) 2};
    String ca = IpAddress.format(a);
    String sa = IpAddress.format(b);
    return Flow.newBuilder().setTime(time).setUuid(FlowIds.next(time.getSeconds() * 1000))
        .setEmitter(UPROBE).setNodeName("node-1")
        .setObservationPoint(response ? ObservationPoint.SSL_READ : ObservationPoint.SSL_WRITE)
        .setDataPath(DataPath.EBPF).setType(FlowType.L7).setVerdict(Verdict.FORWARDED)
        .setReporter(Reporter.CLIENT).setTrafficDirection(TrafficDirection.EGRESS)
        .setIsReply(BoolValue.of(response)).setTls(OPENSSL).setCgroupId(7_000 + i % 3)
        .setSource(response ? server : clientThread).setDestination(response ? clientThread : server)
        .setIp(IP.newBuilder().setSource(response ? sa : ca).setDestination(response ? ca : sa)
            .setIpVersion(IPVersion.IPv4))
        .setL4(Layer4.newBuilder().setTcp(TCP.newBuilder().setSourcePort(response ? 8443 : port)
            .setDestinationPort(response ? port : 8443)))
        .setL7(Layer7.newBuilder().setType(response ? L7FlowType.RESPONSE : L7FlowType.REQUEST)
            .setLatencyNs(response ? 350_000 + i % 100_000 : 0).setHttp(h))
        .setTraceContext(TraceContext.newBuilder().setTraceId(Long.toHexString(i | 1L << 60) + "0000000000000000")
            .setSpanId(Long.toHexString(i * 7 | 1L << 60)).setSampled(true))
        .build();
  }
}
