package io.hybridmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.hybridmesh.agent.redact.Redaction;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.IP;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import io.hybridmesh.api.tls.ReloadingKeyManager;
import io.hybridmesh.api.tls.TlsCredentials;
import io.hybridmesh.api.tls.TlsNames;
import io.hybridmesh.controller.security.CertificateAuthority;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Observer API of {@code hmesh agent --serve} and {@code hmesh demo}: plaintext unless TLS credentials are
 * given, and the start-up sentence says which, so a loopback user knows anyone on the host may read it.
 */
class FlowOutputsTlsTest {

  @Test
  void withoutCredentialsTheObserverApiIsPlaintextAndSaysSo() throws Exception {
    String serve = "127.0.0.1:" + freePort();
    try (FlowOutputs outputs = FlowOutputs.open(settings(serve, null))) {
      assertTrue(outputs.describe().contains("Observer API on " + serve + " (plaintext, no client authentication)"),
          outputs.describe());
      outputs.sink().accept(flow());
      ManagedChannel ch = ManagedChannelBuilder.forTarget(serve).usePlaintext().build();
      try {
        assertEquals("10.8.0.1", ObserverGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
            .getFlows(GetFlowsRequest.newBuilder().setNumber(1).build()).next().getFlow().getIp().getSource());
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void withCredentialsItSaysOnlyTheRelayMayReadAndPlaintextIsRefused() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(Clock.systemUTC());
    KeyPair pair = CertificateAuthority.newKeyPair();
    var keys = new ReloadingKeyManager(pair.getPrivate(), List.of(ca.issue(pair.getPublic(), "hybrid-mesh-agent",
        List.of(), List.of("127.0.0.1"), Duration.ofHours(1), CertificateAuthority.Usage.SERVER)));
    String serve = "127.0.0.1:" + freePort();
    try (FlowOutputs outputs = FlowOutputs.open(settings(serve,
        TlsCredentials.mutual(keys, List.of(ca.certificate()), TlsNames.RELAY_CLIENT)))) {
      assertTrue(outputs.describe().contains("Observer API on " + serve + " (TLS; only the relay's client "
          + "certificate)"), outputs.describe());
      outputs.sink().accept(flow());
      ManagedChannel ch = ManagedChannelBuilder.forTarget(serve).usePlaintext().build();
      try {
        assertThrows(StatusRuntimeException.class, () -> ObserverGrpc.newBlockingStub(ch)
            .withDeadlineAfter(10, TimeUnit.SECONDS).getFlows(GetFlowsRequest.newBuilder().setNumber(1).build())
            .next());
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static FlowOutputs.Settings settings(String serve, io.grpc.ServerCredentials credentials) {
    return new FlowOutputs.Settings(false, serve, 64, Duration.ofSeconds(30), null, null, new Redaction(null),
        "node-a", List::of, credentials);
  }

  private static Flow flow() {
    return Flow.newBuilder().setNodeName("node-a").setIp(IP.newBuilder().setSource("10.8.0.1")
        .setDestination("10.8.0.2")).setTime(com.google.protobuf.Timestamp.newBuilder()
            .setSeconds(System.currentTimeMillis() / 1000)).build();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
