package io.hybridmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridmesh.api.v1alpha1.ReasonStatus;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilitySpec;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilityStatus;
import io.hybridmesh.api.v1alpha1.WorkloadReference;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hmesh report --kubeconfig}: the cluster's reports, in the shape the demo's come in. */
@EnableKubernetesMockClient(crud = true)
class ReportClusterIT {

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path dir;
  private Path kubeconfig;

  @BeforeEach
  void cluster() throws Exception {
    client.apiextensions().v1().customResourceDefinitions().load(
        Files.newInputStream(Path.of("../crds/workloadcapabilities.hybridmesh.io-v1.yml"))).create();
    WorkloadCapability w = new WorkloadCapability();
    w.getMetadata().setNamespace("shop");
    w.getMetadata().setName("deployment-checkout");
    WorkloadCapabilitySpec spec = new WorkloadCapabilitySpec();
    spec.setWorkload(new WorkloadReference("apps/v1", "Deployment", "checkout"));
    w.setSpec(spec);
    WorkloadCapabilityStatus status = new WorkloadCapabilityStatus();
    status.setDataPath("SIDECAR");
    status.setL7Visibility("TLS_METADATA_ONLY");
    status.setRequestedMode("AUTO");
    status.setReasons(List.of(new ReasonStatus("TLS_JSSE", "does TLS in the JVM")));
    WorkloadCapability created = client.resources(WorkloadCapability.class).inNamespace("shop").resource(w).create();
    // The status is a subresource: written apart from the object, as the controller does.
    created.setStatus(status);
    client.resources(WorkloadCapability.class).inNamespace("shop").resource(created).updateStatus();
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n"
        + "    server: " + client.getMasterUrl() + "\n    insecure-skip-tls-verify: true\ncontexts:\n- name: mock\n  context:\n    cluster: mock\n"
        + "    user: mock\ncurrent-context: mock\nusers:\n- name: mock\n  user:\n    token: mock\n");
  }

  private String[] run(String... args) {
    ReportCommand cmd = new ReportCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    cmd.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    cmd.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    int code = new CommandLine(cmd).execute(args);
    return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void readsWorkloadCapabilitiesAsReports() {
    String[] r = run("--kubeconfig", kubeconfig.toString(), "-o", "json");
    assertEquals("0", r[0], r[2]);
    JsonArray workloads = JsonParser.parseString(r[1]).getAsJsonObject().getAsJsonArray("workloads");
    assertEquals(1, workloads.size());
    JsonObject checkout = workloads.get(0).getAsJsonObject();
    assertEquals("checkout", checkout.get("name").getAsString());
    assertEquals("SIDECAR", checkout.get("dataPath").getAsString());
    assertEquals("L7_TLS_METADATA", checkout.get("l7Visibility").getAsString());
    assertEquals("TLS_JSSE", checkout.getAsJsonArray("reasons").get(0).getAsJsonObject().get("code").getAsString());

    String[] table = run("--kubeconfig", kubeconfig.toString(), "shop/checkout");
    assertEquals("0", table[0], table[2]);
    assertTrue(table[1].contains("Cannot see:") && table[1].contains("ciphertext"), table[1]);

    String[] missing = run("--kubeconfig", kubeconfig.toString(), "shop/nothing");
    assertEquals("1", missing[0]);
    assertTrue(missing[2].contains("no workload 'shop/nothing'"), missing[2]);
  }
}
