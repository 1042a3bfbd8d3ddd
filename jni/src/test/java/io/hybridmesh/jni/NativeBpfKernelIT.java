package io.hybridmesh.jni;

import static io.hybridmesh.jni.SelftestObject.PID;
import static io.hybridmesh.jni.SelftestObject.le32;
import static io.hybridmesh.jni.SelftestObject.le64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.jni.testing.KernelTest;
import io.hybridmesh.jni.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Objects, rodata, maps, probes, uprobes and the errors around them, against the running kernel. */
@KernelTest
class NativeBpfKernelIT {

  private static final int BPF_MAP_TYPE_HASH = 1;
  private static final int BPF_MAP_TYPE_RINGBUF = 27;
  private static final int BPF_PROG_TYPE_SCHED_CLS = 3;
  private static final int BPF_FUNC_MAP_LOOKUP_ELEM = 1;

  private Bpf bpf;
  private BpfObject obj;

  @BeforeEach
  void setUp() {
    bpf = NativeBpf.load();
  }

  @AfterEach
  void tearDown() {
    if (obj != null) {
      obj.close();
    }
  }

  @Test
  void probesAnswerForThisKernel() {
    assertEquals(Bpf.Support.YES, bpf.probeMapType(BPF_MAP_TYPE_RINGBUF));
    assertEquals(Bpf.Support.YES, bpf.probeProgramType(BPF_PROG_TYPE_SCHED_CLS));
    assertEquals(Bpf.Support.YES, bpf.probeHelper(BPF_PROG_TYPE_SCHED_CLS, BPF_FUNC_MAP_LOOKUP_ELEM));
    assertTrue(bpf.probeProgramType(9999) != Bpf.Support.YES);
    assertTrue(bpf.possibleCpus() >= 1);
  }

  @Test
  void hashMapUpdateLookupIterateDelete() {
    obj = SelftestObject.open(bpf, PID);
    obj.load();
    BpfMap map = obj.map("test_hash");
    assertEquals("test_hash", map.name());
    assertEquals(BPF_MAP_TYPE_HASH, map.type());
    assertEquals(4, map.keySize());
    assertEquals(8, map.valueSize());
    assertEquals(64, map.maxEntries());
    assertTrue(map.fd() > 0);

    for (int k = 1; k <= 3; k++) {
      map.update(le32(k), le64(k * 100L), BpfMap.ANY);
    }
    assertEquals(200L, le64(map.lookup(le32(2)), 0));
    assertNull(map.lookup(le32(42)));

    Set<Integer> keys = new HashSet<>();
    for (byte[] k = map.nextKey(null); k != null; k = map.nextKey(k)) {
      keys.add(le32(k, 0));
    }
    assertEquals(Set.of(1, 2, 3), keys);

    BpfException exists = assertThrows(BpfException.class, () -> map.update(le32(1), le64(1), BpfMap.NO_EXIST));
    assertEquals(17, exists.errno()); // EEXIST
    assertTrue(map.delete(le32(2)));
    assertFalse(map.delete(le32(2)));
    assertNull(map.lookup(le32(2)));

    BpfException badKey = assertThrows(BpfException.class, () -> map.lookup(new byte[3]));
    assertTrue(badKey.getMessage().contains("4-byte keys"), badKey.getMessage());
    BpfException badValue = assertThrows(BpfException.class, () -> map.update(le32(5), new byte[4], 0));
    assertTrue(badValue.getMessage().contains("8-byte values"), badValue.getMessage());
  }

  @Test
  void rodataKnobSelectsTheTracedProcess() throws Exception {
    obj = SelftestObject.open(bpf, PID);
    obj.load();
    try (BpfObject other = SelftestObject.open(bpf, 0x7ffffff0L)) {
      other.load();
      try (BpfLink a = obj.attachTracepoint("on_write", "syscalls", "sys_enter_write");
          BpfLink b = other.attachTracepoint("on_write", "syscalls", "sys_enter_write")) {
        assertTrue(a.description().contains("syscalls/sys_enter_write"), a.description());
        try (var devNull = new java.io.FileOutputStream("/dev/null")) {
          for (int i = 0; i < 5; i++) {
            devNull.write(new byte[] {1, 2, 3});
          }
        }
      }
      assertTrue(perCpuSum(obj.map("write_calls")) >= 5);
      assertEquals(0, perCpuSum(other.map("write_calls")));
    }
  }

  /** Sums a per-CPU u32 counter: one slot per possible CPU, each 8 bytes wide. */
  private long perCpuSum(BpfMap map) {
    byte[] value = map.lookup(le32(0));
    assertNotNull(value);
    assertEquals(bpf.possibleCpus() * 8, value.length);
    long sum = 0;
    for (int cpu = 0; cpu < bpf.possibleCpus(); cpu++) {
      sum += Integer.toUnsignedLong(le32(value, cpu * 8));
    }
    return sum;
  }

  @Test
  void uprobeOnLibcCountsCallsOfAChild() throws Exception {
    Path libc = libcOfThisProcess();
    obj = SelftestObject.open(bpf, PID);
    obj.load();
    try (BpfLink entry = obj.attachUprobe("count_calls", UprobeTarget.entry(libc, "getppid"));
        BpfLink exit = obj.attachUprobe("count_calls", UprobeTarget.exit(libc, "getppid"))) {
      assertEquals("uprobe " + libc + ":getppid", entry.description());
      Process child = new ProcessBuilder("perl", "-e", "getppid() for 1..5").start();
      assertEquals(0, child.waitFor());
      byte[] hits = obj.map("uprobe_hits").lookup(le32((int) child.pid()));
      assertNotNull(hits, "no uprobe hit from the child " + child.pid());
      assertTrue(le64(hits, 0) >= 10, "entry + return hits: " + le64(hits, 0));
    }
  }

  private static Path libcOfThisProcess() throws Exception {
    return Files.readAllLines(Path.of("/proc/self/maps")).stream()
        .map(l -> l.substring(l.lastIndexOf(' ') + 1))
        .filter(p -> p.endsWith("/libc.so.6"))
        .findFirst()
        .map(Path::of)
        .orElseThrow(() -> new AssertionError("libc.so.6 is not mapped: " + Shell.sh("ls /lib*/*/libc.so.6")));
  }

  @Test
  void verifierRejectionSaysWhy() {
    obj = bpf.open("broken", SelftestObject.bytes("/broken.bpf.o"));
    BpfException e = assertThrows(BpfException.class, obj::load);
    assertEquals("bpf_object__load", e.operation());
    assertTrue(e.getMessage().contains("invalid mem access"), "the verifier's reason: " + e.getMessage());
  }

  @Test
  void fentryProgramAttachesThroughItsSection() throws Exception {
    obj = bpf.open("tracing", SelftestObject.bytes("/tracing.bpf.o"));
    try {
      obj.load();
    } catch (BpfException e) {
      // Some kernels refuse every fentry program (seen on a 6.18 VM kernel: EPERM, no verifier log).
      // Then the refusal itself is what we check: a BpfException naming the load and the errno, so that
      // the agent can say fentry is unavailable instead of crashing.
      assertEquals("bpf_object__load", e.operation(), e.getMessage());
      assertTrue(e.errno() == 1 || e.errno() == 524, "EPERM or ENOTSUPP expected: " + e);
      return;
    }
    try (BpfLink link = obj.attachTracing("count_getcwd")) {
      assertEquals("tracing count_getcwd", link.description());
      Process child = new ProcessBuilder("perl", "-MCwd", "-e", "Cwd::getcwd() for 1..3").start();
      assertEquals(0, child.waitFor());
      byte[] calls = obj.map("getcwd_calls").lookup(le32((int) child.pid()));
      assertNotNull(calls, "no getcwd from the child " + child.pid());
      assertTrue(le64(calls, 0) >= 1);
    }
  }

  @Test
  void opensFromAFileToo() {
    obj = bpf.open(SelftestObject.path());
    assertEquals("selftest", obj.name(), "libbpf names a file's object after its base name");
    obj.load();
    assertEquals(BPF_MAP_TYPE_RINGBUF, obj.map("events").type());
  }

  @Test
  void garbageElfIsAClearError() {
    BpfException e = assertThrows(BpfException.class, () -> bpf.open("garbage", "not an ELF at all".getBytes()));
    assertEquals("bpf_object__open_mem", e.operation());
    assertTrue(e.getMessage().contains("garbage"), e.getMessage());
    assertTrue(e.errno() > 0);
    assertThrows(BpfException.class, () -> bpf.open("empty", new byte[0]));
    assertThrows(BpfException.class, () -> bpf.open(Path.of("/nonexistent/x.bpf.o")));
  }

  @Test
  void unknownNamesAreClearErrors() {
    obj = SelftestObject.open(bpf, PID);
    BpfException var = assertThrows(BpfException.class, () -> obj.setRodata("no_such_knob", le32(1)));
    assertTrue(var.getMessage().contains("no variable 'no_such_knob'"), var.getMessage());
    BpfException size = assertThrows(BpfException.class, () -> obj.setRodata("tag", le32(1)));
    assertTrue(size.getMessage().contains("has 8 bytes, the value has 4"), size.getMessage());
    BpfException map = assertThrows(BpfException.class, () -> obj.setMapMaxEntries("no_such_map", 8));
    assertTrue(map.getMessage().contains("test_hash"), "lists the maps: " + map.getMessage());
    obj.load();
    BpfException prog = assertThrows(BpfException.class, () -> obj.attachTracepoint("nope", "syscalls", "sys_enter_write"));
    assertTrue(prog.getMessage().contains("no program 'nope'") && prog.getMessage().contains("on_write"), prog.getMessage());
    BpfException late = assertThrows(BpfException.class, () -> obj.setRodata("tag", le64(1)));
    assertTrue(late.getMessage().contains("already loaded"), late.getMessage());
    assertThrows(BpfException.class, obj::load);
    BpfException tp = assertThrows(BpfException.class, () -> obj.attachTracepoint("on_write", "syscalls", "sys_enter_nothing"));
    assertTrue(tp.errno() > 0, tp.getMessage());
    BpfException notRing = assertThrows(BpfException.class, () -> obj.ringBuffer("test_hash"));
    assertTrue(notRing.getMessage().contains("RINGBUF"), notRing.getMessage());
  }

  @Test
  void reusedMapIsShared() {
    obj = SelftestObject.open(bpf, PID);
    obj.load();
    obj.map("test_hash").update(le32(7), le64(77), BpfMap.ANY);
    try (BpfObject second = SelftestObject.open(bpf, PID)) {
      second.reuseMap("test_hash", obj.map("test_hash"));
      second.setMapMaxEntries("events", 512 * 1024);
      second.load();
      assertEquals(512 * 1024, second.map("events").maxEntries());
      assertEquals(77L, le64(second.map("test_hash").lookup(le32(7)), 0));
    }
    assertEquals(77L, le64(obj.map("test_hash").lookup(le32(7)), 0), "the first object's map lives on");
  }

  @Test
  void closedObjectsRefuseUseAndCloseTwice() {
    BpfObject o = SelftestObject.open(bpf, PID);
    o.load();
    BpfMap map = o.map("test_hash");
    BpfLink link = o.attachTracepoint("on_write", "syscalls", "sys_enter_write");
    // The same program twice on one tracepoint is EEXIST in the kernel, so another tracepoint.
    BpfLink leftOpen = o.attachTracepoint("on_write", "syscalls", "sys_enter_read");
    RingBufferReader reader = o.ringBuffer("events");
    link.close();
    link.close();
    o.close(); // detaches leftOpen and closes the reader
    leftOpen.close();
    o.close();
    o.close();
    reader.close();
    assertThrows(IllegalStateException.class, () -> map.lookup(le32(1)));
    assertThrows(IllegalStateException.class, () -> o.map("test_hash"));
    assertThrows(IllegalStateException.class, () -> o.setRodata("tag", le64(1)));
    assertThrows(IllegalStateException.class, () -> reader.poll(java.nio.ByteBuffer.allocateDirect(64), 0));
  }
}
