package io.hybridmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.Verdict;
import io.hybridmesh.api.observer.v1.FlowFilter;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ObserveFlagsTest {

  private static final Instant NOW = Instant.parse("2024-11-27T06:30:00Z");

  private static GetFlowsRequest parse(String... args) {
    ObserveCommand cmd = new ObserveCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.request(NOW);
  }

  @Test
  void noFlagsAsksForTheLast20() {
    GetFlowsRequest r = parse();
    assertEquals(20, r.getNumber());
    assertFalse(r.getFirst());
    assertEquals(0, r.getAllowCount());
    assertEquals(0, r.getDenyCount());
  }

  @Test
  void followWithoutLastHasNoBacklog() {
    GetFlowsRequest r = parse("-f");
    assertTrue(r.getFollow());
    assertEquals(0, r.getNumber());
    assertEquals(5, parse("--follow", "--last", "5").getNumber());
  }

  @Test
  void firstN() {
    GetFlowsRequest r = parse("--first", "7");
    assertEquals(7, r.getNumber());
    assertTrue(r.getFirst());
    assertThrows(IllegalArgumentException.class, () -> parse("--first", "1", "--last", "2"));
  }

  @Test
  void symmetricFlagBecomesSourceOrDestination() {
    GetFlowsRequest r = parse("--pod", "demo/backend", "--type", "l7");
    assertEquals(List.of(
        FlowFilter.newBuilder().addSourcePod("demo/backend").addFlowType(FlowType.L7).build(),
        FlowFilter.newBuilder().addDestinationPod("demo/backend").addFlowType(FlowType.L7).build()),
        r.getAllowList());
  }

  @Test
  void oneSidedFlagsGiveOneFilter() {
    GetFlowsRequest r = parse("--from-pod", "hmA", "--to-pod", "hmB", "--verdict", "dropped",
        "--data-path", "ebpf", "--http-method", "GET", "--http-status", "5+", "--http-path", "^/api",
        "--protocol", "tcp");
    assertEquals(List.of(FlowFilter.newBuilder().addSourcePod("hmA").addDestinationPod("hmB")
        .addVerdict(Verdict.DROPPED).addDataPath(DataPath.EBPF).addHttpMethod("GET").addHttpStatusCode("5+")
        .addHttpPath("^/api").addProtocol("tcp").build()), r.getAllowList());
  }

  @Test
  void workloadLabelNodeReporterDirectionAndReplyFlags() {
    GetFlowsRequest r = parse("--workload", "Deployment/backend", "--to-label", "app=web",
        "--node-name", "node-*", "--reporter", "server", "--traffic-direction", "ingress", "--is-reply", "false");
    io.hybridmesh.api.flow.v1.Workload backend = io.hybridmesh.api.flow.v1.Workload.newBuilder()
        .setKind("Deployment").setName("backend").build();
    FlowFilter common = FlowFilter.newBuilder().addDestinationLabel("app=web").addNodeName("node-*")
        .addReporter(io.hybridmesh.api.flow.v1.Reporter.SERVER)
        .addTrafficDirection(io.hybridmesh.api.flow.v1.TrafficDirection.INGRESS).addReply(false).build();
    assertEquals(List.of(common.toBuilder().addSourceWorkload(backend).build(),
        common.toBuilder().addDestinationWorkload(backend).build()), r.getAllowList());
  }

  @Test
  void badValuesOfTheNewFlagsAreClearErrors() {
    assertThrows(picocli.CommandLine.ParameterException.class, () -> parse("--reporter", "proxy"));
    assertThrows(picocli.CommandLine.ParameterException.class, () -> parse("--is-reply", "maybe"));
    assertThrows(picocli.CommandLine.ParameterException.class, () -> parse("--workload", "Deployment/"));
    assertThrows(picocli.CommandLine.ParameterException.class, () -> parse("--grpc-status", "NOTFOUND"));
  }

  @Test
  void grpcFlags() {
    GetFlowsRequest r = parse("--grpc-service", "shop.v1.Catalog/GetItem", "--grpc-status", "unavailable");
    assertEquals(List.of(FlowFilter.newBuilder().addGrpcService("shop.v1.Catalog/GetItem")
        .addGrpcStatus("unavailable").build()), r.getAllowList());
  }

  @Test
  void repeatedValuesAreAlternatives() {
    GetFlowsRequest r = parse("--port", "80", "--port", "443", "--ip", "10.0.0.0/8");
    assertEquals(List.of("80", "443"), r.getAllow(0).getSourcePortList());
    assertEquals(List.of("10.0.0.0/8"), r.getAllow(0).getSourceIpList());
    assertEquals(List.of("80", "443"), r.getAllow(1).getDestinationPortList());
    assertEquals(List.of("10.0.0.0/8"), r.getAllow(1).getDestinationIpList());
  }

  @Test
  void notSendsOnlyTheNextFlagToTheDenyList() {
    GetFlowsRequest r = parse("--type", "l3/l4", "--not", "--namespace", "kube-system", "--port", "53");
    assertEquals(List.of(
        FlowFilter.newBuilder().addFlowType(FlowType.L3_L4).addSourcePort("53").build(),
        FlowFilter.newBuilder().addFlowType(FlowType.L3_L4).addDestinationPort("53").build()),
        r.getAllowList());
    assertEquals(List.of(
        FlowFilter.newBuilder().addSourceNamespace("kube-system").build(),
        FlowFilter.newBuilder().addDestinationNamespace("kube-system").build()),
        r.getDenyList());
  }

  @Test
  void onlyNegatedFlagsLeaveAllowEmpty() {
    GetFlowsRequest r = parse("--not", "--verdict", "FORWARDED");
    assertEquals(0, r.getAllowCount());
    assertEquals(List.of(FlowFilter.newBuilder().addVerdict(Verdict.FORWARDED).build()), r.getDenyList());
  }

  @Test
  void badValuesAreUsageErrors() {
    assertThrows(CommandLine.ParameterException.class, () -> parse("--type", "l9"));
    assertThrows(CommandLine.ParameterException.class, () -> parse("--verdict", "maybe"));
    assertThrows(CommandLine.ParameterException.class, () -> parse("--data-path", "magic"));
    assertThrows(CommandLine.ParameterException.class, () -> parse("--port", "70000"));
    assertThrows(CommandLine.ParameterException.class, () -> parse("--pod"));
    assertThrows(CommandLine.ParameterException.class, () -> parse("--not", "--not", "--pod", "a"));
    assertThrows(IllegalArgumentException.class, () -> parse("--pod", "a", "--not"));
  }

  @Test
  void sinceAndUntil() {
    GetFlowsRequest r = parse("--since", "5m ago", "--until", "1h30m");
    assertEquals(NOW.minusSeconds(300).getEpochSecond(), r.getSince().getSeconds());
    assertEquals(NOW.minusSeconds(5400).getEpochSecond(), r.getUntil().getSeconds());
    assertEquals(0, r.getNumber()); // a time range, not the last 20
    GetFlowsRequest abs = parse("--since", "2024-11-27T06:22:26.473Z");
    assertEquals(Instant.parse("2024-11-27T06:22:26Z").getEpochSecond(), abs.getSince().getSeconds());
    assertEquals(473_000_000, abs.getSince().getNanos());
    assertEquals(Instant.parse("2024-11-27T05:22:26Z").getEpochSecond(),
        parse("--since", "2024-11-27T06:22:26+01:00").getSince().getSeconds());
    assertThrows(IllegalArgumentException.class, () -> parse("--since", "yesterday"));
  }
}
