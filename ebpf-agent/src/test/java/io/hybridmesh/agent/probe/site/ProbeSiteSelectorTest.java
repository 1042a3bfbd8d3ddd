package io.hybridmesh.agent.probe.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.kernel.KernelRelease;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Site selection on hand-assembled code shaped like OpenSSL 3.0's wrappers, and on code that is not. */
class ProbeSiteSelectorTest {

  private static final KernelRelease K618 = KernelRelease.of(6, 18);
  private static final int SSL_WRITE = 0x100;
  private static final int SSL_WRITE_EX = 0x200;
  private static final int SSL_READ = 0x300;
  private static final int SSL_READ_EX = 0x400;
  private static final int WRITE_INTERNAL = 0x500;
  private static final int READ_INTERNAL = 0x600;

  /** Debian's libssl 3.0: SSL_write begins with sub, SSL_write_ex too; both call one function that pushes. */
  private static ArrayCode openssl3() {
    ArrayCode c = new ArrayCode(0x800);
    for (int[] w : new int[][] {{SSL_WRITE, SSL_WRITE_EX, WRITE_INTERNAL}, {SSL_READ, SSL_READ_EX, READ_INTERNAL}}) {
      // sub $0x18,%rsp; mov %fs:0x28,%rax; mov %rax,0x8(%rsp); xor %eax,%eax; test %edx,%edx; js +0x31;
      // mov %rsp,%rcx; movslq %edx,%rdx; call internal
      c.put(w[0], 0x48, 0x83, 0xec, 0x18, 0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0, 0x48, 0x89, 0x44, 0x24,
          0x08, 0x31, 0xc0, 0x85, 0xd2, 0x78, 0x31, 0x48, 0x89, 0xe1, 0x48, 0x63, 0xd2);
      c.call(w[0] + 30, w[2]);
      // sub $0x8,%rsp; call internal
      c.put(w[1], 0x48, 0x83, 0xec, 0x08);
      c.call(w[1] + 4, w[2]);
      c.put(w[2], 0x41, 0x56, 0x41, 0x55, 0xc3); // push %r14; push %r13; ret
    }
    return c;
  }

  private static Map<String, Long> entries() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("SSL_write", (long) SSL_WRITE);
    m.put("SSL_read", (long) SSL_READ);
    m.put("SSL_write_ex", (long) SSL_WRITE_EX);
    m.put("SSL_read_ex", (long) SSL_READ_EX);
    return m;
  }

  @Test
  void wrappersOfOneEmulatedInternalFunctionAreProbedThereOnce() {
    Map<String, ProbeSite> sites = ProbeSiteSelector.select(openssl3(), entries(), K618);
    assertEquals(WRITE_INTERNAL, sites.get("SSL_write").offset());
    assertEquals(sites.get("SSL_write"), sites.get("SSL_write_ex"));
    assertEquals(READ_INTERNAL, sites.get("SSL_read_ex").offset());
    assertEquals(ProbeCost.EMULATED, sites.get("SSL_read").cost());
    assertEquals("push %r14", sites.get("SSL_write").instruction());
    assertTrue(sites.get("SSL_write").reason().contains("both call"), sites.get("SSL_write").reason());
  }

  @Test
  void anEmulatedEntryIsProbedWhereItIs() {
    ArrayCode c = openssl3().put(SSL_WRITE, 0x55).put(SSL_WRITE_EX, 0x55); // push %rbp
    Map<String, ProbeSite> sites = ProbeSiteSelector.select(c, entries(), K618);
    assertEquals(SSL_WRITE, sites.get("SSL_write").offset());
    assertEquals(SSL_WRITE_EX, sites.get("SSL_write_ex").offset());
    assertEquals(ProbeCost.EMULATED, sites.get("SSL_write").cost());
    assertEquals(READ_INTERNAL, sites.get("SSL_read").offset());
  }

  @Test
  void aKernelThatSingleStepsPushKeepsTheEntriesAndSaysWhatTheyCost() {
    Map<String, ProbeSite> sites = ProbeSiteSelector.select(openssl3(), entries(), KernelRelease.of(4, 15));
    assertEquals(SSL_WRITE, sites.get("SSL_write").offset());
    assertEquals(ProbeCost.SINGLE_STEPPED, sites.get("SSL_write").cost());
    assertEquals("sub $0x18,%rsp", sites.get("SSL_write").instruction());
    assertTrue(sites.get("SSL_write").reason().contains("no cheaper"), sites.get("SSL_write").reason());
  }

  @Test
  void aWrapperThatChangesTheBufferPointerIsNotProven() {
    ArrayCode c = openssl3().put(SSL_WRITE + 24, 0x48, 0x89, 0xe6); // mov %rsp,%rsi instead of %rcx
    Map<String, ProbeSite> sites = ProbeSiteSelector.select(c, entries(), K618);
    assertEquals(SSL_WRITE, sites.get("SSL_write").offset());
    assertEquals(SSL_WRITE_EX, sites.get("SSL_write_ex").offset());
    assertEquals(ProbeCost.SINGLE_STEPPED, sites.get("SSL_write_ex").cost());
    assertTrue(sites.get("SSL_write").reason().contains("%rsi"), sites.get("SSL_write").reason());
  }

  @Test
  void theExFormMustPassItsOutParameterThrough() {
    ArrayCode c = openssl3().put(SSL_WRITE_EX, 0x48, 0x89, 0xe1).call(SSL_WRITE_EX + 3, WRITE_INTERNAL);
    Map<String, ProbeSite> sites = ProbeSiteSelector.select(c, entries(), K618);
    assertEquals(SSL_WRITE, sites.get("SSL_write").offset());
  }

  @Test
  void formsThatCallDifferentFunctionsKeepTheirEntries() {
    ArrayCode c = openssl3().call(SSL_WRITE_EX + 4, READ_INTERNAL);
    Map<String, ProbeSite> sites = ProbeSiteSelector.select(c, entries(), K618);
    assertEquals(SSL_WRITE, sites.get("SSL_write").offset());
    assertTrue(sites.get("SSL_write").reason().contains("different functions"), sites.get("SSL_write").reason());
    assertEquals(READ_INTERNAL, sites.get("SSL_read").offset());
  }

  @Test
  void aCallThatLeavesTheFileIsNotAnInternalFunction() {
    ArrayCode c = new ArrayCode(0x800, 0x700);
    System.arraycopy(openssl3().bytes, 0, c.bytes, 0, 0x700);
    c.call(SSL_WRITE + 30, 0x780).call(SSL_WRITE_EX + 4, 0x780); // into the "PLT" past .text
    c.call(0x10, 0x7fffff00); // and one far outside the file
    Map<String, ProbeSite> sites = ProbeSiteSelector.select(c, entries(), K618);
    assertEquals(SSL_WRITE, sites.get("SSL_write").offset());
    assertTrue(sites.get("SSL_write").reason().contains("not this file's own code"), sites.get("SSL_write").reason());
  }

  @Test
  void onlyOneFormCannotProveAnything() {
    Map<String, Long> e = entries();
    e.remove("SSL_write_ex");
    Map<String, ProbeSite> sites = ProbeSiteSelector.select(openssl3(), e, K618);
    assertEquals(SSL_WRITE, sites.get("SSL_write").offset());
    assertEquals(ProbeCost.SINGLE_STEPPED, sites.get("SSL_write").cost());
  }

  @Test
  void undecodableCodeKeepsTheEntryWithTheReason() {
    ArrayCode c = openssl3().put(SSL_WRITE, 0x0f, 0x04).put(SSL_WRITE_EX, 0x48, 0x83); // undefined; truncated
    Map<String, ProbeSite> sites = ProbeSiteSelector.select(c, entries(), K618);
    assertEquals(SSL_WRITE, sites.get("SSL_write").offset());
    assertNull(sites.get("SSL_write").cost());
    assertNull(sites.get("SSL_write").instruction());
    assertTrue(sites.get("SSL_write").reason().contains("could not be decoded"), sites.get("SSL_write").reason());
  }

  @Test
  void anEntryPastTheEndOfTheCodeIsNotAnalysed() {
    Map<String, Long> e = new LinkedHashMap<>();
    e.put("SSL_write", 0x7ffL);
    e.put("SSL_write_ex", 0x10000L);
    Map<String, ProbeSite> sites = ProbeSiteSelector.select(new ArrayCode(0x800), e, K618);
    assertEquals(0x10000L, sites.get("SSL_write_ex").offset());
    assertNull(sites.get("SSL_write_ex").cost());
  }

  @Test
  void aFirstInstructionTheKernelWouldMistakeIsNotProbedAtAll() {
    ArrayCode c = openssl3().put(SSL_READ, 0x41, 0x90); // xchg %eax,%r8d: the kernel takes it for a nop
    Map<String, Long> e = new LinkedHashMap<>();
    e.put("SSL_read", (long) SSL_READ);
    ProbeSite s = ProbeSiteSelector.select(c, e, K618).get("SSL_read");
    assertFalse(s.probeable());
    assertTrue(s.reason().contains("not probed"), s.reason());
  }

  @Test
  void otherArchitecturesKeepTheEntryAndSaySo() {
    ProbeSite s = ProbeSiteSelector.unanalysed(0x1234, "aarch64");
    assertEquals(0x1234, s.offset());
    assertNull(s.cost());
    assertTrue(s.reason().contains("aarch64"));
  }
}
