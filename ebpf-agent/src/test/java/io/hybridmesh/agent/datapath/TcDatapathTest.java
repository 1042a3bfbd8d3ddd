package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.testing.IdleRingBuffer;
import io.hybridmesh.agent.testing.InMemoryBpfMap;
import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.BpfException;
import io.hybridmesh.jni.BpfLink;
import io.hybridmesh.jni.BpfMap;
import io.hybridmesh.jni.BpfObject;
import io.hybridmesh.jni.RingBufferReader;
import io.hybridmesh.jni.TcHook;
import io.hybridmesh.jni.UprobeMultiTarget;
import io.hybridmesh.jni.UprobeTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which build of the TC programs a kernel gets, told with a fake kernel (the real one here takes both). */
class TcDatapathTest {

  private static final TcSettings SETTINGS =
      new TcSettings(4096, 16, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(5));

  @Test
  void aKernelThatTakesAtomicsGetsThatBuild() {
    FakeKernel kernel = new FakeKernel(false);
    try (TcDatapath tc = new TcDatapath(kernel, SETTINGS)) {
      assertEquals(BpfObjects.TC_FLOW, tc.objectName());
      tc.attach(7, Path.of("/run/netns/x"), "eth0", 14).close();
    }
    assertEquals(List.of(BpfObjects.TC_FLOW, BpfObjects.TC_FLOW), kernel.loaded, "anchor and interface");
  }

  @Test
  void aKernelBefore512GetsTheBuildWithoutAtomicsForEveryInterface() {
    FakeKernel kernel = new FakeKernel(true);
    try (TcDatapath tc = new TcDatapath(kernel, SETTINGS)) {
      assertEquals(BpfObjects.TC_FLOW_NO_ATOMICS, tc.objectName());
      tc.attach(7, Path.of("/run/netns/x"), "eth0", 14).close();
    }
    assertEquals(List.of(BpfObjects.TC_FLOW_NO_ATOMICS, BpfObjects.TC_FLOW_NO_ATOMICS), kernel.loaded);
    assertEquals(2, kernel.closed, "the refused object was freed, and the taken one at close");
  }

  @Test
  void whenEveryBuildIsRefusedTheFirstReasonIsGiven() {
    BpfException e = assertThrows(BpfException.class,
        () -> new TcDatapath(new FakeKernel(true), SETTINGS, BpfObjects.TC_FLOW));
    assertTrue(e.getMessage().contains("reserved fields"), e.getMessage());
  }

  /** Loads any object but, if it is old, refuses the one with BPF atomics as a verifier before 5.12 does. */
  private static final class FakeKernel implements Bpf {
    private final boolean before512;
    private final byte[] atomics = BpfObjects.load(BpfObjects.TC_FLOW);
    private final byte[] plain = BpfObjects.load(BpfObjects.TC_FLOW_NO_ATOMICS);
    final List<String> loaded = new ArrayList<>();
    int closed;

    FakeKernel(boolean before512) {
      this.before512 = before512;
    }

    @Override
    public BpfObject open(String name, byte[] elf) {
      assertTrue(Arrays.equals(elf, atomics) || Arrays.equals(elf, plain), "a packaged object");
      return new FakeObject(this, name, Arrays.equals(elf, atomics) ? BpfObjects.TC_FLOW
          : BpfObjects.TC_FLOW_NO_ATOMICS);
    }

    @Override
    public BpfObject open(Path path) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Support probeMapType(int mapType) {
      return Support.YES;
    }

    @Override
    public Support probeProgramType(int programType) {
      return Support.YES;
    }

    @Override
    public Support probeHelper(int programType, int helperId) {
      return Support.YES;
    }

    @Override
    public int possibleCpus() {
      return 2;
    }
  }

  private record FakeObject(FakeKernel kernel, String name, String object) implements BpfObject {
    @Override
    public void setRodata(String variable, byte[] value) {}

    @Override
    public void setMapMaxEntries(String map, int maxEntries) {}

    @Override
    public void reuseMap(String map, BpfMap existing) {}

    @Override
    public void setProgramAttachType(String program, int attachType) {}

    @Override
    public void setProgramAutoload(String program, boolean autoload) {}

    @Override
    public void load() {
      if (kernel.before512 && object.equals(BpfObjects.TC_FLOW)) {
        throw new BpfException("bpf_object__load", 22, "BPF_STX uses reserved fields");
      }
      kernel.loaded.add(object);
    }

    @Override
    public BpfMap map(String map) {
      return new InMemoryBpfMap(map, 4, 8);
    }

    @Override
    public BpfLink attachTc(String program, TcHook hook) {
      return new BpfLink() {
        @Override
        public String description() {
          return program;
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public BpfLink attachUprobe(String program, UprobeTarget target) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BpfLink attachUprobeMulti(String program, UprobeMultiTarget target) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BpfLink attachTracepoint(String program, String category, String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BpfLink attachTracing(String program) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RingBufferReader ringBuffer(String map) {
      return new IdleRingBuffer();
    }

    @Override
    public void close() {
      if (name.contains("anchor")) {
        kernel.closed++;
      }
    }
  }
}
