package io.hybridmesh.controller;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;

/** A Kubernetes client from a kubeconfig file, or, without one, the usual lookup (in-cluster, ~/.kube/config). */
public final class KubeClients {

  private KubeClients() {}

  /** @param kubeconfig a kubeconfig file, or null for in-cluster / $KUBECONFIG / ~/.kube/config */
  public static KubernetesClient connect(Path kubeconfig) {
    if (kubeconfig == null) {
      return new KubernetesClientBuilder().build();
    }
    if (!Files.isReadable(kubeconfig)) {
      throw new IllegalArgumentException("cannot read the kubeconfig " + kubeconfig);
    }
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig.toFile())).build();
  }
}
