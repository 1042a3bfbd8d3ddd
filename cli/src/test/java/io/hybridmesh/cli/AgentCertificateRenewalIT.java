package io.hybridmesh.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
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
import io.hybridmesh.controller.sidecar.SidecarConfig;
import io.hybridmesh.xds.auth.TokenPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
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
 * An agent's Observer API certificate, issued by the controller, is renewed before it expires while the
 * relay stays connected: with 30-second certificates the agent asks again (the controller's own rotates too),
 * new handshakes get the new certificate, and the relay's TCP connection to the agent that was up before
 * outlives the first certificate and still carries flows to a user following the relay.
 */
@EnableKubernetesMockClient(crud = true)
class AgentCertificateRenewalIT {

  private static final String NS = "hybrid-mesh";
  private static final String SERVER_NAME = "hybrid-mesh-controller.hybrid-mesh.svc";
  private static final String AGENT_TOKEN = "agent-token";
  /** Short enough that the test sees a renewal and the first certificate's expiry. */
  private static final Duration LIFETIME = Duration.ofSeconds(30);

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
  void theAgentsCertificateIsRenewedBeforeExpiryAndTheRelaysConnectionOutlivesIt() throws Exception {
    server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReply(201, request -> {
      TokenReview asked = Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
      TokenReviewStatus status = new TokenReviewStatus();
      status.setAuthenticated(asked.getSpec().getToken().equals(AGENT_TOKEN));
      status.setAudiences(asked.getSpec().getAudiences());
      status.setUser(new UserInfo(Map.of(), List.of(), null, "system:serviceaccount:" + NS + ":hybrid-mesh-agent"));
      asked.setStatus(status);
      return asked;
    }).always();
    int agentPort = freePort();
    client.discovery().v1().endpointSlices().inNamespace(NS).resource(new EndpointSliceBuilder()
        .withNewMetadata().withName("agents-x").withLabels(Map.of("kubernetes.io/service-name", "hybrid-mesh-agent"))
        .endMetadata().withAddressType("IPv4").addNewPort().withName("observer").withPort(agentPort).endPort()
        .addNewEndpoint().withAddresses("127.0.0.1").withNodeName("node-a").endEndpoint().build()).create();
    int relayPort = freePort();
    String relay = "127.0.0.1:" + relayPort;
    runtime.start(client, new ControllerRuntime.Settings(new InetSocketAddress("127.0.0.1", freePort()),
        new InetSocketAddress("127.0.0.1", relayPort), null, NS, "hybrid-mesh-agent", agentPort, 1024,
        SidecarConfig.defaults(), TokenPolicy.IF_PRESENT,
        new ControllerRuntime.Tls(NS, ControllerCommand.serviceNames(SERVER_NAME), LIFETIME,
            "system:serviceaccount:" + NS + ":hybrid-mesh-agent", null, new InetSocketAddress("127.0.0.1", 0))));
    List<X509Certificate> ca = Pem.certificates(caCrt());

    // A token the cluster does not accept gets no certificate.
    Path forged = Files.writeString(dir.resolve("forged"), "forged-token");
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> AgentCertificate.fromController(relay, SERVER_NAME, ca, forged, Duration.ZERO));
    assertTrue(refused.getMessage().contains("UNAUTHENTICATED"), refused.getMessage());

    // The agent as the DaemonSet runs it: its certificate from the controller, its Observer API for the relay.
    Path token = Files.writeString(dir.resolve("token"), AGENT_TOKEN);
    agentCertificate = AgentCertificate.fromController(relay, SERVER_NAME, ca, token, Duration.ofSeconds(10));
    X509Certificate first = agentCertificate.keys().leaf();
    agent = ObserverServer.tcp("127.0.0.1", agentPort, new ObserverService(agentRing, "node-a"),
        TlsCredentials.mutual(agentCertificate.keys(), ca, TlsNames.RELAY_CLIENT)).start();

    ManagedChannel user = Grpc.newChannelBuilder(relay, TlsChannelCredentials.newBuilder()
        .trustManager(TlsCredentials.trustManager(ca)).build()).overrideAuthority(SERVER_NAME).build();
    try {
      BlockingQueue<String> seen = RelayProbes.follow(user);
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        agentRing.accept(RelayProbes.flow("10.9.0.1"));
        return "10.9.0.1".equals(seen.poll(500, TimeUnit.MILLISECONDS));
      });
      Set<String> relayConnections = RelayProbes.established(agentPort);
      assertFalse(relayConnections.isEmpty(), "the relay is connected to the agent");

      X509Certificate renewed = await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
          .until(() -> agentCertificate.keys().leaf(), c -> !c.getSerialNumber().equals(first.getSerialNumber()));
      assertTrue(Instant.now().isBefore(first.getNotAfter().toInstant()), "renewed before the first one expired");
      assertNotEquals(first.getPublicKey(), renewed.getPublicKey(), "a new key, not only a new certificate");
      renewed.verify(ca.get(0).getPublicKey());
      assertTrue(renewed.getSubjectAlternativeNames().stream().anyMatch(san -> "127.0.0.1".equals(san.get(1))));
      // A handshake now (as the relay, with its current certificate) is served the certificate in use now.
      X509Certificate served = RelayProbes.served(agentPort, ca, runtime.identity().keys());
      assertEquals(agentCertificate.keys().leaf(), served);
      assertNotEquals(first.getSerialNumber(), served.getSerialNumber());

      // Past the first certificate's end: the connection made under it still carries the relay's stream.
      long untilExpired = Duration.between(Instant.now(), first.getNotAfter().toInstant()).toMillis() + 1000;
      Thread.sleep(Math.max(0, untilExpired));
      seen.clear();
      agentRing.accept(RelayProbes.flow("10.9.0.2"));
      String next;
      do {
        next = seen.poll(20, TimeUnit.SECONDS);
      } while ("10.9.0.1".equals(next)); // late copies of the offers above
      assertEquals("10.9.0.2", next, "the follower still gets the agent's flows");
      Set<String> now = RelayProbes.established(agentPort);
      assertTrue(now.containsAll(relayConnections), "the relay's connections to the agent from before the "
          + "renewal are still up: before " + relayConnections + ", now " + now);
    } finally {
      user.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private String caCrt() {
    Secret s = client.secrets().inNamespace(NS).withName(TlsNames.CA_SECRET).get();
    return new String(Base64.getDecoder().decode(s.getData().get(TlsNames.CA_CERT)), StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
