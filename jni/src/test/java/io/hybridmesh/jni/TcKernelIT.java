package io.hybridmesh.jni;

import static io.hybridmesh.jni.SelftestObject.PID;
import static io.hybridmesh.jni.SelftestObject.le32;
import static io.hybridmesh.jni.SelftestObject.le64;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.jni.testing.KernelTest;
import io.hybridmesh.jni.testing.TestNetns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TC attach in namespaces the test creates: two namespaces linked by a veth pair, pinged across. */
@KernelTest
class TcKernelIT {

  private static final Path THREAD_NETNS = Path.of("/proc/thread-self/ns/net");

  private TestNetns a;
  private TestNetns b;
  private BpfObject obj;

  @BeforeEach
  void setUp() {
    a = TestNetns.create("hmjni-test-a");
    b = TestNetns.create("hmjni-test-b");
    TestNetns.vethPair(a, "hmv0", "10.231.0.1/24", b, "hmv1", "10.231.0.2/24");
    obj = SelftestObject.open(NativeBpf.load(), PID);
    obj.load();
  }

  @AfterEach
  void tearDown() {
    try {
      obj.close();
    } finally {
      a.close();
      b.close();
    }
  }

  private long packets(BpfObject o) {
    return le64(o.map("tc_packets").lookup(le32(0)), 0);
  }

  private void ping() {
    b.exec(Duration.ofSeconds(20), "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.231.0.1");
  }

  @Test
  void countsPacketsInANamespaceAndSurvivesItsDeletion() throws Exception {
    Path ownNetns = Files.readSymbolicLink(THREAD_NETNS);
    BpfLink link = obj.attachTc("count_packets", new TcHook(a.path(), "hmv0", TcHook.Direction.INGRESS, 0x7a, 7));
    assertEquals(ownNetns, Files.readSymbolicLink(THREAD_NETNS), "the thread is back in its own namespace");
    assertEquals("tc ingress hmv0 in " + a.path(), link.description());
    assertTrue(a.exec("tc", "filter", "show", "dev", "hmv0", "ingress").contains("count_packets"));

    ping();
    assertTrue(packets(obj) >= 3, "packets: " + packets(obj));

    a.delete();
    link.close();
    link.close();
    assertEquals(ownNetns, Files.readSymbolicLink(THREAD_NETNS));
  }

  @Test
  void replacesALeftoverFilterAndLeavesOthersFiltersAlone() {
    TcHook hook = new TcHook(b.path(), "hmv1", TcHook.Direction.EGRESS, 0x7b, 3);
    try (BpfObject first = SelftestObject.open(NativeBpf.load(), PID)) {
      first.load();
      BpfLink stale = first.attachTc("count_packets", hook);
      // A second attach with the same handle and priority takes the filter over (a crashed run's leftover).
      BpfLink current = obj.attachTc("count_packets", hook);
      stale.close(); // the filter is no longer the stale program's: leave it
      ping();
      assertTrue(packets(obj) >= 3, "the replacing program counts");
      assertEquals(0, packets(first));
      current.close();
      assertFalse(b.exec("tc", "filter", "show", "dev", "hmv1", "egress").contains("count_packets"));
    }
  }

  @Test
  void vanishedInterfaceCountsAsDetached() throws Exception {
    Path ownNetns = Files.readSymbolicLink(THREAD_NETNS);
    TcHook hook = new TcHook(a.path(), "hmv0", TcHook.Direction.EGRESS, 1, 1);
    BpfLink vanished = obj.attachTc("count_packets", hook);
    a.exec("ip", "link", "del", "hmv0");
    // The same name comes back as another interface, and the same hook is attached to it afresh.
    TestNetns.vethPair(a, "hmv0", "10.231.0.1/24", b, "hmv1", "10.231.0.2/24");
    BpfLink fresh = obj.attachTc("count_packets", hook);

    assertDoesNotThrow(vanished::close, "a link whose interface is gone is detached, not an error");
    assertEquals(ownNetns, Files.readSymbolicLink(THREAD_NETNS), "the thread is back in its own namespace");
    // Detached means nothing left to do: the vanished link's close leaves the new interface's filter alone.
    assertTrue(a.exec("tc", "filter", "show", "dev", "hmv0", "egress").contains("count_packets"),
        "the filter on the new hmv0 is still there");
    long before = packets(obj);
    ping();
    assertTrue(packets(obj) >= before + 3, "the filter on the new hmv0 still counts: " + packets(obj));
    fresh.close();
    assertFalse(a.exec("tc", "filter", "show", "dev", "hmv0", "egress").contains("count_packets"));
  }

  @Test
  void missingNamespaceOrInterfaceIsAClearError() throws Exception {
    Path ownNetns = Files.readSymbolicLink(THREAD_NETNS);
    Path missing = Path.of("/run/netns/hmjni-no-such-netns");
    BpfException ns = assertThrows(BpfException.class,
        () -> obj.attachTc("count_packets", new TcHook(missing, "hmv0", TcHook.Direction.INGRESS, 1, 1)));
    assertTrue(ns.getMessage().contains("network namespace " + missing + " does not exist"), ns.getMessage());
    BpfException dev = assertThrows(BpfException.class,
        () -> obj.attachTc("count_packets", new TcHook(a.path(), "nosuch0", TcHook.Direction.INGRESS, 1, 1)));
    assertTrue(dev.getMessage().contains("interface nosuch0 does not exist in " + a.path()), dev.getMessage());
    assertEquals(ownNetns, Files.readSymbolicLink(THREAD_NETNS), "back home after the failures too");
  }
}
