package io.hybridmesh.agent.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.binary.UprobeTarget;
import io.hybridmesh.agent.probe.site.ProbeCost;
import io.hybridmesh.api.annotation.TlsProbeAnnotation;
import io.hybridmesh.api.kernel.KernelRelease;
import io.hybridmesh.jni.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomTlsTargetsTest {

  private static final KernelRelease K618 = KernelRelease.of(6, 18);

  @Test
  void parsesWithTheOneParserTheControllerUses() {
    assertEquals(new TlsProbeAnnotation("/usr/bin/app", List.of("my_write", "my_read")),
        CustomTlsTargets.parse(" /usr/bin/app:my_write, my_read ").orElseThrow());
    assertEquals(CustomTlsTargets.parse("/usr/bin/app:my_write,my_read"),
        CustomTlsTargets.parse("v1:/usr/bin/app:my_write,my_read"));
    // "/app:" + 300 characters was a valid symbol to the controller and not to the agent: one rule now.
    for (String bad : new String[] {null, "", "app:x", "/app", "/app:", "/app:a,,b", "/app:1x",
        "v2:/app:x", "/app:" + "s".repeat(300)}) {
      assertTrue(CustomTlsTargets.parse(bad).isEmpty(), String.valueOf(bad));
    }
  }

  @Test
  void missingFileIsUnresolvedForEverySymbol(@TempDir Path root) {
    List<UprobeTarget> t = CustomTlsTargets.resolve(root, CustomTlsTargets.parse("/usr/bin/app:a,b").orElseThrow(),
        K618);
    assertEquals(2, t.size());
    assertFalse(t.get(0).isResolved());
    assertEquals("/usr/bin/app", t.get(1).file());
    assertTrue(t.get(0).unresolvedReason().contains("not a file"), t.get(0).unresolvedReason());
  }

  @Test
  void garbageFileIsUnresolved(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("bin"));
    Files.writeString(root.resolve("bin/app"), "not an ELF file");
    UprobeTarget t = CustomTlsTargets.resolve(root, CustomTlsTargets.parse("/bin/app:x").orElseThrow(), K618)
        .get(0);
    assertFalse(t.isResolved());
    assertTrue(t.unresolvedReason().contains("ELF"), t.unresolvedReason());
  }

  @Test
  void resolvesAnExportedFunctionInARealLibrary() {
    String lib = "/usr/lib/x86_64-linux-gnu/libssl.so.3";
    Requirements.requireFile(Path.of(lib));
    List<UprobeTarget> t = CustomTlsTargets.resolve(Path.of("/"),
        CustomTlsTargets.parse(lib + ":SSL_write,no_such_function").orElseThrow(), K618);
    assertTrue(t.get(0).isResolved(), String.valueOf(t.get(0)));
    assertTrue(t.get(0).offset() > 0);
    assertEquals(lib, t.get(0).file());
    assertFalse(t.get(1).isResolved());
    // SSL_write alone proves no shared internal function: its entry, and what a hit there costs.
    assertEquals(ProbeCost.SINGLE_STEPPED, t.get(0).cost(), t.get(0).site());
    assertEquals(t.get(0).offset(), t.get(0).probeOffset());
  }

  @Test
  void bothFormsNamedInTheKnobShareTheInternalSiteLikeTheProbersOwn() {
    String lib = "/usr/lib/x86_64-linux-gnu/libssl.so.3";
    Requirements.requireFile(Path.of(lib));
    List<UprobeTarget> t = CustomTlsTargets.resolve(Path.of("/"),
        CustomTlsTargets.parse(lib + ":SSL_write,SSL_write_ex").orElseThrow(), K618);
    assertEquals(t.get(0).probeOffset(), t.get(1).probeOffset());
    assertEquals(ProbeCost.EMULATED, t.get(0).cost(), t.get(0).site());
    assertTrue(t.get(0).instruction().startsWith("push"), t.get(0).instruction());
  }
}
