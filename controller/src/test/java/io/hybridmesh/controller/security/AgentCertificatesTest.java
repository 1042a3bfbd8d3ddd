package io.hybridmesh.controller.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.hybridmesh.api.ca.v1.CertificateAuthorityGrpc;
import io.hybridmesh.api.ca.v1.IssueCertificateRequest;
import io.hybridmesh.xds.auth.CallerContext;
import io.hybridmesh.xds.auth.TokenReview;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who gets an agent certificate: a caller with the agents' reviewed service-account token and an address, no
 * one else. Each refusal says what was missing.
 */
class AgentCertificatesTest {

  private static final String AGENTS = "system:serviceaccount:hybrid-mesh:hybrid-mesh-agent";

  private final String name = "agent-certs-" + UUID.randomUUID();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    // A fake cluster: "agent" is the agents' account, "pod" another one, anything else is rejected.
    server = InProcessServerBuilder.forName(name).addService(new AgentCertificates(
        CertificateAuthority.create(Clock.systemUTC()), token -> switch (token) {
          case "agent" -> new TokenReview(true, AGENTS, null, null);
          case "pod" -> new TokenReview(true, "system:serviceaccount:shop:cart", "cart-1", null);
          default -> new TokenReview(false, null, null, "token expired");
        }, AGENTS, Duration.ofHours(1))).intercept(CallerContext.interceptor()).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private StatusRuntimeException refusal(String token) throws Exception {
    var stub = CertificateAuthorityGrpc.newBlockingStub(channel);
    if (token != null) {
      Metadata m = new Metadata();
      m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
    }
    byte[] key = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic().getEncoded();
    var request = IssueCertificateRequest.newBuilder().setPublicKey(ByteString.copyFrom(key)).build();
    var finalStub = stub;
    return assertThrows(StatusRuntimeException.class, () -> finalStub.issueCertificate(request));
  }

  @Test
  void noTokenIsAskedForOne() throws Exception {
    StatusRuntimeException e = refusal(null);
    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("present the agent's service-account token"),
        e.getStatus().getDescription());
  }

  @Test
  void aTokenTheClusterRejectsSaysWhy() throws Exception {
    StatusRuntimeException e = refusal("stale");
    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("token expired"), e.getStatus().getDescription());
  }

  @Test
  void anotherAccountIsNotAnAgent() throws Exception {
    StatusRuntimeException e = refusal("pod");
    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("system:serviceaccount:shop:cart is not the agents'"),
        e.getStatus().getDescription());
  }

  @Test
  void anAgentWithoutAnAddressGetsNothingToNameInItsCertificate() throws Exception {
    // In process there is no peer address: the certificate could not name where the relay connects.
    StatusRuntimeException e = refusal("agent");
    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("address is unknown"), e.getStatus().getDescription());
  }
}
