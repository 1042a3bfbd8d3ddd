package io.hybridmesh.agent.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerCgroupTest {

  private static final String ID = "3f5c2e8a9b1d4c6e8f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e";
  private static final String UID = "8d6f1c2a-3b4e-4f5a-9c8d-7e6f5a4b3c2d";

  @Test
  void cgroupV2SystemdContainerd() {
    String f = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
        + UID.replace('-', '_') + ".slice/cri-containerd-" + ID + ".scope\n";
    assertEquals(Optional.of(new ContainerCgroup.Ids(UID, ID)), ContainerCgroup.parse(f));
  }

  @Test
  void guaranteedPodsHaveNoQosSlice() {
    String f = "0::/kubepods.slice/kubepods-pod" + UID.replace('-', '_') + ".slice/crio-" + ID + ".scope";
    assertEquals(Optional.of(new ContainerCgroup.Ids(UID, ID)), ContainerCgroup.parse(f));
  }

  @Test
  void cgroupV1CgroupfsAmongOtherControllers() {
    String f = "12:pids:/kubepods/besteffort/pod" + UID + "/" + ID + "\n"
        + "11:memory:/kubepods/besteffort/pod" + UID + "/" + ID + "\n0::/\n";
    assertEquals(Optional.of(new ContainerCgroup.Ids(UID, ID)), ContainerCgroup.parse(f));
  }

  @Test
  void hostProcessesAndGarbageAreNotContainers() {
    assertTrue(ContainerCgroup.parse("0::/user.slice/user-0.slice/session-3.scope\n").isEmpty());
    assertTrue(ContainerCgroup.parse("0::/system.slice/containerd.service").isEmpty());
    assertTrue(ContainerCgroup.parse("").isEmpty());
    assertTrue(ContainerCgroup.parse(null).isEmpty());
    assertTrue(ContainerCgroup.parse("\u0000\u0001garbage::::/kubepods/pod/xyz").isEmpty());
    assertTrue(ContainerCgroup.parse("0::/kubepods/pod" + UID + "/" + ID.substring(1)).isEmpty(), "63 digits");
    assertTrue(ContainerCgroup.parse("x".repeat(100_000)).isEmpty());
  }

  @Test
  void statusContainerIds() {
    assertEquals(ID, ContainerCgroup.bareId("containerd://" + ID));
    assertEquals(ID, ContainerCgroup.bareId("cri-o://" + ID));
    assertNull(ContainerCgroup.bareId("docker://short"));
    assertNull(ContainerCgroup.bareId(null));
  }
}
