package io.hybridmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The uninstall hooks that run {@code hmesh agent --cleanup} on every node the agent runs on: a DaemonSet that
 * cleans in its init container, and a Job that waits for it, all before anything else is deleted.
 */
class ChartCleanupHookIT {

  static final String NAME = "hybrid-mesh-agent-cleanup";

  @Test
  void aDaemonSetCleansEveryAgentNodeAndAJobWaitsForItBeforeTheUninstall() {
    RenderedChart chart = RenderedChart.defaults();
    DaemonSet ds = chart.one(DaemonSet.class, NAME);
    Job wait = chart.one(Job.class, NAME + "-wait");
    List<HasMetadata> hooks = List.of(chart.one(ServiceAccount.class, NAME), chart.one(Role.class, NAME),
        chart.one(RoleBinding.class, NAME), ds, wait);
    for (HasMetadata h : hooks) {
      Map<String, String> a = h.getMetadata().getAnnotations();
      assertEquals("pre-delete", a.get(RenderedChart.HOOK), h.getKind());
      assertEquals("before-hook-creation,hook-succeeded", a.get(RenderedChart.HOOK + "-delete-policy"), h.getKind());
    }
    int rbac = Integer.parseInt(hooks.get(1).getMetadata().getAnnotations().get(RenderedChart.HOOK + "-weight"));
    int cleaner = Integer.parseInt(ds.getMetadata().getAnnotations().get(RenderedChart.HOOK + "-weight"));
    int waiter = Integer.parseInt(wait.getMetadata().getAnnotations().get(RenderedChart.HOOK + "-weight"));
    assertTrue(rbac < cleaner && cleaner < waiter, "the account, then the cleaner, then the wait");

    // The cleaner goes where the agent goes, with less than the agent holds and no API access.
    DaemonSet agent = chart.one(DaemonSet.class, ChartRenderIT.AGENT);
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    assertEquals(agent.getSpec().getTemplate().getSpec().getNodeSelector(), pod.getNodeSelector());
    assertEquals(agent.getSpec().getTemplate().getSpec().getTolerations(), pod.getTolerations());
    assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
    assertEquals(Boolean.TRUE, pod.getHostPID());
    Container clean = pod.getInitContainers().get(0);
    assertEquals(List.of("agent", "--cleanup"), clean.getArgs());
    Set<String> caps = Set.copyOf(clean.getSecurityContext().getCapabilities().getAdd());
    assertTrue(ChartAgentIT.CAPABILITIES.containsAll(caps), "never more than the agent: " + caps);
    assertEquals(Set.of("BPF", "NET_ADMIN", "SYS_ADMIN", "SYS_PTRACE"), caps);
    assertTrue(pod.getVolumes().stream().allMatch(v -> v.getHostPath() == null), "no host paths");
    Container done = pod.getContainers().get(0);
    assertEquals(List.of("sleep", "infinity"), done.getCommand());
    assertEquals(Boolean.TRUE, done.getSecurityContext().getRunAsNonRoot());

    // The wait: its own account (read the DaemonSet and its pods), unprivileged, bounded.
    PodSpec w = wait.getSpec().getTemplate().getSpec();
    assertEquals(NAME, w.getServiceAccountName());
    assertEquals(List.of("cleanup-wait", "--daemonset=" + NAME, "--timeout=75s"), w.getContainers().get(0).getArgs());
    assertEquals(Boolean.TRUE, w.getContainers().get(0).getSecurityContext().getRunAsNonRoot());
  }

  @Test
  void turnedOffThereIsNoHook() {
    RenderedChart chart = RenderedChart.render("agent: {cleanupOnUninstall: {enabled: false}}");
    assertEquals(List.of(), chart.all(Job.class));
    assertEquals(1, chart.all(DaemonSet.class).size(), "the agent's alone");
  }
}
