package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.testing.FakeTcKernel;
import io.hybridmesh.jni.BpfException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which build of the TC programs a kernel gets, and how they are attached, told with a fake kernel (the real
 * one here takes both builds and has tcx).
 */
class TcDatapathTest {

  private static final TcSettings SETTINGS =
      new TcSettings(4096, 16, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(5));

  @Test
  void aKernelThatTakesAtomicsGetsThatBuild() {
    FakeTcKernel kernel = new FakeTcKernel(false);
    try (TcDatapath tc = new TcDatapath(kernel, SETTINGS)) {
      assertEquals(BpfObjects.TC_FLOW, tc.objectName());
      tc.attach(7, Path.of("/run/netns/x"), "eth0", 14).close();
    }
    assertEquals(List.of(BpfObjects.TC_FLOW, BpfObjects.TC_FLOW), kernel.loaded, "anchor and interface");
  }

  @Test
  void aKernelBefore512GetsTheBuildWithoutAtomicsForEveryInterface() {
    FakeTcKernel kernel = new FakeTcKernel(true);
    try (TcDatapath tc = new TcDatapath(kernel, SETTINGS)) {
      assertEquals(BpfObjects.TC_FLOW_NO_ATOMICS, tc.objectName());
      tc.attach(7, Path.of("/run/netns/x"), "eth0", 14).close();
    }
    assertEquals(List.of(BpfObjects.TC_FLOW_NO_ATOMICS, BpfObjects.TC_FLOW_NO_ATOMICS), kernel.loaded);
    assertEquals(2, kernel.closed, "the refused object was freed, and the taken one at close");
  }

  @Test
  void whenEveryBuildIsRefusedTheFirstReasonIsGiven() {
    BpfException e = assertThrows(BpfException.class,
        () -> new TcDatapath(new FakeTcKernel(true), SETTINGS, BpfObjects.TC_FLOW));
    assertTrue(e.getMessage().contains("reserved fields"), e.getMessage());
  }

  @Test
  void tcxWhereTheKernelHasItAndOurLeftoversGo() {
    FakeTcKernel kernel = new FakeTcKernel(false, true);
    kernel.legacyFilters.addAll(List.of("eth0 INGRESS", "eth0 EGRESS", "eth1 INGRESS"));
    try (TcDatapath tc = new TcDatapath(kernel, SETTINGS)) {
      assertEquals(TcAttach.AUTO, tc.attachMode(), "nothing attached yet");
      tc.attach(7, Path.of("/run/netns/x"), "eth0", 14).close();
      assertEquals(TcAttach.TCX, tc.attachMode());
      assertEquals(2, tc.leftoversRemoved());
    }
    assertEquals(List.of("tcx hm_tc_ingress eth0", "tcx hm_tc_egress eth0"), kernel.attached);
    assertEquals(java.util.Set.of("eth1 INGRESS"), kernel.legacyFilters, "only eth0's hooks were taken over");
  }

  @Test
  void aKernelWithoutTcxGetsLegacyFiltersAndIsAskedOnce() {
    FakeTcKernel kernel = new FakeTcKernel(false, false);
    try (TcDatapath tc = new TcDatapath(kernel, SETTINGS)) {
      tc.attach(7, Path.of("/run/netns/x"), "eth0", 14).close();
      tc.attach(8, Path.of("/run/netns/y"), "eth1", 14).close();
      assertEquals(TcAttach.LEGACY, tc.attachMode());
    }
    assertEquals(List.of("tcx hm_tc_ingress eth0", "tc hm_tc_ingress eth0", "tc hm_tc_egress eth0",
        "tc hm_tc_ingress eth1", "tc hm_tc_egress eth1"), kernel.attached);
  }

  @Test
  void tcxOnlyRefusesAKernelWithoutIt() {
    FakeTcKernel kernel = new FakeTcKernel(false, false);
    try (TcDatapath tc = new TcDatapath(kernel, SETTINGS.withAttach(TcAttach.TCX))) {
      BpfException e = assertThrows(BpfException.class, () -> tc.attach(7, Path.of("/run/netns/x"), "eth0", 14));
      assertEquals(22, e.errno());
    }
    assertEquals(List.of("tcx hm_tc_ingress eth0"), kernel.attached);
  }

  @Test
  void legacyNeverTriesTcx() {
    FakeTcKernel kernel = new FakeTcKernel(false, true);
    try (TcDatapath tc = new TcDatapath(kernel, SETTINGS.withAttach(TcAttach.LEGACY))) {
      tc.attach(7, Path.of("/run/netns/x"), "eth0", 14).close();
      assertEquals(TcAttach.LEGACY, tc.attachMode());
    }
    assertEquals(List.of("tc hm_tc_ingress eth0", "tc hm_tc_egress eth0"), kernel.attached);
  }

  @Test
  void theOptionParses() {
    assertEquals(TcAttach.TCX, TcAttach.parse("tcx"));
    assertEquals(TcAttach.LEGACY, TcAttach.parse("legacy"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TcAttach.parse("TCX "));
    assertTrue(e.getMessage().contains("auto, tcx or legacy"), e.getMessage());
  }
}
