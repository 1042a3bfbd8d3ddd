package io.hybridmesh.agent.probe.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.fuzz.FuzzCampaign;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.x86.Instruction;
import io.hybridmesh.agent.probe.x86.X86DecodeException;
import io.hybridmesh.agent.probe.x86.X86Decoder;
import io.hybridmesh.api.kernel.KernelRelease;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The x86-64 decoder and the probe-site selector at scale, on the machine's real libssl with its four API
 * functions' code mutated (bytes replaced around each entry and in what they call: prefixes, opcodes,
 * ModRM, call displacements pointing anywhere). Selection never throws, takes milliseconds, and every site
 * it picks is an entry or a direct-call target decoded from one, on an instruction boundary that decodes.
 */
class X86FuzzCampaignIT {

  private static final Path LIBSSL = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");
  private static final String[] NAMES = {"SSL_write", "SSL_write_ex", "SSL_read", "SSL_read_ex"};
  private static final int[] INTERESTING = {0x0f, 0x48, 0x4c, 0x66, 0xe8, 0xe9, 0xeb, 0xf3, 0xf2, 0xc4, 0xc5,
      0x62, 0x8f, 0xff, 0x41, 0x55, 0x90, 0xc3, 0x74, 0x1e, 0xfa};

  /** Real code with some bytes replaced. */
  private static final class MutatedCode implements CodeView {
    private final ElfCode real;
    final Map<Long, Byte> replaced = new HashMap<>();

    MutatedCode(ElfCode real) {
      this.real = real;
    }

    @Override
    public byte[] code(long fileOffset, int max) {
      byte[] b = real.code(fileOffset, max);
      for (int i = 0; i < b.length; i++) {
        Byte r = replaced.get(fileOffset + i);
        if (r != null) {
          b[i] = r;
        }
      }
      return b;
    }

    @Override
    public long address(long fileOffset) {
      return real.address(fileOffset);
    }

    @Override
    public long textOffset(long address) {
      return real.textOffset(address);
    }
  }

  @Test
  void tenThousandMutatedLibsslEntries() throws Exception {
    try (ElfFile elf = ElfFile.open(LIBSSL, true)) {
      Map<String, Long> entries = new LinkedHashMap<>();
      for (String name : NAMES) {
        entries.put(name, elf.vaddrToOffset(elf.dynsym().exact(name).value()));
      }
      ElfCode real = new ElfCode(elf);
      KernelRelease[] kernels = {KernelRelease.of(6, 18), KernelRelease.of(6, 1), KernelRelease.of(4, 15)};
      FuzzCampaign.run("x86 sites", 10_000, 500, r -> {
        MutatedCode code = new MutatedCode(real);
        List<Long> spots = new java.util.ArrayList<>(entries.values());
        for (long entry : entries.values()) {
          spots.addAll(CallTargets.from(real, entry)); // the internal functions the wrappers call
        }
        for (int i = 0, n = 1 + r.nextInt(12); i < n; i++) {
          long at = spots.get(r.nextInt(spots.size())) + r.nextInt(48);
          code.replaced.put(at, (byte) (r.nextInt(3) == 0 ? r.nextInt(256) : INTERESTING[r.nextInt(INTERESTING.length)]));
        }
        check(code, entries, kernels[r.nextInt(kernels.length)], r);
      });
    }
  }

  private static void check(MutatedCode code, Map<String, Long> entries, KernelRelease kernel, Random r) {
    Map<String, ProbeSite> sites = ProbeSiteSelector.select(code, entries, kernel);
    assertEquals(entries.keySet(), sites.keySet());
    Set<Long> allowed = new HashSet<>(entries.values());
    for (long entry : entries.values()) {
      allowed.addAll(CallTargets.from(code, entry));
    }
    for (ProbeSite s : sites.values()) {
      assertTrue(s.reason() != null && !s.reason().isBlank(), s.toString());
      // An entry is a function's first byte, an instruction boundary whatever its bytes say (an entry that does
      // not decode is probed with its cost unknown, and says so); a site moved off the entry must decode.
      if (s.probeable() && !entries.containsValue(s.offset())) {
        assertTrue(allowed.contains(s.offset()), "site " + s + " is neither an entry nor a call target");
        byte[] at = code.code(s.offset(), 15);
        try {
          Instruction insn = X86Decoder.decode(at, 0, at.length);
          assertTrue(insn.length() >= 1 && insn.length() <= 15);
        } catch (X86DecodeException e) {
          throw new AssertionError("a probed site must decode: " + s + ": " + e.getMessage());
        }
      }
    }
  }
}
