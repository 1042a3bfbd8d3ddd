package io.hybridmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What the agent may do on a node: exactly the capabilities and host mounts the data path needs, no more.
 * Adding one here is a security decision; say why in the DaemonSet's comment first.
 */
class ChartAgentIT {

  /** Capabilities the agent holds when not privileged; the DaemonSet says why each is there. */
  static final Set<String> CAPABILITIES = Set.of("BPF", "PERFMON", "NET_ADMIN", "SYS_ADMIN", "SYS_PTRACE",
      "SYS_RESOURCE", "SYS_NICE");

  /** Host paths, where they appear in the container, and whether read-only. */
  static final Map<String, String> HOST_MOUNTS = Map.of(
      "/sys/fs/bpf", "/sys/fs/bpf rw HostToContainer",
      "/sys/kernel/btf", "/sys/kernel/btf ro None",
      "/sys/kernel/tracing", "/sys/kernel/tracing ro None");

  @Test
  void capabilitiesAndMountsAreExactlyWhatTheDataPathNeeds() {
    DaemonSet ds = RenderedChart.defaults().one(DaemonSet.class, ChartRenderIT.AGENT);
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    assertEquals(1, pod.getContainers().size());
    assertTrue(pod.getInitContainers() == null || pod.getInitContainers().isEmpty(), "no init containers");

    var sc = c.getSecurityContext();
    assertEquals(Boolean.FALSE, sc.getPrivileged(), "privileged is only the documented fallback");
    assertEquals(Set.of("ALL"), Set.copyOf(sc.getCapabilities().getDrop()));
    assertEquals(CAPABILITIES, Set.copyOf(sc.getCapabilities().getAdd()));
    assertEquals(0L, sc.getRunAsUser());
    assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem());
    assertNull(pod.getSecurityContext(), "no pod-level security context widens the container's");

    assertEquals(HOST_MOUNTS, hostMounts(pod, c));
    assertEquals(Set.of("/tmp"), c.getVolumeMounts().stream()
        .filter(m -> volume(pod, m).getEmptyDir() != null).map(VolumeMount::getMountPath).collect(Collectors.toSet()),
        "besides the host paths, only an emptyDir for the JVM's scratch space");
    // TLS: the CA certificate alone (never the CA's key) and a token for the controller alone, both read only.
    Volume ca = pod.getVolumes().stream().filter(v -> v.getName().equals("ca")).findFirst().orElseThrow();
    assertEquals("hybrid-mesh-ca", ca.getSecret().getSecretName());
    assertEquals(List.of("ca.crt"), ca.getSecret().getItems().stream().map(i -> i.getKey()).toList());
    Volume token = pod.getVolumes().stream().filter(v -> v.getName().equals("token")).findFirst().orElseThrow();
    assertEquals("hybrid-mesh", token.getProjected().getSources().get(0).getServiceAccountToken().getAudience());
    assertTrue(c.getVolumeMounts().stream().filter(m -> Set.of("ca", "token").contains(m.getName()))
        .allMatch(m -> Boolean.TRUE.equals(m.getReadOnly())));
    assertEquals(HOST_MOUNTS.size() + 3, c.getVolumeMounts().size());
    assertEquals(HOST_MOUNTS.size() + 3, pod.getVolumes().size());

    assertEquals(Boolean.TRUE, pod.getHostPID(), "the agent reads /proc/<pid> of every container");
    assertEquals(Boolean.FALSE, pod.getHostNetwork());
    assertTrue(pod.getHostIPC() == null || !pod.getHostIPC());
    assertTrue(pod.getVolumes().stream().noneMatch(v -> v.getHostPath() != null
        && Set.of("/proc", "/run/netns", "/sys/kernel/debug", "/", "/sys").contains(v.getHostPath().getPath())),
        "hostPID already gives the host's /proc; /run/netns and debugfs are not needed");
  }

  @Test
  void privilegedIsAFallbackThatTakesEverything() {
    DaemonSet ds = RenderedChart.render("agent: {privileged: true}").one(DaemonSet.class, ChartRenderIT.AGENT);
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    assertEquals(Boolean.TRUE, c.getSecurityContext().getPrivileged());
    assertNull(c.getSecurityContext().getCapabilities(), "privileged holds every capability; a list would mislead");
    // Bidirectional propagation is only allowed in privileged containers.
    assertEquals("/sys/fs/bpf rw Bidirectional", hostMounts(pod, c).get("/sys/fs/bpf"));
  }

  private static Map<String, String> hostMounts(PodSpec pod, Container c) {
    return c.getVolumeMounts().stream().filter(m -> volume(pod, m).getHostPath() != null)
        .collect(Collectors.toMap(m -> volume(pod, m).getHostPath().getPath(),
            m -> m.getMountPath() + (Boolean.TRUE.equals(m.getReadOnly()) ? " ro " : " rw ")
                + (m.getMountPropagation() == null ? "None" : m.getMountPropagation())));
  }

  private static Volume volume(PodSpec pod, VolumeMount m) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(m.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("mount " + m.getName() + " has no volume"));
  }
}
