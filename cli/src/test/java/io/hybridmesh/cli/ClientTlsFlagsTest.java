package io.hybridmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.observer.FlowRing;
import io.hybridmesh.agent.observer.ObserverServer;
import io.hybridmesh.agent.observer.ObserverService;
import io.hybridmesh.agent.observer.RingSink;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.IP;
import io.hybridmesh.api.tls.Pem;
import io.hybridmesh.api.tls.ReloadingKeyManager;
import io.hybridmesh.api.tls.TlsCredentials;
import io.hybridmesh.api.tls.TlsNames;
import io.hybridmesh.controller.security.CertificateAuthority;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hmesh observe}'s client-certificate and insecure flags against real TLS on loopback: an Observer API
 * that accepts the relay's client certificate alone (as an agent's does), one signed by a CA the client was
 * not given, and a plaintext one; each mismatch is one sentence naming the flag.
 */
class ClientTlsFlagsTest {

  @TempDir
  Path dir;
  private final CertificateAuthority ca = CertificateAuthority.create(Clock.systemUTC());
  private final RingSink ring = new RingSink(new FlowRing(64));
  private ObserverServer mutual;
  private ObserverServer plaintext;
  private Path caFile;

  @BeforeEach
  void servers() throws Exception {
    ring.accept(Flow.newBuilder().setNodeName("node-a").setIp(IP.newBuilder().setSource("10.7.0.1")
        .setDestination("10.7.0.2")).setTime(com.google.protobuf.Timestamp.newBuilder()
            .setSeconds(System.currentTimeMillis() / 1000)).build());
    KeyPair serving = CertificateAuthority.newKeyPair();
    X509Certificate servingCert = ca.issue(serving.getPublic(), "hybrid-mesh-agent", List.of(), List.of("127.0.0.1"),
        Duration.ofHours(1), CertificateAuthority.Usage.SERVER);
    mutual = ObserverServer.tcp("127.0.0.1", 0, new ObserverService(ring, "node-a"), TlsCredentials.mutual(
        new ReloadingKeyManager(serving.getPrivate(), List.of(servingCert)), List.of(ca.certificate()),
        TlsNames.RELAY_CLIENT)).start();
    plaintext = ObserverServer.tcp("127.0.0.1", 0, new ObserverService(ring, "node-a")).start();
    caFile = Files.writeString(dir.resolve("ca.crt"), Pem.encode(List.of(ca.certificate())));
  }

  @AfterEach
  void stop() {
    mutual.close();
    plaintext.close();
  }

  @Test
  void theRelaysClientCertificateFilesOpenAnAgentAndWithoutThemTheSentenceNamesTheFlags() throws Exception {
    String agent = "127.0.0.1:" + mutual.port();
    Result none = observe("--server", agent, "--tls-ca-cert-files", caFile.toString(), "--last", "1");
    assertEquals(1, none.code());
    assertOneSentence(none, "--tls-client-cert-file");

    Path[] stranger = clientFiles("curious-pod");
    Result wrongName = observe("--server", agent, "--tls-ca-cert-files", caFile.toString(),
        "--tls-client-cert-file", stranger[0].toString(), "--tls-client-key-file", stranger[1].toString(),
        "--last", "1");
    assertEquals(1, wrongName.code(), "a client certificate of the CA that does not name the relay");
    assertFalse(wrongName.out().contains("10.7.0.1"), wrongName.out());

    Path[] relay = clientFiles(TlsNames.RELAY_CLIENT);
    Result ok = observe("--server", agent, "--tls-ca-cert-files", caFile.toString(),
        "--tls-client-cert-file", relay[0].toString(), "--tls-client-key-file", relay[1].toString(),
        "--last", "1", "-o", "json");
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("10.7.0.1"), ok.out());

    Result half = observe("--server", agent, "--tls-client-cert-file", relay[0].toString(), "--last", "1");
    assertEquals(2, half.code(), half.err());
    assertTrue(half.err().contains("--tls-client-cert-file and --tls-client-key-file go together"), half.err());
  }

  @Test
  void allowInsecureSkipsTheCaCheckThatOtherwiseNamesItsFlag() throws Exception {
    // A server whose CA the client was not given: refused, then read with --tls-allow-insecure.
    String agent = "127.0.0.1:" + mutual.port();
    Path[] relay = clientFiles(TlsNames.RELAY_CLIENT);
    Result untrusted = observe("--server", agent, "--tls", "--tls-client-cert-file", relay[0].toString(),
        "--tls-client-key-file", relay[1].toString(), "--last", "1");
    assertEquals(1, untrusted.code());
    assertOneSentence(untrusted, "--tls-ca-cert-files");
    Result insecure = observe("--server", agent, "--tls-allow-insecure", "--tls-client-cert-file",
        relay[0].toString(), "--tls-client-key-file", relay[1].toString(), "--last", "1", "-o", "json");
    assertEquals(0, insecure.code(), insecure.err());
    assertTrue(insecure.out().contains("10.7.0.1"), insecure.out());
  }

  @Test
  void tlsAgainstAPlaintextPortSaysToDropIt() {
    Result r = observe("--server", "127.0.0.1:" + plaintext.port(), "--tls-ca-cert-files", caFile.toString(),
        "--last", "1");
    assertEquals(1, r.code());
    assertOneSentence(r, "drop --tls");
  }

  private static void assertOneSentence(Result r, String naming) {
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains(naming), r.err());
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
  }

  /** A client certificate of the test CA naming {@code commonName}, written as PEM files: {cert, key}. */
  private Path[] clientFiles(String commonName) throws Exception {
    KeyPair pair = CertificateAuthority.newKeyPair();
    X509Certificate cert = ca.issue(pair.getPublic(), commonName, List.of(), List.of(), Duration.ofHours(1),
        CertificateAuthority.Usage.CLIENT);
    return new Path[] {Files.writeString(dir.resolve(commonName + ".crt"), Pem.encode(List.of(cert))),
        Files.writeString(dir.resolve(commonName + ".key"), Pem.encode(pair.getPrivate()))};
  }

  private record Result(int code, String out, String err) {}

  private static Result observe(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ObserveCommand c = new ObserveCommand();
    c.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    c.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    CommandLine cl = new CommandLine(c);
    cl.setErr(new java.io.PrintWriter(c.err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
