package io.hybridmesh.agent.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodProcessesTest {

  static final String A = "a".repeat(64);
  static final String B = "b".repeat(64);
  static final String C = "c".repeat(64);

  static PodInfo pod(String name, String uid, String ownerKind, String ownerName, PodInfo.ContainerInfo... cs) {
    return new PodInfo("shop", name, uid, "n1", List.of("10.1.0.5"), Map.of(), ownerKind, ownerName, null,
        List.of(cs));
  }

  @Test
  void matchesByContainerIdAndCountsTheRest() {
    PodInfo web = pod("web-1", "uid-1", "Deployment", "web", new PodInfo.ContainerInfo("app", A, "i"),
        new PodInfo.ContainerInfo("side", B, "i"));
    Map<String, PodInfo> byId = Map.of(A, web, B, web);
    var result = PodProcesses.match(List.of(
        new ContainerProcesses.Container("uid-1", A, 200, 4026530000L),
        new ContainerProcesses.Container("uid-1", B, 300, 4026530000L),
        new ContainerProcesses.Container("uid-9", C, 400, 4026530001L)), id -> Optional.ofNullable(byId.get(id)));
    assertEquals(2, result.matches().size());
    assertEquals("app", result.matches().get(0).containerName());
    assertEquals("side", result.matches().get(1).containerName());
    assertEquals(1, result.unmatched());
  }

  @Test
  void podUidThatDisagreesIsNotAMatch() {
    PodInfo web = pod("web-1", "uid-1", "Deployment", "web", new PodInfo.ContainerInfo("app", A, "i"));
    var result = PodProcesses.match(List.of(new ContainerProcesses.Container("uid-2", A, 200, 1)),
        id -> Optional.of(web));
    assertEquals(0, result.matches().size());
    assertEquals(1, result.unmatched());
  }
}
