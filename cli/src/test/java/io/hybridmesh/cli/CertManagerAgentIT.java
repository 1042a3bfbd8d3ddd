package io.hybridmesh.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.hybridmesh.agent.observer.FlowRing;
import io.hybridmesh.agent.observer.ObserverServer;
import io.hybridmesh.agent.observer.ObserverService;
import io.hybridmesh.agent.observer.RingSink;
import io.hybridmesh.api.tls.Pem;
import io.hybridmesh.api.tls.TlsCredentials;
import io.hybridmesh.api.tls.TlsNames;
import io.hybridmesh.controller.security.CertificateAuthority;
import io.hybridmesh.controller.sidecar.SidecarConfig;
import io.hybridmesh.xds.auth.TokenPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents whose certificate another tool keeps (the chart's {@code tls.agentCertificates: secret}, as
 * cert-manager would with a CA Issuer on hybrid-mesh-ca): one certificate naming the agents' Service, not an
 * address, which the relay checks by --agent-server-name; when the tool writes a new one, the agent serves it
 * to new handshakes and the relay's connection stays up.
 */
@EnableKubernetesMockClient(crud = true)
class CertManagerAgentIT {

  private static final String NS = "hybrid-mesh";
  private static final String SERVER_NAME = "hybrid-mesh-controller.hybrid-mesh.svc";
  private static final String AGENTS_NAME = "hybrid-mesh-agent.hybrid-mesh.svc";

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir
  Path dir;
  private final ControllerRuntime runtime = new ControllerRuntime();
  private final RingSink agentRing = new RingSink(new FlowRing(1024));
  private ObserverServer agent;
  private AgentCertificate agentCertificate;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (agentCertificate != null) {
      agentCertificate.close();
    }
    runtime.close();
  }

  @Test
  void theRelayReadsAnAgentByTheServicesNameAndAFileRenewalDropsNoConnection() throws Exception {
    int agentPort = freePort();
    client.discovery().v1().endpointSlices().inNamespace(NS).resource(new EndpointSliceBuilder()
        .withNewMetadata().withName("agents-x").withLabels(Map.of("kubernetes.io/service-name", "hybrid-mesh-agent"))
        .endMetadata().withAddressType("IPv4").addNewPort().withName("observer").withPort(agentPort).endPort()
        .addNewEndpoint().withAddresses("127.0.0.1").withNodeName("node-a").endEndpoint().build()).create();
    int relayPort = freePort();
    runtime.start(client, new ControllerRuntime.Settings(new InetSocketAddress("127.0.0.1", freePort()),
        new InetSocketAddress("127.0.0.1", relayPort), null, NS, "hybrid-mesh-agent", agentPort, 1024,
        SidecarConfig.defaults(), TokenPolicy.IF_PRESENT,
        new ControllerRuntime.Tls(NS, ControllerCommand.serviceNames(SERVER_NAME), Duration.ofHours(1),
            "system:serviceaccount:" + NS + ":hybrid-mesh-agent", AGENTS_NAME, null)));

    // The issuer signs with the pair a cert-manager CA Issuer reads from the Secret: tls.crt and tls.key.
    CertificateAuthority issuer = new CertificateAuthority(Pem.certificates(secret("tls.crt")).get(0),
        Pem.privateKey(secret("tls.key")), Clock.systemUTC());
    List<X509Certificate> ca = Pem.certificates(secret(TlsNames.CA_CERT));
    Path crt = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    X509Certificate first = write(issuer, crt, key, Instant.now());
    agentCertificate = AgentCertificate.fromFiles(crt, key, Duration.ofMillis(200));
    agent = ObserverServer.tcp("127.0.0.1", agentPort, new ObserverService(agentRing, "node-a"),
        TlsCredentials.mutual(agentCertificate.keys(), ca, TlsNames.RELAY_CLIENT)).start();

    ManagedChannel user = Grpc.newChannelBuilder("127.0.0.1:" + relayPort, TlsChannelCredentials.newBuilder()
        .trustManager(TlsCredentials.trustManager(ca)).build()).overrideAuthority(SERVER_NAME).build();
    try {
      BlockingQueue<String> seen = RelayProbes.follow(user);
      // The relay connects to 127.0.0.1 and accepts a certificate that names only the Service.
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        agentRing.accept(RelayProbes.flow("10.9.0.1"));
        return "10.9.0.1".equals(seen.poll(500, TimeUnit.MILLISECONDS));
      });
      Set<String> relayConnections = RelayProbes.established(agentPort);
      assertFalse(relayConnections.isEmpty(), "the relay is connected to the agent");

      // The tool renews: new key, new certificate, both files rewritten.
      X509Certificate second = write(issuer, crt, key, Instant.now().plusSeconds(5));
      await().atMost(Duration.ofSeconds(10)).until(() -> agentCertificate.keys().leaf().equals(second));
      X509Certificate served = RelayProbes.served(agentPort, ca, runtime.identity().keys());
      assertEquals(second, served, "new handshakes get the renewed certificate");
      assertNotEquals(first.getPublicKey(), served.getPublicKey());

      seen.clear();
      agentRing.accept(RelayProbes.flow("10.9.0.2"));
      String next;
      do {
        next = seen.poll(20, TimeUnit.SECONDS);
      } while ("10.9.0.1".equals(next)); // late copies of the offers above
      assertEquals("10.9.0.2", next, "the follower still gets the agent's flows");
      Set<String> now = RelayProbes.established(agentPort);
      assertTrue(now.containsAll(relayConnections), "before " + relayConnections + ", now " + now);
    } finally {
      user.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** What the tool writes: a new key and a certificate naming the agents' Service, with a modification time. */
  private static X509Certificate write(CertificateAuthority issuer, Path crt, Path key, Instant modified)
      throws IOException {
    KeyPair pair = CertificateAuthority.newKeyPair();
    X509Certificate cert = issuer.issue(pair.getPublic(), "hybrid-mesh-agent", List.of(AGENTS_NAME), List.of(),
        Duration.ofHours(1), CertificateAuthority.Usage.SERVER);
    Files.writeString(crt, Pem.encode(List.of(cert)));
    Files.writeString(key, Pem.encode(pair.getPrivate()));
    Files.setLastModifiedTime(crt, FileTime.from(modified));
    Files.setLastModifiedTime(key, FileTime.from(modified));
    return cert;
  }

  private String secret(String key) {
    Secret s = client.secrets().inNamespace(NS).withName(TlsNames.CA_SECRET).get();
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
