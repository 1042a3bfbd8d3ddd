package io.hybridmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The chart as Helm renders it, with its defaults and with every knob turned. */
class ChartRenderIT {

  static final String CONTROLLER = "hybrid-mesh-controller";
  static final String AGENT = "hybrid-mesh-agent";

  @Test
  void defaultsRenderTheWholeInstallation() {
    RenderedChart chart = RenderedChart.defaults();
    Set<String> kinds = chart.objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName())
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(Set.of(
        "ServiceAccount/" + CONTROLLER, "ServiceAccount/" + AGENT,
        "ClusterRole/" + CONTROLLER, "ClusterRole/" + AGENT,
        "ClusterRoleBinding/" + CONTROLLER, "ClusterRoleBinding/" + AGENT,
        "Role/" + CONTROLLER + "-leader-election", "RoleBinding/" + CONTROLLER + "-leader-election",
        "Role/" + CONTROLLER + "-ca", "RoleBinding/" + CONTROLLER + "-ca",
        "NetworkPolicy/" + CONTROLLER, "NetworkPolicy/" + AGENT,
        "Service/" + CONTROLLER, "Service/" + AGENT,
        // The uninstall hooks (helm uninstall runs hmesh agent --cleanup on every agent node first).
        "ServiceAccount/" + AGENT + "-cleanup", "Role/" + AGENT + "-cleanup", "RoleBinding/" + AGENT + "-cleanup",
        "DaemonSet/" + AGENT + "-cleanup", "Job/" + AGENT + "-cleanup-wait",
        "Deployment/" + CONTROLLER, "DaemonSet/" + AGENT)), kinds);
    for (HasMetadata o : chart.objects) {
      boolean clusterScoped = o.getKind().startsWith("Cluster");
      assertEquals(clusterScoped ? null : RenderedChart.NAMESPACE, o.getMetadata().getNamespace(),
          o.getKind() + " " + o.getMetadata().getName());
      assertEquals("hybrid-mesh", o.getMetadata().getLabels().get("app.kubernetes.io/part-of"));
    }
  }

  @Test
  void controllerRunsLeaderElectedWithEveryServerOnItsPort() {
    RenderedChart chart = RenderedChart.defaults();
    Deployment d = chart.one(Deployment.class, CONTROLLER);
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals("hybrid-mesh/hmesh:0.1.0", c.getImage(), "the tag defaults to the chart's appVersion");
    assertEquals(List.of("controller",
        "--lease-name=hmesh-controller",
        "--lease-namespace=hybrid-mesh",
        "--default-fallback=sidecar",
        "--relay=0.0.0.0:4245",
        "--xds=0.0.0.0:18000",
        "--xds-host=hybrid-mesh-controller.hybrid-mesh.svc",
        "--xds-port=18000",
        "--agent-service=hybrid-mesh-agent",
        "--metrics=0.0.0.0:9966",
        "--cert-lifetime=24h",
        "--agent-service-account=hybrid-mesh-agent",
        "--sidecar-token=if-present",
        "--proxy-image=docker.io/envoyproxy/envoy:v1.34.1",
        "--init-image=docker.io/istio/proxyv2:1.24.0",
        "--proxy-uid=1337",
        "--proxy-cpu=100m",
        "--proxy-memory=128Mi",
        "--proxy-memory-limit=512Mi"), c.getArgs());
    assertEquals(CONTROLLER, d.getSpec().getTemplate().getSpec().getServiceAccountName());
    // No HTTP health endpoint exists: both probes are TCP on the relay's port.
    assertEquals("relay", c.getReadinessProbe().getTcpSocket().getPort().getStrVal());
    assertEquals("relay", c.getLivenessProbe().getTcpSocket().getPort().getStrVal());
    assertEquals(4245, port(c, "relay"));
    assertEquals(Boolean.TRUE, d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot());
    assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
    assertTrue(c.getSecurityContext().getCapabilities().getAdd() == null
        || c.getSecurityContext().getCapabilities().getAdd().isEmpty());

    Service svc = chart.one(Service.class, CONTROLLER);
    assertEquals(Map.of("grpc-xds", 18000, "relay", 4245, "metrics", 9966), ports(svc));
    assertEquals(d.getSpec().getSelector().getMatchLabels(), svc.getSpec().getSelector());
  }

  @Test
  void theUiIsOffByDefaultAndOnlyEverBehindAClusterIpService() {
    RenderedChart off = RenderedChart.defaults();
    assertTrue(off.all(Service.class).stream().noneMatch(s -> s.getMetadata().getName().endsWith("-ui")));
    assertTrue(off.one(Deployment.class, CONTROLLER).getSpec().getTemplate().getSpec().getContainers().get(0)
        .getArgs().stream().noneMatch(a -> a.startsWith("--ui")));

    RenderedChart on = RenderedChart.render("""
        controller:
          ui:
            enabled: true
        """);
    Deployment d = on.one(Deployment.class, CONTROLLER);
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertTrue(c.getArgs().contains("--ui=0.0.0.0:12000"), c.getArgs()::toString);
    assertEquals(12000, port(c, "ui"));
    Service ui = on.one(Service.class, CONTROLLER + "-ui");
    assertEquals("ClusterIP", ui.getSpec().getType());
    assertEquals(Map.of("http-ui", 12000), ports(ui));
    assertEquals("ui", ui.getSpec().getPorts().get(0).getTargetPort().getStrVal());
    assertEquals(d.getSpec().getSelector().getMatchLabels(), ui.getSpec().getSelector());
    // No value makes it reachable from outside the cluster.
    assertThrows(RuntimeException.class, () -> RenderedChart.render("""
        controller:
          ui:
            enabled: true
            type: LoadBalancer
        """));
  }

  @Test
  void agentRunsOnEveryNodeBehindAHeadlessService() {
    RenderedChart chart = RenderedChart.defaults();
    DaemonSet ds = chart.one(DaemonSet.class, AGENT);
    var pod = ds.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    assertEquals(List.of("agent", "--kubernetes", "--node-name=$(NODE_NAME)", "--serve=0.0.0.0:4245",
        "--metrics=0.0.0.0:9965", "--flow-capacity=16384", "--plaintext=auto", "--event-thread=yield",
        "--redact-query=keep",
        "--tls-ca-cert-file=/etc/hybrid-mesh/ca/ca.crt",
        "--tls-cert-from-controller=hybrid-mesh-controller.hybrid-mesh.svc:4245",
        "--tls-token-file=/var/run/secrets/hybrid-mesh/token"), c.getArgs());
    var nodeName = c.getEnv().stream().filter(e -> e.getName().equals("NODE_NAME")).findFirst().orElseThrow();
    assertEquals("spec.nodeName", nodeName.getValueFrom().getFieldRef().getFieldPath());
    assertEquals(Boolean.TRUE, pod.getHostPID());
    assertEquals(Boolean.FALSE, pod.getHostNetwork());
    assertEquals(1, pod.getTolerations().size());
    assertEquals("Exists", pod.getTolerations().get(0).getOperator());
    assertEquals(null, pod.getTolerations().get(0).getKey(), "an Exists toleration without a key tolerates every taint");
    assertEquals(AGENT, pod.getServiceAccountName());

    Service svc = chart.one(Service.class, AGENT);
    assertEquals("None", svc.getSpec().getClusterIP());
    assertEquals(Map.of("observer", 4245, "metrics", 9965), ports(svc));
    assertEquals(ds.getSpec().getSelector().getMatchLabels(), svc.getSpec().getSelector());
    assertFalse(svc.getSpec().getSelector().equals(
        chart.one(Service.class, CONTROLLER).getSpec().getSelector()), "agent and controller selectors overlap");
    chart.one(ServiceAccount.class, AGENT);
  }

  @Test
  void everyKnobReachesItsFlag() {
    RenderedChart chart = RenderedChart.render("""
        fullnameOverride: mesh
        image:
          repository: registry.example.com/team/hmesh
          tag: "1.2.3"
          pullPolicy: Always
        imagePullSecrets:
          - name: pull
        controller:
          replicas: 3
          leaseName: other-lease
          defaultFallback: none
          javaToolOptions: ""
          priorityClassName: system-cluster-critical
          nodeSelector: {role: infra}
          tolerations: [{key: infra, operator: Exists, effect: NoSchedule}]
          affinity:
            podAntiAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
                - weight: 100
                  podAffinityTerm:
                    topologyKey: kubernetes.io/hostname
                    labelSelector: {matchLabels: {app.kubernetes.io/component: controller}}
          podAnnotations: {prometheus.io/scrape: "true"}
          resources: {requests: {cpu: 1, memory: 1Gi}}
        agent:
          flowCapacity: 1000
          plaintext: "on"
          redaction:
            enabled: false
            query: all
            headers: [X-Api-Key, X-Token]
          priorityClassName: system-node-critical
          resources: {limits: {memory: 2Gi}}
        sidecar:
          proxyImage: {repository: mirror.example.com/envoy, tag: v1.34.2}
          initImage: {repository: mirror.example.com/iptables, tag: "7"}
          uid: 2000
          tokenPolicy: required
          resources:
            requests: {cpu: 50m, memory: 64Mi}
            limits: {cpu: 500m, memory: ""}
        tls:
          enabled: true
          certLifetime: 12h
          agentCertificates: secret
          agentSecretName: agents-tls
        """);
    Deployment d = chart.one(Deployment.class, "mesh-controller");
    var pod = d.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    assertEquals(3, d.getSpec().getReplicas());
    assertEquals("registry.example.com/team/hmesh:1.2.3", c.getImage());
    assertEquals("Always", c.getImagePullPolicy());
    assertEquals("pull", pod.getImagePullSecrets().get(0).getName());
    assertEquals("system-cluster-critical", pod.getPriorityClassName());
    // Helm merges maps: the default kubernetes.io/os stays beside the new key.
    assertEquals(Map.of("kubernetes.io/os", "linux", "role", "infra"), pod.getNodeSelector());
    assertEquals("infra", pod.getTolerations().get(0).getKey());
    assertEquals(100, pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()
        .get(0).getWeight());
    assertEquals("true", d.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/scrape"));
    assertTrue(c.getEnv() == null || c.getEnv().isEmpty(), "empty javaToolOptions sets no JAVA_TOOL_OPTIONS");
    assertTrue(c.getArgs().containsAll(List.of("--lease-name=other-lease", "--default-fallback=none",
        "--xds-host=mesh-controller.hybrid-mesh.svc", "--agent-service=mesh-agent",
        "--proxy-image=mirror.example.com/envoy:v1.34.2", "--init-image=mirror.example.com/iptables:7",
        "--proxy-uid=2000", "--proxy-cpu=50m", "--proxy-memory=64Mi", "--proxy-cpu-limit=500m",
        "--cert-lifetime=12h", "--agent-service-account=mesh-agent", "--sidecar-token=required",
        "--agent-server-name=mesh-agent.hybrid-mesh.svc", "--token-exchange=0.0.0.0:18001")), c.getArgs().toString());
    assertEquals(18001, port(c, "token-exchange"));
    assertEquals(18001, ports(chart.one(Service.class, "mesh-controller")).get("token-exchange"));
    assertTrue(c.getArgs().stream().noneMatch(a -> a.startsWith("--proxy-memory-limit")), "an empty limit is no limit");
    assertEquals("1Gi", c.getResources().getRequests().get("memory").toString());

    DaemonSet ds = chart.one(DaemonSet.class, "mesh-agent");
    Container a = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals("registry.example.com/team/hmesh:1.2.3", a.getImage());
    assertEquals(List.of("agent", "--kubernetes", "--node-name=$(NODE_NAME)", "--serve=0.0.0.0:4245",
        "--metrics=0.0.0.0:9965", "--flow-capacity=1000", "--plaintext=on", "--event-thread=yield", "--no-redact",
        "--redact-query=all",
        "--redact-header=X-Api-Key", "--redact-header=X-Token", "--tls-ca-cert-file=/etc/hybrid-mesh/ca/ca.crt",
        "--tls-server-cert-file=/etc/hybrid-mesh/tls/tls.crt", "--tls-server-key-file=/etc/hybrid-mesh/tls/tls.key"),
        a.getArgs());
    assertEquals("agents-tls", ds.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals("tls")).findFirst().orElseThrow().getSecret().getSecretName());
    assertEquals("system-node-critical", ds.getSpec().getTemplate().getSpec().getPriorityClassName());
    assertEquals("2Gi", a.getResources().getLimits().get("memory").toString());
  }

  @Test
  void withoutTlsEverythingIsPlaintextAndSaysSo() {
    RenderedChart chart = RenderedChart.render("tls: {enabled: false}");
    Container c = chart.one(Deployment.class, CONTROLLER).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertTrue(c.getArgs().contains("--no-tls"), c.getArgs().toString());
    var pod = chart.one(DaemonSet.class, AGENT).getSpec().getTemplate().getSpec();
    assertTrue(pod.getContainers().get(0).getArgs().stream().noneMatch(a -> a.startsWith("--tls")));
    assertTrue(pod.getVolumes().stream().noneMatch(v -> v.getSecret() != null || v.getProjected() != null));
  }

  private static Map<String, Integer> ports(Service svc) {
    return svc.getSpec().getPorts().stream().collect(Collectors.toMap(ServicePort::getName, ServicePort::getPort));
  }

  private static int port(Container c, String name) {
    return c.getPorts().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow().getContainerPort();
  }
}
