package io.hybridmesh.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.BpfException;
import io.hybridmesh.jni.BpfObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node probe against a fake kernel: an old one with no ring buffer, no BTF and no tracefs. */
class NodeProbeTest {

  @TempDir Path root;

  /** A 5.4-like kernel: no ring buffer, no task BTF, and every program load refused. */
  private static final class OldKernel implements Bpf {
    @Override
    public BpfObject open(String name, byte[] elf) {
      throw new BpfException("bpf_object__open_mem", 22, "unknown BTF in " + name);
    }

    @Override
    public BpfObject open(Path path) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Support probeMapType(int mapType) {
      return mapType == NodeProbe.MAP_RINGBUF ? Support.NO : Support.YES;
    }

    @Override
    public Support probeProgramType(int programType) {
      return Support.YES;
    }

    @Override
    public Support probeHelper(int programType, int helperId) {
      return helperId == NodeProbe.HELPER_GET_CURRENT_TASK_BTF ? Support.NO : Support.YES;
    }

    @Override
    public Support probeTcx() {
      return Support.NO;
    }

    @Override
    public boolean removeLegacyTc(io.hybridmesh.jni.TcHook hook, String program) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.util.List<String> tcxPrograms(io.hybridmesh.jni.TcHook hook) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int possibleCpus() {
      return 2;
    }
  }

  @Test
  void saysWhatIsMissingAndWhatDegrades() throws IOException {
    Files.createDirectories(root.resolve("proc/sys/kernel"));
    Files.writeString(root.resolve("proc/sys/kernel/osrelease"), "5.4.0-old\n");
    Files.createDirectories(root.resolve("boot"));
    Files.writeString(root.resolve("boot/config-5.4.0-old"), "CONFIG_BPF=y\n# CONFIG_DEBUG_INFO_BTF is not set\n");

    NodeReport r = new NodeProbe(new OldKernel(), root.resolve("sys"), root.resolve("proc"), root.resolve("boot"))
        .probe();

    assertEquals("5.4.0-old", r.release());
    assertEquals(false, r.supported().contains(KernelFeature.RINGBUF));
    assertEquals(false, r.supported().contains(KernelFeature.BTF));
    assertEquals(false, r.supported().contains(KernelFeature.UPROBES), "no uprobe PMU under /sys");
    assertTrue(r.supported().contains(KernelFeature.TC_BPF));
    assertEquals("n", r.config().get("CONFIG_DEBUG_INFO_BTF"));
    assertTrue(r.configSource().endsWith("config-5.4.0-old"));
    String all = String.join("\n", r.degradations());
    assertTrue(all.contains("no BPF ring buffer"), all);
    assertTrue(all.contains("no BTF: HTTP inside TLS cannot be read"), all);
    assertTrue(all.contains("L3/L4 connection flows still work"), all);
    assertTrue(all.contains("no tcx: TC programs are attached through netlink"), all);
    assertTrue(all.contains("bpf_link could not be probed"), all);
  }
}
