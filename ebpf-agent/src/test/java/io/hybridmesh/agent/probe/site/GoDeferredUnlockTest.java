package io.hybridmesh.agent.probe.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.site.GoDeferredUnlock.Function;
import io.hybridmesh.agent.probe.site.GoDeferredUnlock.Result;
import io.hybridmesh.api.kernel.KernelRelease;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Read and its deferred unlock closure assembled by hand in the shapes Go's compiler gives them (go1.19's
 * epilogue; go1.21+'s with {@code pop %rbp} and a nop before the call), and the ways a body can differ that
 * must keep the rets' own probes.
 */
class GoDeferredUnlockTest {

  private static final KernelRelease K618 = KernelRelease.of(6, 18);
  private static final int READ = 0x40;
  private static final int CLOSURE = 0x100;
  // cmp 0x10(%r14),%rsp; jbe rel8 (patched to the last ret)
  private static final int[] PROLOGUE = {0x49, 0x3b, 0x66, 0x10, 0x76, 0x00};
  // the closure: cmp 0x10(%r14),%rsp; jbe +8; sub $0x10,%rsp; add $0x10,%rsp; ret; then its morestack ret
  private static final int[] CLOSURE_BODY = {0x49, 0x3b, 0x66, 0x10, 0x76, 0x08, 0x48, 0x83, 0xec, 0x10, 0x48, 0x83,
      0xc4, 0x10, 0xc3, 0xc3};
  // mov 0x58(%rsp),%rdx; mov (%rdx),%rax; call *%rax
  private static final int[] DEFERRED_CALL = {0x48, 0x8b, 0x54, 0x24, 0x58, 0x48, 0x8b, 0x02, 0xff, 0xd0};
  // mov 0x20(%rsp),%rax; mov 0x38(%rsp),%rbx; mov 0x60(%rsp),%rbp; add $0x68,%rsp; ret
  private static final int[] EPILOGUE = {0x48, 0x8b, 0x44, 0x24, 0x20, 0x48, 0x8b, 0x5c, 0x24, 0x38, 0x48, 0x8b,
      0x6c, 0x24, 0x60, 0x48, 0x83, 0xc4, 0x68, 0xc3};
  // xor %eax,%eax; ret: a return before the lock
  private static final int[] EARLY_RETURN = {0x31, 0xc0, 0xc3};

  /** Read's body at READ: the prologue, a lea of the closure (or not), then the parts; the jbe to its end. */
  private static Built build(boolean lea, int[] closure, int[]... parts) {
    ArrayCode c = new ArrayCode(0x200);
    int at = READ;
    c.put(at, PROLOGUE);
    at += PROLOGUE.length;
    if (lea) {
      int disp = CLOSURE - (at + 7);
      c.put(at, 0x48, 0x8d, 0x3d, disp & 0xff, (disp >> 8) & 0xff, (disp >> 16) & 0xff, (disp >>> 24) & 0xff);
      at += 7;
    }
    for (int[] p : parts) {
      c.put(at, p);
      at += p.length;
    }
    c.put(READ + 5, at - 1 - (READ + 6)); // jbe to the last byte, a ret
    c.put(CLOSURE, closure);
    return new Built(c, at - READ, closure.length);
  }

  private record Built(ArrayCode code, int size, int closureSize) {
    Result find() {
      return GoDeferredUnlock.find(code, new Function("Read", READ, ArrayCode.BASE + READ, size),
          new Function("Read.func1", CLOSURE, ArrayCode.BASE + CLOSURE, closureSize), K618);
    }
  }

  private static int[] concat(int[]... parts) {
    return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
  }

  @Test
  void theClosuresStackCheckJumpStandsForTheRetsAfterItsCall() {
    Built b = build(true, CLOSURE_BODY, DEFERRED_CALL, EPILOGUE, EARLY_RETURN);
    Result r = b.find();
    assertNull(r.why(), r.why());
    assertEquals(0x20, r.unlock().resultSlot());
    assertEquals(0x58, r.unlock().closureSlot());
    int ret = READ + PROLOGUE.length + 7 + DEFERRED_CALL.length + EPILOGUE.length - 1;
    assertEquals(List.of((long) ret), r.unlock().replacedReturns(), "the early return keeps its own probe");
    assertEquals(CLOSURE + 4, r.unlock().site().offset());
    assertEquals(ProbeCost.EMULATED, r.unlock().site().cost());
    assertTrue(r.unlock().site().instruction().startsWith("jbe"), r.unlock().site().instruction());
    assertEquals("Read.func1", r.unlock().closure());
  }

  @Test
  void go121sEpilogueWithPopRbpAndANopBeforeTheCall() {
    int[] call = {0x48, 0x8b, 0x54, 0x24, 0x58, 0x48, 0x8b, 0x02, 0x90, 0xff, 0xd0};
    // mov 0x20(%rsp),%rax; mov 0x30(%rsp),%rbx; mov 0x38(%rsp),%rcx; add $0x60,%rsp; pop %rbp; ret
    int[] epilogue = {0x48, 0x8b, 0x44, 0x24, 0x20, 0x48, 0x8b, 0x5c, 0x24, 0x30, 0x48, 0x8b, 0x4c, 0x24, 0x38, 0x48,
        0x83, 0xc4, 0x60, 0x5d, 0xc3};
    Result r = build(true, CLOSURE_BODY, call, epilogue, call, epilogue, EARLY_RETURN).find();
    assertNull(r.why(), r.why());
    assertEquals(2, r.unlock().replacedReturns().size());
    assertEquals(0x20, r.unlock().resultSlot());
  }

  @Test
  void aReadThatDoesNotTakeTheClosuresAddressKeepsItsRets() {
    Result r = build(false, CLOSURE_BODY, DEFERRED_CALL, EPILOGUE, EARLY_RETURN).find();
    assertNull(r.unlock());
    assertTrue(r.why().contains("does not take the address"), r.why());
  }

  @Test
  void aJumpLandingBetweenTheCallAndTheRetKeepsTheRets() {
    // jmp +0 lands on the epilogue's first load: that path never ran the closure.
    Built b = build(true, CLOSURE_BODY, DEFERRED_CALL, new int[] {0xeb, 0x00}, EPILOGUE, EARLY_RETURN);
    Result r = b.find();
    assertNull(r.unlock(), "a jmp is no load, so no epilogue pattern either");
    // A jcc from the prologue straight into the epilogue: patch the jbe to land on the first load.
    Built c = build(true, CLOSURE_BODY, DEFERRED_CALL, EPILOGUE, EARLY_RETURN);
    int load = READ + PROLOGUE.length + 7 + DEFERRED_CALL.length;
    c.code().put(READ + 5, load - (READ + 6));
    Result q = c.find();
    assertNull(q.unlock());
    assertTrue(q.why().contains("not the deferred closure's in the expected form"), q.why());
  }

  @Test
  void returnsThatDisagreeOnTheSlotsKeepTheirRets() {
    int[] other = EPILOGUE.clone();
    other[4] = 0x28; // n from 0x28 instead of 0x20
    Result r = build(true, CLOSURE_BODY, DEFERRED_CALL, EPILOGUE, DEFERRED_CALL, other, EARLY_RETURN).find();
    assertNull(r.unlock());
    assertTrue(r.why().contains("different frame slots"), r.why());
  }

  @Test
  void anIndirectCallOfSomethingElseKeepsTheRets() {
    // mov 0x58(%rsp),%rdx; mov (%rdx),%rax; call *%rcx
    int[] call = {0x48, 0x8b, 0x54, 0x24, 0x58, 0x48, 0x8b, 0x02, 0xff, 0xd1};
    Result r = build(true, CLOSURE_BODY, call, EPILOGUE, EARLY_RETURN).find();
    assertNull(r.unlock());
    assertTrue(r.why().contains("expected form"), r.why());
  }

  @Test
  void noDeferredCallAtAllKeepsTheRets() {
    Result r = build(true, CLOSURE_BODY, EPILOGUE, EARLY_RETURN).find();
    assertNull(r.unlock());
    assertTrue(r.why().contains("no return"), r.why());
  }

  @Test
  void aClosureThatWritesRdxBeforeItsStackCheckIsNotProbedThere() {
    // mov %rax,%rdx; then the usual prologue: the jbe no longer sees the closure pointer Read passed
    int[] closure = concat(new int[] {0x48, 0x89, 0xc2}, CLOSURE_BODY);
    Result r = build(true, closure, DEFERRED_CALL, EPILOGUE, EARLY_RETURN).find();
    assertNull(r.unlock());
    assertTrue(r.why().contains("no entry site the kernel emulates"), r.why());
  }

  @Test
  void garbageNeverThrows() {
    java.util.Random random = new java.util.Random(7);
    for (int n = 0; n < 2000; n++) {
      ArrayCode c = new ArrayCode(0x200);
      for (int i = 0; i < c.bytes.length; i++) {
        c.bytes[i] = (byte) random.nextInt(256);
      }
      Result r = GoDeferredUnlock.find(c, new Function("Read", READ, ArrayCode.BASE + READ, random.nextInt(0x180)),
          new Function("Read.func1", CLOSURE, ArrayCode.BASE + CLOSURE, random.nextInt(0x100)), K618);
      assertNotNull(r.unlock() != null ? r.unlock() : r.why());
    }
  }
}
