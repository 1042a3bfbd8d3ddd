package io.hybridmesh.helm;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.hybridmesh.cli.Hmesh;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The arguments the chart gives the controller and the agent are flags the hmesh command has, with values
 * it accepts: a renamed flag fails here, not in a cluster's crash loop.
 */
class ChartArgsIT {

  private static void parses(List<String> args) {
    List<String> resolved = args.stream().map(a -> a.replace("$(NODE_NAME)", "node-1")).toList();
    assertDoesNotThrow(() -> new CommandLine(new Hmesh()).parseArgs(resolved.toArray(String[]::new)),
        () -> "hmesh does not take " + resolved);
  }

  private static Container only(List<Container> containers) {
    assertEquals(1, containers.size());
    return containers.get(0);
  }

  @Test
  void defaultArgumentsAreRealFlags() {
    RenderedChart chart = RenderedChart.defaults();
    Container controller = only(chart.one(Deployment.class, ChartRenderIT.CONTROLLER).getSpec().getTemplate()
        .getSpec().getContainers());
    assertEquals("controller", controller.getArgs().get(0));
    parses(controller.getArgs());
    Container agent = only(chart.one(DaemonSet.class, ChartRenderIT.AGENT).getSpec().getTemplate().getSpec()
        .getContainers());
    assertEquals("agent", agent.getArgs().get(0));
    parses(agent.getArgs());
  }

  @Test
  void nonDefaultArgumentsAreRealFlagsToo() {
    RenderedChart chart = RenderedChart.render("""
        controller:
          defaultFallback: none
          ui:
            enabled: true
        agent:
          flowCapacity: 4096
          plaintext: "off"
          eventThread: normal
          redaction:
            enabled: false
            query: values
            headers: [x-api-key]
        tls:
          enabled: true
          certLifetime: 90m
          agentCertificates: secret
          agentSecretName: agents-tls
        sidecar:
          tokenPolicy: required
        """);
    parses(only(chart.one(Deployment.class, ChartRenderIT.CONTROLLER).getSpec().getTemplate().getSpec()
        .getContainers()).getArgs());
    List<String> agentArgs = only(chart.one(DaemonSet.class, ChartRenderIT.AGENT).getSpec().getTemplate()
        .getSpec().getContainers()).getArgs();
    parses(agentArgs);
    assertEquals(true, agentArgs.contains("--plaintext=off"), agentArgs::toString);
    assertEquals(true, agentArgs.contains("--event-thread=normal"), agentArgs::toString);
    RenderedChart plain = RenderedChart.render("tls: {enabled: false}");
    parses(only(plain.one(Deployment.class, ChartRenderIT.CONTROLLER).getSpec().getTemplate().getSpec()
        .getContainers()).getArgs());
  }
}
