package io.hybridmesh.controller.sidecar;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.hybridmesh.xds.bootstrap.SidecarBootstrap;
import java.util.List;

/**
 * The bootstrap a pod's injected Envoy starts from, read out of the pod as the API server stores it and
 * expanded as the kubelet would: {@code $(VAR)} in the proxy's args from the env its downward API fills in.
 */
public final class PodBootstrap {

  private PodBootstrap() {}

  /** The proxy's {@code --config-yaml} argument, as written in a template (references unexpanded). */
  public static String argument(PodTemplateSpec template) {
    return argument(proxy(template.getSpec().getInitContainers()));
  }

  /** The bootstrap of a running pod, with its own name and namespace in the node id. */
  public static Bootstrap of(Pod pod) {
    Container proxy = proxy(pod.getSpec().getInitContainers());
    String text = argument(proxy);
    for (EnvVar env : proxy.getEnv()) {
      String path = env.getValueFrom() == null || env.getValueFrom().getFieldRef() == null ? null
          : env.getValueFrom().getFieldRef().getFieldPath();
      String value = switch (path == null ? "" : path) {
        case "metadata.name" -> pod.getMetadata().getName();
        case "metadata.namespace" -> pod.getMetadata().getNamespace();
        default -> env.getValue();
      };
      if (value != null) {
        text = text.replace("$(" + env.getName() + ")", value);
      }
    }
    return SidecarBootstrap.parseJson(text);
  }

  private static Container proxy(List<Container> initContainers) {
    return initContainers.stream().filter(c -> SidecarInjector.PROXY.equals(c.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + SidecarInjector.PROXY + " container: " + initContainers));
  }

  private static String argument(Container proxy) {
    List<String> args = proxy.getArgs();
    int flag = args.indexOf("--config-yaml");
    if (flag < 0 || flag + 1 >= args.size()) {
      throw new AssertionError("the proxy is not given --config-yaml: " + args);
    }
    return args.get(flag + 1);
  }
}
