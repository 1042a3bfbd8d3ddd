package io.hybridmesh.agent.observer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.BoolValue;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.Emitter;
import io.hybridmesh.api.flow.v1.EmitterKind;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.ICMPv6;
import io.hybridmesh.api.flow.v1.IP;
import io.hybridmesh.api.flow.v1.IPVersion;
import io.hybridmesh.api.flow.v1.Layer4;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TCP;
import io.hybridmesh.api.flow.v1.TrafficDirection;
import io.hybridmesh.api.flow.v1.UDP;
import io.hybridmesh.api.flow.v1.Verdict;
import io.hybridmesh.api.flow.v1.Workload;
import io.hybridmesh.api.observer.v1.FlowFilter;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class FlowFiltersTest {

  /** demo/frontend-7d 10.0.0.1:40000 -> demo/backend-5f 10.0.0.2:8443, HTTP GET /api/items -> 503. */
  static Flow http() {
    return Flow.newBuilder()
        .setUuid("u-1")
        .setNodeName("node-a.example")
        .setType(FlowType.L7)
        .setVerdict(Verdict.FORWARDED)
        .setDataPath(DataPath.EBPF)
        .setObservationPoint(ObservationPoint.SSL_WRITE)
        .setTrafficDirection(TrafficDirection.EGRESS)
        .setReporter(Reporter.CLIENT)
        .setEmitter(Emitter.newBuilder().setKind(EmitterKind.EBPF_UPROBE))
        .setIsReply(BoolValue.of(false))
        .setIp(IP.newBuilder().setSource("10.0.0.1").setDestination("10.0.0.2"))
        .setL4(Layer4.newBuilder().setTcp(TCP.newBuilder().setSourcePort(40000).setDestinationPort(8443)))
        .setSource(Endpoint.newBuilder().setNamespace("demo").setPodName("frontend-7d")
            .addLabels("k8s:app=frontend").addLabels("k8s:tier=web").addLabels("reserved:host")
            .addWorkloads(Workload.newBuilder().setName("frontend").setKind("Deployment")))
        .setDestination(Endpoint.newBuilder().setNamespace("demo").setPodName("backend-5f")
            .addLabels("k8s:app=backend")
            .addWorkloads(Workload.newBuilder().setName("backend").setKind("Deployment")))
        .setL7(Layer7.newBuilder().setHttp(HTTP.newBuilder().setMethod("GET").setPath("/api/items").setCode(503)))
        .build();
  }

  static Flow v6udp() {
    return Flow.newBuilder()
        .setUuid("u-2").setNodeName("node-b").setType(FlowType.L3_L4).setVerdict(Verdict.DROPPED)
        .setDataPath(DataPath.SIDECAR).setObservationPoint(ObservationPoint.ENVOY_INBOUND)
        .setIp(IP.newBuilder().setSource("fd00::1").setDestination("2001:db8::a:1"))
        .setL4(Layer4.newBuilder().setUdp(UDP.newBuilder().setSourcePort(53).setDestinationPort(5353)))
        .setSource(Endpoint.newBuilder().setNamespace("kube-system").setPodName("coredns-1"))
        .setDestination(Endpoint.newBuilder().setNamespace("other").setPodName("frontend-x"))
        .build();
  }

  static boolean m(FlowFilter f, Flow flow) {
    return FlowFilters.compile(f).test(flow);
  }

  static FlowFilter.Builder ff() {
    return FlowFilter.newBuilder();
  }

  @Test
  void emptyFilterAndNoFiltersMatchAll() {
    assertTrue(m(ff().build(), http()));
    assertTrue(FlowFilters.compile(List.of(), List.of()).test(v6udp()));
  }

  @Test
  void uuid() {
    assertTrue(m(ff().addUuid("x").addUuid("u-1").build(), http()));
    assertFalse(m(ff().addUuid("u-1").build(), v6udp()));
  }

  @Test
  void podForms() {
    assertTrue(m(ff().addSourcePod("demo/").build(), http()));
    assertTrue(m(ff().addSourcePod("demo/front").build(), http()));
    assertFalse(m(ff().addSourcePod("demo/back").build(), http()));
    assertFalse(m(ff().addSourcePod("other/front").build(), http()));
    assertTrue(m(ff().addSourcePod("front").build(), http()));
    assertTrue(m(ff().addSourcePod("/front").build(), http()));
    assertTrue(m(ff().addDestinationPod("frontend").build(), v6udp()));
    assertTrue(m(ff().addDestinationPod("demo/backend-5f").build(), http()));
    assertThrows(IllegalArgumentException.class, () -> m(ff().addSourcePod("a/b/c").build(), http()));
  }

  @Test
  void namespaceAndWorkload() {
    assertTrue(m(ff().addSourceNamespace("demo").build(), http()));
    assertFalse(m(ff().addSourceNamespace("demox").build(), http()));
    assertTrue(m(ff().addDestinationNamespace("x").addDestinationNamespace("other").build(), v6udp()));
    assertTrue(m(ff().addSourceWorkload(Workload.newBuilder().setName("frontend")).build(), http()));
    assertTrue(m(ff().addSourceWorkload(Workload.newBuilder().setKind("deployment")).build(), http()));
    assertFalse(m(ff().addSourceWorkload(Workload.newBuilder().setName("frontend").setKind("DaemonSet")).build(), http()));
    assertTrue(m(ff().addDestinationWorkload(Workload.newBuilder().setName("backend")).build(), http()));
    assertFalse(m(ff().addDestinationWorkload(Workload.newBuilder().setName("backend")).build(), v6udp()));
  }

  @Test
  void labels() {
    assertTrue(m(ff().addSourceLabel("app=frontend").build(), http()));
    assertTrue(m(ff().addSourceLabel("k8s:app=frontend").build(), http()));
    assertFalse(m(ff().addSourceLabel("other:app=frontend").build(), http()));
    assertTrue(m(ff().addSourceLabel("app==frontend,tier=web").build(), http()));
    assertFalse(m(ff().addSourceLabel("app=frontend,tier=db").build(), http()));
    assertTrue(m(ff().addSourceLabel("app!=backend").build(), http()));
    assertFalse(m(ff().addSourceLabel("app!=frontend").build(), http()));
    assertTrue(m(ff().addSourceLabel("tier").build(), http()));
    assertTrue(m(ff().addSourceLabel("reserved:host").build(), http()));
    assertTrue(m(ff().addSourceLabel("!missing").build(), http()));
    assertFalse(m(ff().addSourceLabel("!tier").build(), http()));
    assertTrue(m(ff().addSourceLabel("app in (x, frontend)").build(), http()));
    assertFalse(m(ff().addSourceLabel("app notin (x,frontend)").build(), http()));
    assertTrue(m(ff().addSourceLabel("app notin (x,y), tier in (web)").build(), http()));
    assertTrue(m(ff().addDestinationLabel("nope").addDestinationLabel("app=backend").build(), http()));
    assertThrows(IllegalArgumentException.class, () -> m(ff().addSourceLabel("app in (a,b").build(), http()));
    assertThrows(IllegalArgumentException.class, () -> m(ff().addSourceLabel("a,,b").build(), http()));
    assertThrows(IllegalArgumentException.class, () -> m(ff().addSourceLabel("app within (a)").build(), http()));
  }

  @Test
  void ipAndCidr() {
    assertTrue(m(ff().addSourceIp("10.0.0.1").build(), http()));
    assertFalse(m(ff().addSourceIp("10.0.0.2").build(), http()));
    assertTrue(m(ff().addDestinationIp("10.0.0.0/24").build(), http()));
    assertTrue(m(ff().addDestinationIp("0.0.0.0/0").build(), http()));
    assertFalse(m(ff().addDestinationIp("10.0.1.0/24").build(), http()));
    assertFalse(m(ff().addDestinationIp("::/0").build(), http()));
    assertTrue(m(ff().addSourceIp("fd00::/8").build(), v6udp()));
    assertTrue(m(ff().addSourceIp("fd00:0:0::1").build(), v6udp()));
    assertTrue(m(ff().addDestinationIp("2001:db8::/32").build(), v6udp()));
    assertTrue(m(ff().addDestinationIp("2001:db8::a:0/112").build(), v6udp()));
    assertFalse(m(ff().addDestinationIp("2001:db8::b:0/112").build(), v6udp()));
    assertTrue(m(ff().addDestinationIp("2001:0db8:0000:0000:0000:0000:000a:0001/128").build(), v6udp()));
    assertFalse(m(ff().addSourceIp("10.0.0.0/8").build(), v6udp()));
    for (String bad : List.of("10.0.0.256", "10.0.0", "10.0.0.0/33", "10.0.0.0/", "fd00::/129", "fd00:::1",
        "1:2:3:4:5:6:7:8:9", "host.example", "12345::1", "10.0.0.0/x")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> FlowFilters.compile(List.of(ff().addSourceIp(bad).build()), List.of()), bad);
      assertTrue(e.getMessage().contains("source_ip") && e.getMessage().contains(bad), e.getMessage());
    }
  }

  @Test
  void ipv4MappedAddressesMatchTheirIpv4Ranges() {
    // Flows from a source that did not normalize, and filters written in the mapped form, both match.
    Flow mapped = Flow.newBuilder().setIp(IP.newBuilder().setSource("::ffff:10.1.2.3")
        .setDestination("::ffff:10.1.2.4").setIpVersion(IPVersion.IPv6)).build();
    assertTrue(m(ff().addSourceIp("10.0.0.0/8").build(), mapped));
    assertTrue(m(ff().addDestinationIp("10.1.2.4").build(), mapped));
    Flow plain = Flow.newBuilder().setIp(IP.newBuilder().setSource("10.1.2.3")
        .setDestination("10.1.2.4").setIpVersion(IPVersion.IPv4)).build();
    assertTrue(m(ff().addSourceIp("::ffff:10.1.2.3").build(), plain));
    assertFalse(m(ff().addSourceIp("fd00::/8").build(), plain));
  }

  @Test
  void ports() {
    assertTrue(m(ff().addSourcePort("40000").build(), http()));
    assertFalse(m(ff().addSourcePort("8443").build(), http()));
    assertTrue(m(ff().addDestinationPort("80").addDestinationPort("8443").build(), http()));
    assertTrue(m(ff().addDestinationPort("5353").build(), v6udp()));
    Flow icmp = Flow.newBuilder().setL4(Layer4.newBuilder().setIcmpv6(ICMPv6.newBuilder().setType(128))).build();
    assertFalse(m(ff().addDestinationPort("0").build(), icmp));
    assertThrows(IllegalArgumentException.class, () -> m(ff().addSourcePort("70000").build(), http()));
    assertThrows(IllegalArgumentException.class, () -> m(ff().addSourcePort("http").build(), http()));
  }

  @Test
  void protocol() {
    assertTrue(m(ff().addProtocol("TCP").build(), http()));
    assertTrue(m(ff().addProtocol("http").build(), http()));
    assertFalse(m(ff().addProtocol("udp").build(), http()));
    assertTrue(m(ff().addProtocol("dns").addProtocol("udp").build(), v6udp()));
    Flow icmp = Flow.newBuilder().setL4(Layer4.newBuilder().setIcmpv6(ICMPv6.newBuilder())).build();
    assertTrue(m(ff().addProtocol("icmp").build(), icmp));
    assertFalse(m(ff().addProtocol("icmpv4").build(), icmp));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m(ff().addProtocol("quic").build(), http()));
    assertTrue(e.getMessage().contains("quic"));
  }

  @Test
  void enums() {
    assertTrue(m(ff().addVerdict(Verdict.DROPPED).addVerdict(Verdict.FORWARDED).build(), http()));
    assertFalse(m(ff().addVerdict(Verdict.DROPPED).build(), http()));
    assertTrue(m(ff().addFlowType(FlowType.L7).build(), http()));
    assertFalse(m(ff().addFlowType(FlowType.L7).build(), v6udp()));
    assertTrue(m(ff().addDataPath(DataPath.SIDECAR).build(), v6udp()));
    assertFalse(m(ff().addDataPath(DataPath.SIDECAR).build(), http()));
    assertTrue(m(ff().addObservationPoint(ObservationPoint.SSL_WRITE).build(), http()));
    assertFalse(m(ff().addObservationPoint(ObservationPoint.SSL_READ).build(), http()));
    assertTrue(m(ff().addTrafficDirection(TrafficDirection.EGRESS).build(), http()));
    assertTrue(m(ff().addReporter(Reporter.CLIENT).build(), http()));
    assertFalse(m(ff().addReporter(Reporter.SERVER).build(), http()));
    assertTrue(m(ff().addEmitterKind(EmitterKind.EBPF_UPROBE).build(), http()));
    assertFalse(m(ff().addEmitterKind(EmitterKind.ENVOY_ALS).build(), http()));
  }

  static Flow grpc(String statusName, int code) {
    Flow f = http();
    return f.toBuilder().setL7(f.getL7().toBuilder().setGrpc(io.hybridmesh.api.flow.v1.GRPC.newBuilder()
        .setService("shop.v1.Catalog").setMethod("GetItem").setStatusCode(code).setStatusName(statusName)))
        .build();
  }

  @Test
  void grpcServiceAndStatus() {
    Flow notFound = grpc("NOT_FOUND", 5);
    assertTrue(m(ff().addGrpcService("shop.v1.Catalog").build(), notFound));
    assertTrue(m(ff().addGrpcService("shop.v1.Catalog/GetItem").build(), notFound));
    assertFalse(m(ff().addGrpcService("shop.v1.Catalog/ListItems").build(), notFound));
    assertFalse(m(ff().addGrpcService("shop.v1").build(), notFound), "a service is named whole");
    assertFalse(m(ff().addGrpcService("shop.v1.Catalog").build(), http()), "plain HTTP is not gRPC");
    assertTrue(m(ff().addGrpcStatus("5").build(), notFound));
    assertTrue(m(ff().addGrpcStatus("not_found").build(), notFound));
    assertTrue(m(ff().addGrpcStatus("OK").addGrpcStatus("NOT_FOUND").build(), notFound));
    assertFalse(m(ff().addGrpcStatus("UNAVAILABLE").build(), notFound));
    assertFalse(m(ff().addGrpcStatus("OK").build(), grpc("", 0)), "a call without its status yet is not OK");
    assertTrue(m(ff().addGrpcStatus("OK").build(), grpc("OK", 0)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FlowFilters.compile(List.of(ff().addGrpcStatus("NOTFOUND").build()), List.of()));
    assertTrue(e.getMessage().contains("allow[0].grpc_status") && e.getMessage().contains("not a gRPC status"),
        e.getMessage());
    for (String bad : List.of("/Method", "svc/", "a/b/c")) {
      assertThrows(IllegalArgumentException.class, () -> m(ff().addGrpcService(bad).build(), notFound), bad);
    }
  }

  @Test
  void httpMethodStatusPath() {
    assertTrue(m(ff().addHttpMethod("get").build(), http()));
    assertFalse(m(ff().addHttpMethod("POST").build(), http()));
    assertFalse(m(ff().addHttpMethod("GET").build(), v6udp()));
    assertTrue(m(ff().addHttpStatusCode("5+").build(), http()));
    assertTrue(m(ff().addHttpStatusCode("50+").build(), http()));
    assertTrue(m(ff().addHttpStatusCode("503").build(), http()));
    assertTrue(m(ff().addHttpStatusCode("503+").build(), http()));
    assertFalse(m(ff().addHttpStatusCode("4+").build(), http()));
    assertFalse(m(ff().addHttpStatusCode("51+").build(), http()));
    assertTrue(m(ff().addHttpStatusCode("404").addHttpStatusCode("5+").build(), http()));
    for (String bad : List.of("", "5", "6+", "5000", "x+", "+", "50")) {
      assertThrows(IllegalArgumentException.class, () -> m(ff().addHttpStatusCode(bad).build(), http()), bad);
    }
    assertTrue(m(ff().addHttpPath("^/api/").build(), http()));
    assertTrue(m(ff().addHttpPath("items$").build(), http()));
    assertTrue(m(ff().addHttpPath("nomatch").addHttpPath("it.ms").build(), http()));
    assertFalse(m(ff().addHttpPath("^/items").build(), http()));
    assertFalse(m(ff().addHttpPath(".*").build(), v6udp()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FlowFilters.compile(List.of(), List.of(ff().addHttpPath("/api/(").build())));
    assertTrue(e.getMessage().contains("deny[0].http_path") && e.getMessage().contains("invalid regular expression"),
        e.getMessage());
  }

  @Test
  void nodeNameAndReply() {
    assertTrue(m(ff().addNodeName("node-a*").build(), http()));
    assertTrue(m(ff().addNodeName("*.example").build(), http()));
    assertTrue(m(ff().addNodeName("node-?").build(), v6udp()));
    assertFalse(m(ff().addNodeName("node-?").build(), http()));
    assertTrue(m(ff().addReply(false).build(), http()));
    assertFalse(m(ff().addReply(true).build(), http()));
    assertFalse(m(ff().addReply(true).addReply(false).build(), v6udp()), "unknown is_reply never matches");
    assertTrue(FlowFilters.glob("a*b*c", "aXXbYYc"));
    assertFalse(FlowFilters.glob("a*b*c", "aXXbYY"));
  }

  @Test
  void andAcrossFieldsOrWithinField() {
    FlowFilter both = ff().addSourcePod("demo/").addVerdict(Verdict.FORWARDED).build();
    assertTrue(m(both, http()));
    assertFalse(m(ff().addSourcePod("demo/").addVerdict(Verdict.DROPPED).build(), http()));
    assertTrue(m(ff().addSourcePod("nope").addSourcePod("demo/").build(), http()));
  }

  @Test
  void allowMinusDeny() {
    FlowFilter demo = ff().addSourceNamespace("demo").build();
    FlowFilter kube = ff().addSourceNamespace("kube-system").build();
    FlowFilter dropped = ff().addVerdict(Verdict.DROPPED).build();
    Predicate<Flow> anyAllow = FlowFilters.compile(List.of(demo, kube), List.of());
    assertTrue(anyAllow.test(http()) && anyAllow.test(v6udp()));
    Predicate<Flow> allowDeny = FlowFilters.compile(List.of(demo, kube), List.of(dropped));
    assertTrue(allowDeny.test(http()));
    assertFalse(allowDeny.test(v6udp()));
    Predicate<Flow> denyOnly = FlowFilters.compile(List.of(), List.of(ff().addSourceNamespace("demo").build()));
    assertFalse(denyOnly.test(http()));
    assertTrue(denyOnly.test(v6udp()));
    Predicate<Flow> allowNone = FlowFilters.compile(List.of(ff().addSourceNamespace("zzz").build()), List.of());
    assertFalse(allowNone.test(http()));
  }
}
