package io.hybridmesh.controller.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.xds.server.SidecarGroup;
import io.hybridmesh.xds.validate.ConfigProblem;
import io.hybridmesh.xds.validate.ConfigProblem.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SidecarRejectionStoreTest {

  private static final SidecarGroup WEB = new SidecarGroup("shop", "web");
  private static final SidecarGroup API = new SidecarGroup("shop", "api");

  private final SidecarRejectionStore store = new SidecarRejectionStore();
  private final List<String> woken = new ArrayList<>();

  SidecarRejectionStoreTest() {
    store.onChange((ns, name) -> woken.add(ns + "/" + name));
  }

  private static List<ConfigProblem> problems(int n) {
    return IntStream.range(0, n).mapToObj(i -> new ConfigProblem(Kind.ACCESS_LOG_CLUSTER_MISSING, "listener l" + i,
        "hmesh-als", "problem " + i + ".")).toList();
  }

  @Test
  void onlyWorkloadsWhoseRefusalChangedAreWoken() {
    store.refusedInLatestPublication(Map.of(WEB, problems(1)));
    store.refusedInLatestPublication(Map.of(WEB, problems(1)));
    assertEquals(List.of("shop/web"), woken, "the same refusal again wakes nobody");
    store.refusedInLatestPublication(Map.of(API, problems(1)));
    assertEquals(List.of("shop/api", "shop/web", "shop/web"), woken.stream().sorted().toList(),
        "web passed, api was refused: both woken once");
    assertNull(store.refusal("shop", "web"), "passing the next publication clears it");
  }

  @Test
  void theRefusalQuotesTheFirstProblemsAndSaysWhatToDo() {
    store.refusedInLatestPublication(Map.of(WEB, problems(5)));
    String m = store.refusal("shop", "web");
    assertTrue(m.contains("it has 5 problems: problem 0. problem 1. problem 2. (and 2 more"), m);
    assertTrue(m.contains("kubectl rollout restart"), m);
    assertNull(store.refusal("shop", "api"));
  }
}
