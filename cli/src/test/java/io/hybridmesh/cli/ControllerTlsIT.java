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
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.hybridmesh.agent.observer.FlowRing;
import io.hybridmesh.agent.observer.ObserverServer;
import io.hybridmesh.agent.observer.ObserverService;
import io.hybridmesh.agent.observer.RingSink;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import io.hybridmesh.api.tls.Pem;
import io.hybridmesh.api.tls.ReloadingKeyManager;
import io.hybridmesh.api.tls.TlsCredentials;
import io.hybridmesh.api.tls.TlsNames;
import io.hybridmesh.controller.security.CertificateAuthority;
import io.hybridmesh.controller.sidecar.SidecarConfig;
import io.hybridmesh.xds.auth.TokenPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The controller's TLS against the mock API server: the CA in its Secret, the relay over TLS for users, an
 * agent that gets its certificate from the controller with its token and serves only the relay, rotation
 * under a connected follower, and what a plaintext client is told.
 */
@EnableKubernetesMockClient(crud = true)
class ControllerTlsIT {

  private static final String NS = "hybrid-mesh";
  private static final String SERVER_NAME = "hybrid-mesh-controller.hybrid-mesh.svc";
  private static final String AGENT_TOKEN = "agent-token";

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir
  Path dir;
  private ControllerRuntime runtime;
  private String relay;
  private String xds;
  private int agentPort;
  private ObserverServer agent;
  private AgentCertificate agentCertificate;
  private final RingSink agentRing = new RingSink(new FlowRing(1024));

  @BeforeEach
  void cluster() throws Exception {
    // The API server reviews the agent's projected token: it is the agents' service account.
    server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReply(201, request -> {
      TokenReview asked = Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
      TokenReviewStatus status = new TokenReviewStatus();
      boolean agentToken = asked.getSpec().getToken().equals(AGENT_TOKEN);
      status.setAuthenticated(true);
      status.setAudiences(asked.getSpec().getAudiences());
      status.setUser(new UserInfo(Map.of(), List.of(), null, "system:serviceaccount:" + NS + ":"
          + (agentToken ? "hybrid-mesh-agent" : "someone-else")));
      asked.setStatus(status);
      return asked;
    }).always();
    try (ServerSocket a = new ServerSocket(0)) {
      agentPort = a.getLocalPort();
    }
    // The relay finds the agent through the agents' headless Service, at 127.0.0.1.
    client.discovery().v1().endpointSlices().inNamespace(NS).resource(new EndpointSliceBuilder()
        .withNewMetadata().withName("agents-x").withLabels(Map.of("kubernetes.io/service-name", "hybrid-mesh-agent"))
        .endMetadata().withAddressType("IPv4").addNewPort().withName("observer").withPort(agentPort).endPort()
        .addNewEndpoint().withAddresses("127.0.0.1").withNodeName("node-a").endEndpoint().build()).create();
    runtime = start();
  }

  private ControllerRuntime start() throws Exception {
    int relayPort;
    int xdsPort;
    try (ServerSocket b = new ServerSocket(0); ServerSocket c = new ServerSocket(0)) {
      relayPort = b.getLocalPort();
      xdsPort = c.getLocalPort();
    }
    relay = "127.0.0.1:" + relayPort;
    xds = "127.0.0.1:" + xdsPort;
    ControllerRuntime r = new ControllerRuntime();
    r.start(client, new ControllerRuntime.Settings(new InetSocketAddress("127.0.0.1", xdsPort),
        new InetSocketAddress("127.0.0.1", relayPort), null, NS,
        "hybrid-mesh-agent", agentPort, 1024, SidecarConfig.defaults(), TokenPolicy.IF_PRESENT,
        new ControllerRuntime.Tls(NS, ControllerCommand.serviceNames(SERVER_NAME), Duration.ofHours(1),
            "system:serviceaccount:" + NS + ":hybrid-mesh-agent", null,
            new InetSocketAddress("127.0.0.1", 0))));
    return r;
  }

  @AfterEach
  void stop() {
    SidecarClient.credentials = null;
    SidecarClient.serverName = null;
    if (agent != null) {
      agent.close();
    }
    if (agentCertificate != null) {
      agentCertificate.close();
    }
    runtime.close();
  }

  private String caCrt() {
    Secret s = client.secrets().inNamespace(NS).withName(TlsNames.CA_SECRET).get();
    return new String(Base64.getDecoder().decode(s.getData().get(TlsNames.CA_CERT)), StandardCharsets.UTF_8);
  }

  private String caKey() {
    Secret s = client.secrets().inNamespace(NS).withName(TlsNames.CA_SECRET).get();
    return new String(Base64.getDecoder().decode(s.getData().get(TlsNames.CA_KEY)), StandardCharsets.UTF_8);
  }

  private Path caFile() throws Exception {
    return Files.writeString(dir.resolve("ca.crt"), caCrt());
  }

  @Test
  void theCaSecretIsCreatedOnceAndReusedAfterARestart() throws Exception {
    String first = caCrt();
    Secret secret = client.secrets().inNamespace(NS).withName(TlsNames.CA_SECRET).get();
    assertTrue(secret.getData().containsKey(TlsNames.CA_KEY), "the Secret holds what the CA signs with");
    X509Certificate issuedBefore = runtime.identity().keys().leaf();
    runtime.close();

    runtime = start();
    assertEquals(first, caCrt(), "a restarted controller keeps the CA every client trusts");
    assertEquals(1, client.secrets().inNamespace(NS).list().getItems().size());
    X509Certificate ca = Pem.certificates(first).get(0);
    runtime.identity().keys().leaf().verify(ca.getPublicKey());
    issuedBefore.verify(ca.getPublicKey());
    assertTrue(runtime.sidecar().controlPlaneCaPem().contains("BEGIN CERTIFICATE"),
        "the injected sidecar's bootstrap trusts the same CA");
  }

  @Test
  void aPlaintextClientAgainstTheRelayIsToldWhichFlagInOneSentence() throws Exception {
    Result plain = observe("--server", relay, "--last", "1");
    assertEquals(1, plain.code());
    assertEquals(1, plain.err().lines().count(), plain.err());
    assertTrue(plain.err().contains("speaks TLS") && plain.err().contains("--tls"), plain.err());
    assertFalse(plain.err().contains("Exception") || plain.err().contains("\tat "), plain.err());

    Result report = run(new ReportCommand(), "--server", relay);
    assertEquals(1, report.code());
    assertEquals(1, report.err().lines().count(), report.err());
    assertTrue(report.err().contains("speaks TLS") && report.err().contains("add --tls"), report.err());
    assertFalse(report.err().contains("Exception") || report.err().contains("\tat "), report.err());
    Result reportOverTls = run(new ReportCommand(), "--server", relay, "--tls-ca-cert-files", caFile().toString(),
        "--tls-server-name", SERVER_NAME, "-o", "json");
    assertEquals(0, reportOverTls.code(), reportOverTls.err());

    Result untrusted = observe("--server", relay, "--tls", "--tls-server-name", SERVER_NAME, "--last", "1");
    assertEquals(1, untrusted.code());
    assertTrue(untrusted.err().contains("--tls-ca-cert-files"), untrusted.err());

    Result wrongName = observe("--server", relay, "--tls-ca-cert-files", caFile().toString(), "--last", "1");
    assertEquals(1, wrongName.code());
    assertTrue(wrongName.err().contains("--tls-server-name"), wrongName.err());

    Result ok = observe("--server", relay, "--tls-ca-cert-files", caFile().toString(), "--tls-server-name",
        SERVER_NAME, "--last", "1");
    assertEquals(0, ok.code(), ok.err());
  }

  @Test
  void anAgentGetsItsCertificateWithItsTokenServesOnlyTheRelayAndTheRelayReadsItOverTls() throws Exception {
    startAgent();
    X509Certificate agentCert = agentCertificate.keys().leaf();
    assertTrue(agentCert.getSubjectAlternativeNames().stream().anyMatch(san -> "127.0.0.1".equals(san.get(1))),
        "the certificate names the address the agent called from, where the relay connects");

    // The relay's certificate opens the agent; an agent's own certificate and no certificate do not.
    List<X509Certificate> ca = Pem.certificates(caCrt());
    assertEquals("node-a", status(TlsCredentials.channel(ca, runtime.identity().keys())));
    assertThrows(StatusRuntimeException.class, () -> status(TlsCredentials.channel(ca, null)));
    assertThrows(StatusRuntimeException.class, () -> status(TlsCredentials.channel(ca, agentCertificate.keys())));
    // A client certificate of the same CA that names someone else (a leaf issued for another purpose).
    CertificateAuthority authority = new CertificateAuthority(ca.get(0), Pem.privateKey(caKey()), Clock.systemUTC());
    KeyPair other = AgentCertificate.newKeyPair();
    X509Certificate stranger = authority.issue(other.getPublic(), "curious-pod", List.of(), List.of(),
        Duration.ofHours(1), CertificateAuthority.Usage.CLIENT);
    assertThrows(StatusRuntimeException.class, () -> status(TlsCredentials.channel(ca,
        new ReloadingKeyManager(other.getPrivate(), List.of(stranger)))));

    // A user reads the agent's flows through the relay, over TLS on both hops.
    agentRing.accept(flow("10.9.0.1"));
    Path caFile = caFile();
    await().atMost(Duration.ofSeconds(20)).until(() -> observe("--server", relay, "--tls-ca-cert-files",
        caFile.toString(), "--tls-server-name", SERVER_NAME, "--last", "5", "-o", "json").out().contains("10.9.0.1"));
  }

  @Test
  void sidecarsReachXdsAndAccessLogsOverTlsOnly() throws Exception {
    // Plaintext, as a sidecar of an older bootstrap would: the handshake fails, no configuration.
    assertThrows(Exception.class, () -> SidecarClient.listenerNames(xds, "cart-0.shop", "cart"));
    // TLS as the injected bootstrap does it: the handshake passes and the identity check answers.
    SidecarClient.credentials = TlsCredentials.channel(Pem.certificates(caCrt()), null);
    SidecarClient.serverName = SERVER_NAME;
    Exception refused = assertThrows(Exception.class, () -> SidecarClient.listenerNames(xds, "cart-0.shop", "cart"));
    assertTrue(String.valueOf(refused.getMessage()).contains("PERMISSION_DENIED")
        && refused.getMessage().contains("names no pod shop/cart-0"), refused.getMessage());
  }

  @Test
  void sidecarsPresentTheirPodsTokenThroughTheTokenExchange() throws Exception {
    String uri = runtime.sidecar().tokenExchangeUri();
    assertTrue(uri.startsWith("https://") && uri.endsWith("/token"), uri);
    int port = java.net.URI.create(uri).getPort();
    String good = "grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange") + "&subject_token="
        + AGENT_TOKEN + "&subject_token_type=" + enc("urn:ietf:params:oauth:token-type:jwt") + "&audience=hybrid-mesh";
    Result exchanged = post(port, good);
    assertEquals(200, exchanged.code(), exchanged.out());
    assertTrue(exchanged.out().contains("\"access_token\":\"" + AGENT_TOKEN + "\"")
        && exchanged.out().contains("\"token_type\":\"Bearer\""), exchanged.out());
    Result wrongGrant = post(port, "grant_type=password&subject_token=x");
    assertEquals(400, wrongGrant.code());
    assertTrue(wrongGrant.out().contains("unsupported_grant_type"), wrongGrant.out());

    // The injected sidecar is told to use it: Google gRPC with sts_service on ADS, the CA as a file for it.
    var injector = new io.hybridmesh.controller.sidecar.SidecarInjector(runtime.sidecar());
    var ads = injector.bootstrap("cart").getDynamicResources().getAdsConfig().getGrpcServices(0);
    assertTrue(ads.hasGoogleGrpc());
    var sts = ads.getGoogleGrpc().getCallCredentials(0).getStsService();
    assertEquals(uri, sts.getTokenExchangeServiceUri());
    assertEquals("/var/run/secrets/hybrid-mesh/token", sts.getSubjectTokenPath());
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A POST to the token exchange on 127.0.0.1, checking the certificate names the controller's Service. */
  private Result post(int port, String form) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {TlsCredentials.trustManager(Pem.certificates(caCrt()))}, null);
    var c = (javax.net.ssl.HttpsURLConnection) java.net.URI.create("https://127.0.0.1:" + port + "/token").toURL()
        .openConnection();
    c.setSSLSocketFactory(ctx.getSocketFactory());
    c.setHostnameVerifier((host, session) -> {
      try {
        return ((X509Certificate) session.getPeerCertificates()[0]).getSubjectAlternativeNames().stream()
            .anyMatch(san -> SERVER_NAME.equals(san.get(1)));
      } catch (Exception e) {
        return false;
      }
    });
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
    c.getOutputStream().write(form.getBytes(StandardCharsets.UTF_8));
    int code = c.getResponseCode();
    var in = code < 400 ? c.getInputStream() : c.getErrorStream();
    return new Result(code, new String(in.readAllBytes(), StandardCharsets.UTF_8), "");
  }

  @Test
  void anotherServiceAccountGetsNoAgentCertificate() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "not-the-agents");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> AgentCertificate.fromController(relay,
        SERVER_NAME, Pem.certificates(caCrt()), token, Duration.ZERO));
    assertTrue(e.getMessage().contains("PERMISSION_DENIED") && e.getMessage().contains("someone-else"),
        e.getMessage());
  }

  @Test
  void certificatesRotateWithoutDroppingAFollower() throws Exception {
    startAgent();
    ManagedChannel ch = Grpc.newChannelBuilder(relay, TlsChannelCredentials.newBuilder()
        .trustManager(TlsCredentials.trustManager(Pem.certificates(caCrt()))).build())
        .overrideAuthority(SERVER_NAME).build();
    try {
      BlockingQueue<String> seen = new LinkedBlockingQueue<>();
      Thread follower = RelayProbes.follow(ch, seen);
      // Until the relay has joined the agent's live stream, a flow may precede it: offer until one arrives.
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        agentRing.accept(flow("10.9.0.1"));
        return "10.9.0.1".equals(seen.poll(500, TimeUnit.MILLISECONDS));
      });
      seen.clear();

      BigInteger before = servedSerial();
      X509Certificate rotated = runtime.identity().rotate();
      assertNotEquals(before, rotated.getSerialNumber());
      assertEquals(rotated.getSerialNumber(), servedSerial(), "new handshakes get the new certificate");

      agentRing.accept(flow("10.9.0.2"));
      String next;
      do {
        next = seen.poll(20, TimeUnit.SECONDS);
      } while ("10.9.0.1".equals(next)); // late copies of the offers above
      assertEquals("10.9.0.2", next, "the follower connected before is still served");
      assertTrue(follower.isAlive());
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** The agent as the DaemonSet runs it: certificate from the controller, Observer API for the relay only. */
  private void startAgent() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), AGENT_TOKEN);
    List<X509Certificate> ca = Pem.certificates(caCrt());
    agentCertificate = AgentCertificate.fromController(relay, SERVER_NAME, ca, token, Duration.ofSeconds(10));
    agent = ObserverServer.tcp("127.0.0.1", agentPort, new ObserverService(agentRing, "node-a"),
        TlsCredentials.mutual(agentCertificate.keys(), ca, TlsNames.RELAY_CLIENT)).start();
  }

  private String status(io.grpc.ChannelCredentials credentials) throws Exception {
    ManagedChannel ch = Grpc.newChannelBuilder("127.0.0.1:" + agentPort, credentials).build();
    try {
      return ObserverGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
          .getNodes(io.hybridmesh.api.observer.v1.GetNodesRequest.getDefaultInstance()).getNodes(0).getName();
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** The serial of the certificate the relay presents to a new connection. */
  private BigInteger servedSerial() throws Exception {
    int port = Integer.parseInt(relay.substring(relay.lastIndexOf(':') + 1));
    return RelayProbes.served(port, Pem.certificates(caCrt()), null).getSerialNumber();
  }

  private static Flow flow(String source) {
    return RelayProbes.flow(source);
  }

  record Result(int code, String out, String err) {}

  private static Result observe(String... args) {
    return run(new ObserveCommand(), args);
  }

  private static Result run(Object command, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    if (command instanceof ObserveCommand c) {
      c.out = o;
      c.err = e;
    } else if (command instanceof ReportCommand c) {
      c.out = o;
      c.err = e;
    }
    CommandLine cl = new CommandLine(command);
    cl.setErr(new java.io.PrintWriter(e, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
