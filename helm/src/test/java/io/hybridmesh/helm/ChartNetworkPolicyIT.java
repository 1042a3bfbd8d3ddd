package io.hybridmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every port a Hybrid Mesh pod opens is covered by a NetworkPolicy that names who may reach it, and no rule
 * admits everyone: the agents' flows to the relay alone, xDS and access logs to opted-in namespaces, the relay
 * to the agents and the namespaces the values name, metrics to Prometheus's namespace.
 */
class ChartNetworkPolicyIT {

  private static PodTemplateSpec controllerPod(RenderedChart chart) {
    return chart.one(Deployment.class, ChartRenderIT.CONTROLLER).getSpec().getTemplate();
  }

  private static PodTemplateSpec agentPod(RenderedChart chart) {
    return chart.one(DaemonSet.class, ChartRenderIT.AGENT).getSpec().getTemplate();
  }

  @Test
  void everyPortOfEveryPodHasAPolicyAndNoRuleAdmitsEveryone() {
    RenderedChart chart = RenderedChart.defaults();
    for (PodTemplateSpec pod : List.of(controllerPod(chart), agentPod(chart))) {
      List<NetworkPolicy> selecting = chart.all(NetworkPolicy.class).stream()
          .filter(p -> pod.getMetadata().getLabels().entrySet().containsAll(
              p.getSpec().getPodSelector().getMatchLabels().entrySet()))
          .toList();
      assertEquals(1, selecting.size(), "one policy per pod: " + pod.getMetadata().getLabels());
      NetworkPolicy policy = selecting.get(0);
      assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
      for (ContainerPort port : pod.getSpec().getContainers().get(0).getPorts()) {
        List<NetworkPolicyIngressRule> rules = rulesFor(policy, port);
        assertEquals(1, rules.size(), "port " + port.getName() + " of " + policy.getMetadata().getName()
            + " has no rule (or several)");
      }
      for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
        assertFalse(rule.getFrom() == null || rule.getFrom().isEmpty(), "a rule without peers admits everyone: "
            + rule);
        assertFalse(rule.getPorts() == null || rule.getPorts().isEmpty(), "a rule without ports opens every port");
      }
    }
  }

  @Test
  void withEveryOptionalPortOnEachHasItsRuleButTheUiWhichNoPodMayReach() {
    RenderedChart chart = RenderedChart.render("""
        controller:
          ui:
            enabled: true
        sidecar:
          tokenPolicy: required
        """);
    NetworkPolicy controller = chart.one(NetworkPolicy.class, ChartRenderIT.CONTROLLER);
    List<String> ports = controllerPod(chart).getSpec().getContainers().get(0).getPorts().stream()
        .map(ContainerPort::getName).toList();
    assertTrue(ports.containsAll(List.of("ui", "token-exchange")), ports.toString());
    for (String port : ports) {
      // The UI has no login: closed to every pod, reached through kubectl port-forward alone.
      assertEquals(port.equals("ui") ? 0 : 1, rulesFor(controller, port).size(), port);
    }
    assertTrue(controller.getSpec().getIngress().stream().allMatch(r -> r.getFrom() != null
        && !r.getFrom().isEmpty()), "no rule admits everyone");
  }

  @Test
  void withSidecarTokensTheTokenExchangePortHasItsRuleToo() {
    RenderedChart chart = RenderedChart.render("sidecar: {tokenPolicy: required}");
    NetworkPolicy controller = chart.one(NetworkPolicy.class, ChartRenderIT.CONTROLLER);
    for (ContainerPort port : controllerPod(chart).getSpec().getContainers().get(0).getPorts()) {
      assertEquals(1, rulesFor(controller, port).size(), port.getName());
    }
    assertEquals(Map.of("hybridmesh.io/enabled", "true"),
        peers(controller, "token-exchange").get(0).getNamespaceSelector().getMatchLabels());
    org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> RenderedChart.render("sidecar: {tokenPolicy: required}\ntls: {enabled: false}"),
        "a token travels over TLS only");
  }

  @Test
  void theAgentsObserverApiAdmitsTheControllerAloneAndXdsTheOptedInNamespaces() {
    RenderedChart chart = RenderedChart.defaults();
    NetworkPolicy agent = chart.one(NetworkPolicy.class, ChartRenderIT.AGENT);
    List<NetworkPolicyPeer> observer = peers(agent, "observer");
    assertEquals(1, observer.size());
    assertEquals(controllerPod(chart).getMetadata().getLabels().get("app.kubernetes.io/component"),
        observer.get(0).getPodSelector().getMatchLabels().get("app.kubernetes.io/component"));
    assertEquals(null, observer.get(0).getNamespaceSelector(), "the controller's pods in the release namespace");

    NetworkPolicy controller = chart.one(NetworkPolicy.class, ChartRenderIT.CONTROLLER);
    List<NetworkPolicyPeer> xds = peers(controller, "grpc-xds");
    assertEquals(1, xds.size());
    assertEquals(Map.of("hybridmesh.io/enabled", "true"), xds.get(0).getNamespaceSelector().getMatchLabels());
    List<NetworkPolicyPeer> relay = peers(controller, "relay");
    assertEquals(List.of("agent"), relay.stream().map(p -> p.getPodSelector().getMatchLabels()
        .get("app.kubernetes.io/component")).toList(), "by default only the agents, for their certificates");
    assertEquals(Map.of("kubernetes.io/metadata.name", "monitoring"),
        peers(controller, "metrics").get(0).getNamespaceSelector().getMatchLabels());
  }

  @Test
  void valuesWidenWhoMayReachTheRelayAndMetricsAndCanTurnPoliciesOff() {
    RenderedChart chart = RenderedChart.render("""
        networkPolicy:
          enabled: true
          relay:
            fromNamespaces: [tools]
            extraFrom:
              - ipBlock: {cidr: 10.20.0.0/16}
          sidecars:
            extraFrom: []
          metrics:
            fromNamespaces: []
            extraFrom: []
        """);
    NetworkPolicy controller = chart.one(NetworkPolicy.class, ChartRenderIT.CONTROLLER);
    List<NetworkPolicyPeer> relay = peers(controller, "relay");
    assertEquals(3, relay.size());
    assertEquals("tools", relay.get(1).getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"));
    assertEquals("10.20.0.0/16", relay.get(2).getIpBlock().getCidr());
    assertTrue(rulesFor(controller, "metrics").isEmpty(), "no one named: the metrics port stays closed");

    assertTrue(RenderedChart.render("networkPolicy: {enabled: false}").all(NetworkPolicy.class).isEmpty());
  }

  private static List<NetworkPolicyIngressRule> rulesFor(NetworkPolicy p, ContainerPort port) {
    return rulesFor(p, port.getName());
  }

  private static List<NetworkPolicyIngressRule> rulesFor(NetworkPolicy p, String portName) {
    return p.getSpec().getIngress().stream().filter(r -> r.getPorts() != null && r.getPorts().stream()
        .anyMatch(np -> portName.equals(np.getPort().getStrVal()))).toList();
  }

  private static List<NetworkPolicyPeer> peers(NetworkPolicy p, String portName) {
    List<NetworkPolicyPeer> out = new ArrayList<>();
    rulesFor(p, portName).forEach(r -> out.addAll(r.getFrom()));
    return out;
  }
}
