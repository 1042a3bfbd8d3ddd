package io.hybridmesh.jni;

import static io.hybridmesh.jni.SelftestObject.PID;
import static io.hybridmesh.jni.SelftestObject.le32;
import static io.hybridmesh.jni.SelftestObject.le64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.jni.testing.KernelTest;
import io.hybridmesh.jni.testing.TestNetns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** tcx links (Linux 6.6) and the removal of legacy filters, in namespaces the test creates. */
@KernelTest
class TcxKernelIT {

  private static final Path THREAD_NETNS = Path.of("/proc/thread-self/ns/net");

  private final Bpf bpf = NativeBpf.load();
  private TestNetns a;
  private TestNetns b;
  private BpfObject obj;

  @BeforeEach
  void setUp() {
    a = TestNetns.create("hmjni-tcx-a");
    b = TestNetns.create("hmjni-tcx-b");
    TestNetns.vethPair(a, "hmx0", "10.233.0.1/24", b, "hmx1", "10.233.0.2/24");
    obj = SelftestObject.open(bpf, PID);
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
    b.exec(Duration.ofSeconds(20), "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.233.0.1");
  }

  @Test
  void thisKernelHasTcx() {
    String[] release = System.getProperty("os.version").split("[.-]");
    boolean atLeast66 = Integer.parseInt(release[0]) > 6
        || Integer.parseInt(release[0]) == 6 && Integer.parseInt(release[1]) >= 6;
    assertEquals(atLeast66 ? Bpf.Support.YES : Bpf.Support.NO, bpf.probeTcx(), System.getProperty("os.version"));
  }

  @Test
  void aTcxLinkCountsPacketsAndGoesWithItsFd() throws Exception {
    Path ownNetns = Files.readSymbolicLink(THREAD_NETNS);
    TcHook hook = new TcHook(a.path(), "hmx0", TcHook.Direction.INGRESS, 1, 1);
    BpfLink link = obj.attachTcx("count_packets", hook);
    assertEquals(ownNetns, Files.readSymbolicLink(THREAD_NETNS), "the thread is back in its own namespace");
    assertEquals("tcx ingress hmx0 in " + a.path(), link.description());
    assertEquals(List.of("count_packets"), bpf.tcxPrograms(hook));
    assertFalse(a.exec("tc", "filter", "show", "dev", "hmx0", "ingress").contains("count_packets"),
        "not a netlink filter");

    ping();
    assertTrue(packets(obj) >= 3, "packets: " + packets(obj));

    link.close();
    link.close();
    assertEquals(List.of(), bpf.tcxPrograms(hook), "closing the link's fd detaches it");
    long before = packets(obj);
    ping();
    assertEquals(before, packets(obj), "nothing counts once detached");
  }

  @Test
  void onlyOurLegacyFilterIsRemoved() {
    TcHook hook = new TcHook(b.path(), "hmx1", TcHook.Direction.EGRESS, 0x484d, 0x484d);
    BpfLink legacy = obj.attachTc("count_packets", hook);
    assertFalse(bpf.removeLegacyTc(hook, "hm_tc_egress"), "another program's filter at our handle stays");
    assertTrue(b.exec("tc", "filter", "show", "dev", "hmx1", "egress").contains("count_packets"));

    assertTrue(bpf.removeLegacyTc(hook, "count_packets"));
    assertFalse(b.exec("tc", "filter", "show", "dev", "hmx1", "egress").contains("count_packets"));
    assertFalse(bpf.removeLegacyTc(hook, "count_packets"), "nothing left the second time");
    legacy.close(); // its filter is gone already: nothing to do, no error
    TcHook bare = new TcHook(a.path(), "hmx0", TcHook.Direction.INGRESS, 0x484d, 0x484d);
    assertFalse(bpf.removeLegacyTc(bare, "count_packets"), "no clsact qdisc at all: nothing to remove");
  }

  @Test
  void missingInterfaceIsAClearError() {
    BpfException e = assertThrows(BpfException.class, () -> obj.attachTcx("count_packets",
        new TcHook(a.path(), "nosuch0", TcHook.Direction.INGRESS, 1, 1)));
    assertTrue(e.getMessage().contains("interface nosuch0 does not exist in " + a.path()), e.getMessage());
  }
}
