package io.hybridmesh.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.hybridmesh.jni.CalibrationFunctions;
import io.hybridmesh.jni.CalibrationFunctions.Function;
import io.hybridmesh.jni.CalibrationFunctions.Site;
import io.hybridmesh.jni.NativeBpf;
import io.hybridmesh.jni.testing.KernelTest;
import io.hybridmesh.jni.testing.Shell;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The uprobe calibration for real, on this machine's kernel: both kinds measured, the single-stepped one
 * dearer (a relation, not a timing threshold: on a KVM guest it is ~10x, on bare metal still a trap more),
 * and nothing of ours left attached afterwards.
 */
@KernelTest
class UprobeCostCalibrationKernelIT {

  private static final Set<String> OUR_PROGRAMS = Set.of("hm_cal_entry", "hm_cal_return");

  @Test
  void measuresBothKindsAndLeavesNothingBehind() throws IOException {
    Map<String, Integer> fdsBefore = ourBpfFds();
    UprobeCostCalibration.Calibration c = UprobeCostCalibration.start(NativeBpf.load());
    UprobeCost cost = c.cost();
    java.time.Duration detach = c.detached().join();
    System.out.println("uprobe calibration: " + cost.describe() + "; detached afterwards in "
        + detach.toMillis() + " ms (" + cost + ")");

    assertTrue(cost.measured(), cost::describe);
    assertTrue(cost.emulatedPairNs() != UprobeCost.NOT_MEASURED, cost::describe);
    assertTrue(cost.singleSteppedPairNs() != UprobeCost.NOT_MEASURED, cost::describe);
    assertTrue(cost.emulatedNs() > 0 && cost.emulatedPairNs() > 0, cost::describe);
    assertTrue(cost.singleSteppedNs() > cost.emulatedNs(), cost::describe);
    assertTrue(cost.singleSteppedPairNs() > cost.emulatedPairNs(), cost::describe);
    assertFalse(cost.kernelRelease().isBlank());
    assertTrue(cost.calibrationMicros() > 0);

    // Detached: the process holds no more perf events, BPF links or programs than before ...
    assertEquals(fdsBefore, ourBpfFds());
    // ... the kernel has no program of ours loaded, nor a link to one ...
    Set<Long> ours = new java.util.HashSet<>();
    for (JsonElement p : bpftool("prog", "show")) {
      if (OUR_PROGRAMS.contains(p.getAsJsonObject().get("name").getAsString())) {
        ours.add(p.getAsJsonObject().get("id").getAsLong());
      }
    }
    assertTrue(ours.isEmpty(), "calibration programs still loaded: " + ours);
    for (JsonElement l : bpftool("link", "list")) {
      assertFalse(l.getAsJsonObject().has("prog_id") && ours.contains(l.getAsJsonObject().get("prog_id").getAsLong()));
    }
    // ... no legacy uprobe event names our library ...
    Path events = Path.of("/sys/kernel/tracing/uprobe_events");
    if (Files.isReadable(events)) {
      String text = Files.readString(events);
      assertFalse(text.contains("map_files") || text.contains("libhmjni"), text);
    }
    // ... and the breakpoints are gone from our code: the first bytes in memory are the built ones.
    Map<Function, Site> sites = CalibrationFunctions.sites();
    assertArrayEquals(new byte[] {0x55, 0x5d}, memory(sites.get(Function.EMULATED).address(), 2));
    assertArrayEquals(new byte[] {0x48, (byte) 0x83, (byte) 0xec, 0x08},
        memory(sites.get(Function.SINGLE_STEPPED).address(), 4));
  }

  /** The offsets are the ones a uprobe needs: the file holds the functions' first bytes there. */
  @Test
  void sitesAreFileOffsetsOfTheMappedLibrary() throws IOException {
    NativeBpf.load();
    Map<Function, Site> sites = CalibrationFunctions.sites();
    try (RandomAccessFile f = new RandomAccessFile(sites.get(Function.SINGLE_STEPPED).file().toFile(), "r")) {
      byte[] b = new byte[4];
      f.seek(sites.get(Function.SINGLE_STEPPED).fileOffset());
      f.readFully(b);
      assertArrayEquals(new byte[] {0x48, (byte) 0x83, (byte) 0xec, 0x08}, b);
      f.seek(sites.get(Function.EMULATED).fileOffset());
      assertEquals(0x55, f.read());
    }
    assertNull(CalibrationFunctions.unsupported().orElse(null));
  }

  private static byte[] memory(long address, int n) throws IOException {
    try (RandomAccessFile mem = new RandomAccessFile("/proc/self/mem", "r")) {
      mem.seek(address);
      byte[] b = new byte[n];
      mem.readFully(b);
      return b;
    }
  }

  /** This process's descriptors of perf events, BPF links and BPF programs, by kind. */
  private static Map<String, Integer> ourBpfFds() throws IOException {
    Map<String, Integer> out = new HashMap<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.contains("perf_event") || target.contains("bpf_link") || target.contains("bpf-prog")) {
            out.merge(target, 1, Integer::sum);
          }
        } catch (IOException e) {
          // closed meanwhile (the listing's own descriptor)
        }
      }
    }
    return out;
  }

  private static Iterable<JsonElement> bpftool(String object, String verb) {
    String json = Shell.run("bpftool", "-j", object, verb);
    return JsonParser.parseString(json.isBlank() ? "[]" : json).getAsJsonArray();
  }
}
