package io.hybridmesh.agent.kubernetes;

import io.hybridmesh.agent.proc.ProcFs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerProcessesTest {

  private static final String UID = "8d6f1c2a-3b4e-4f5a-9c8d-7e6f5a4b3c2d";
  private static final String APP = "1".repeat(64);
  private static final String SIDE = "2".repeat(64);

  @TempDir Path proc;

  private void process(long pid, long ppid, long start, String comm, String container) throws IOException {
    Path d = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(d.resolve("cgroup"), container == null ? "0::/system.slice/containerd.service\n"
        : "0::/kubepods.slice/kubepods-pod" + UID.replace('-', '_') + ".slice/cri-containerd-" + container + ".scope\n");
    StringBuilder stat = new StringBuilder(pid + " (" + comm + ") S " + ppid);
    for (int i = 2; i < 19; i++) {
      stat.append(" 0");
    }
    stat.append(' ').append(start).append(" 0 0\n");
    Files.writeString(d.resolve("stat"), stat.toString());
  }

  @Test
  void mainProcessIsTheOldestWhoseParentIsOutsideTheContainer() throws IOException {
    process(100, 1, 10, "containerd-shim", null);
    process(200, 100, 20, "nginx", APP);
    process(201, 200, 21, "nginx: worker", APP);
    process(300, 100, 30, "envoy", SIDE);
    process(301, 300, 15, "weird) name (x", SIDE); // older, but its parent is in the container
    Files.createDirectories(proc.resolve("self"));
    Files.createDirectories(proc.resolve("999")); // vanished: no files

    List<ContainerProcesses.Container> found = new ContainerProcesses(proc).scan();
    assertEquals(2, found.size());
    assertEquals(APP, found.get(0).containerId());
    assertEquals(200, found.get(0).mainPid());
    assertEquals(UID, found.get(0).podUid());
    assertEquals(300, found.get(1).mainPid());
  }

  @Test
  void statWithAwkwardCommandNames() {
    assertArrayEquals(new long[] {7, 99},
        ProcFs.stat("42 (a) b) c) S 7 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 99 0"));
    assertNull(ProcFs.stat("42 (short) S"));
    assertNull(ProcFs.stat("garbage"));
    assertNull(ProcFs.stat(null));
  }
}
