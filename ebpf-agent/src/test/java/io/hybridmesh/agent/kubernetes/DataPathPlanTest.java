package io.hybridmesh.agent.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataPathPlanTest {

  private static final long HOST = 4026531840L;

  private static PodProcesses.Match match(PodInfo pod, String container, long pid, long netns) {
    return new PodProcesses.Match(pod, container, new ContainerProcesses.Container(pod.uid(), "x", pid, netns));
  }

  @Test
  void onlyPodsOfEbpfWorkloadsInTheirOwnNamespace() {
    PodInfo web = PodProcessesTest.pod("web-1", "u1", "Deployment", "web");
    PodInfo db = PodProcessesTest.pod("db-0", "u2", "StatefulSet", "db");
    PodInfo host = PodProcessesTest.pod("hostnet-1", "u3", "DaemonSet", "hostnet");
    PodInfo bare = PodProcessesTest.pod("bare", "u4", "", "");
    Map<DataPathPlan.WorkloadKey, String> paths = Map.of(
        new DataPathPlan.WorkloadKey("shop", "Deployment", "web"), "EBPF",
        new DataPathPlan.WorkloadKey("shop", "StatefulSet", "db"), "SIDECAR",
        new DataPathPlan.WorkloadKey("shop", "DaemonSet", "hostnet"), "EBPF");
    var plan = DataPathPlan.plan(List.of(match(web, "side", 300, 77), match(web, "app", 200, 77),
        match(db, "db", 400, 78), match(host, "agent", 500, HOST), match(bare, "x", 600, 79)), paths, HOST);
    assertEquals(Map.of("shop/web-1", new DataPathPlan.Target("shop", "web-1", 200, 77)), plan);
  }

  @Test
  void processWithoutAKnownNamespaceIsSkipped() {
    PodInfo web = PodProcessesTest.pod("web-1", "u1", "Deployment", "web");
    var plan = DataPathPlan.plan(List.of(match(web, "app", 200, 0)),
        Map.of(new DataPathPlan.WorkloadKey("shop", "Deployment", "web"), "EBPF"), HOST);
    assertEquals(Map.of(), plan);
  }
}
