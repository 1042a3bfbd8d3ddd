package io.hybridmesh.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.jni.Bpf.Support;
import org.junit.jupiter.api.Test;

class KernelReadinessTest {

  private static KernelFacts facts(int uid, boolean btf, String nativeError, Support ringbuf) {
    return new KernelFacts("6.18.0", uid, 0, btf, false, nativeError, ringbuf, Support.YES);
  }

  @Test
  void aCapableRootHostRunsWithOnlyANoteAboutKprobes() {
    KernelReadiness.Assessment a = KernelReadiness.assess(facts(0, true, null, Support.YES));
    assertTrue(a.canRun());
    assertTrue(a.problems().isEmpty());
    assertTrue(a.notes().get(0).contains("kprobes"));
  }

  @Test
  void withoutPrivilegeNothingRunsAndTheMessageSaysWhatToDo() {
    KernelReadiness.Assessment a = KernelReadiness.assess(facts(1000, true, null, Support.UNKNOWN));
    assertFalse(a.canRun());
    assertEquals(1, a.problems().size());
    assertTrue(a.problems().get(0).contains("uid 1000"));
    assertTrue(a.problems().get(0).contains("root"));
  }

  @Test
  void capabilitiesInsteadOfRootAreEnough() {
    long caps = 1L << KernelFacts.CAP_BPF | 1L << KernelFacts.CAP_NET_ADMIN | 1L << KernelFacts.CAP_SYS_ADMIN;
    KernelFacts f = new KernelFacts("6.18.0", 1000, caps, true, true, null, Support.YES, Support.YES);
    assertTrue(KernelReadiness.assess(f).canRun());
  }

  @Test
  void withoutBtfConnectionsStillWork() {
    KernelReadiness.Assessment a = KernelReadiness.assess(facts(0, false, null, Support.YES));
    assertTrue(a.canRun());
    assertTrue(a.problems().get(0).contains("L3/L4 connection flows still work"));
  }

  @Test
  void withoutARingBufferNothingCanBeReported() {
    KernelReadiness.Assessment a = KernelReadiness.assess(facts(0, true, null, Support.NO));
    assertFalse(a.canRun());
    assertTrue(a.problems().get(0).contains("ring buffer"));
  }

  @Test
  void aMissingNativeLibraryIsSaidPlainly() {
    KernelReadiness.Assessment a =
        KernelReadiness.assess(facts(0, true, "libbpf.so.1: not found; install libbpf1", Support.UNKNOWN));
    assertFalse(a.canRun());
    assertTrue(a.problems().get(0).contains("install libbpf1"));
  }
}
