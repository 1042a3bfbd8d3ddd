package io.hybridmesh.agent.probe.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.site.GoSiteSelector.GoSites;
import io.hybridmesh.api.kernel.KernelRelease;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Go function bodies assembled by hand in the shapes Go's compiler gives crypto/tls's Write and Read. */
class GoSiteSelectorTest {

  private static final KernelRelease K618 = KernelRelease.of(6, 18);
  // lea -0x68(%rsp),%r12; cmp 0x10(%r14),%r12; jbe +0x20 (to the morestack block)
  private static final int[] BIG_FRAME_PROLOGUE = {0x4c, 0x8d, 0x64, 0x24, 0x98, 0x4d, 0x3b, 0x66, 0x10, 0x0f, 0x86,
      0x20, 0, 0, 0};
  // cmp 0x10(%r14),%rsp; jbe +0x20
  private static final int[] SMALL_FRAME_PROLOGUE = {0x49, 0x3b, 0x66, 0x10, 0x0f, 0x86, 0x20, 0, 0, 0};
  // sub $0x18,%rsp; xor %eax,%eax; add $0x18,%rsp; ret
  private static final int[] BODY = {0x48, 0x83, 0xec, 0x18, 0x31, 0xc0, 0x48, 0x83, 0xc4, 0x18, 0xc3};

  private static ArrayCode function(int[]... parts) {
    ArrayCode c = new ArrayCode(0x200);
    int at = 0x40;
    for (int[] p : parts) {
      c.put(at, p);
      at += p.length;
    }
    return c;
  }

  @Test
  void theStackCheckJumpStandsForTheSingleSteppedEntry() {
    ArrayCode c = function(BIG_FRAME_PROLOGUE, BODY, BODY);
    GoSites s = GoSiteSelector.select(c, "f", 0x40, BIG_FRAME_PROLOGUE.length + 2L * BODY.length, K618);
    assertNull(s.refusal());
    assertEquals(0x40 + 9, s.entry().offset(), s.entry().reason());
    assertEquals(ProbeCost.EMULATED, s.entry().cost());
    assertTrue(s.entry().instruction().startsWith("jbe"), s.entry().instruction());
    assertEquals(List.of(0x40L + 15 + 10, 0x40L + 15 + 21), s.returns().stream().map(ProbeSite::offset).toList());
    assertTrue(s.returns().stream().allMatch(r -> r.cost() == ProbeCost.SINGLE_STEPPED && r.instruction().equals("ret")));
  }

  @Test
  void smallFramesToo() {
    GoSites s = GoSiteSelector.select(function(SMALL_FRAME_PROLOGUE, BODY), "f", 0x40, 10 + BODY.length, K618);
    assertEquals(0x40 + 4, s.entry().offset());
  }

  @Test
  void anArgumentWrittenBeforeTheJumpKeepsTheEntry() {
    // mov %rax,%rbx (the slice pointer lost) before the jump: the jump does not see what the entry sees.
    int[] clobber = {0x48, 0x89, 0xc3, 0x49, 0x3b, 0x66, 0x10, 0x0f, 0x86, 0x20, 0, 0, 0};
    GoSites s = GoSiteSelector.select(function(clobber, BODY), "f", 0x40, clobber.length + BODY.length, K618);
    assertEquals(0x40, s.entry().offset());
    assertEquals(ProbeCost.SINGLE_STEPPED, s.entry().cost());
  }

  @Test
  void anEmulatedFirstInstructionIsTheEntry() {
    int[] push = {0x55};
    GoSites s = GoSiteSelector.select(function(push, BODY), "f", 0x40, 1 + BODY.length, K618);
    assertEquals(0x40, s.entry().offset());
    assertEquals(ProbeCost.EMULATED, s.entry().cost());
  }

  @Test
  void bodiesThatDoNotHoldTogetherAreRefused() {
    // An undefined opcode in 64-bit mode (0x06, push %es).
    assertRefused(function(SMALL_FRAME_PROLOGUE, new int[] {0x06}, BODY), 10 + 1 + BODY.length, "does not decode");
    // A jump into the middle of the sub: the decode is out of step somewhere.
    int[] jmpIntoSub = {0xeb, 0x01};
    assertRefused(function(jmpIntoSub, BODY), 2 + BODY.length, "inside an instruction");
    // No ret at all.
    assertRefused(function(SMALL_FRAME_PROLOGUE, new int[] {0x90, 0x90}), 12, "no return");
    // Longer than the code there is.
    assertRefused(new ArrayCode(0x80).put(0x40, BODY), 0x100, "past the end");
    assertRefused(function(BODY), 0, "implausible size");
    assertRefused(function(BODY), GoSiteSelector.MAX_BODY + 1L, "implausible size");
  }

  @Test
  void aRetSplitAcrossTheEndIsNotTakenForOne() {
    // The body ends one byte into a two-byte instruction: that is a decode failure, not a ret.
    GoSites s = GoSiteSelector.select(function(SMALL_FRAME_PROLOGUE, BODY, new int[] {0x31, 0xc3}), "f", 0x40,
        10 + BODY.length + 1, K618);
    assertNotNull(s.refusal());
  }

  private static void assertRefused(ArrayCode c, long size, String why) {
    GoSites s = GoSiteSelector.select(c, "f", 0x40, size, K618);
    assertNotNull(s.refusal(), "refused: " + why);
    assertTrue(s.refusal().contains(why), s.refusal());
    assertNull(s.entry());
    assertTrue(s.returns().isEmpty());
  }
}
