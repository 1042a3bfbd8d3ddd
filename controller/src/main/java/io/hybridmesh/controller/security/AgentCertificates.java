package io.hybridmesh.controller.security;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.hybridmesh.api.ca.v1.CertificateAuthorityGrpc;
import io.hybridmesh.api.ca.v1.IssueCertificateRequest;
import io.hybridmesh.api.ca.v1.IssueCertificateResponse;
import io.hybridmesh.api.net.IpAddress;
import io.hybridmesh.api.tls.Pem;
import io.hybridmesh.xds.auth.CallerContext;
import io.hybridmesh.xds.auth.TokenReview;
import io.hybridmesh.xds.auth.TokenReviewer;
import com.google.protobuf.Timestamp;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.List;

/**
 * Issues each agent the certificate its Observer API serves with. The caller proves it is an agent with its
 * projected service-account token (audience hybrid-mesh), reviewed with the API server; the certificate
 * names the address the call came from, the agent pod's own, which is where the relay connects. The agent
 * keeps its private key: only the public key travels.
 */
public final class AgentCertificates extends CertificateAuthorityGrpc.CertificateAuthorityImplBase {

  /** The common name of agents' certificates. */
  public static final String AGENT_NAME = "hybrid-mesh-agent";

  private final CertificateAuthority ca;
  private final TokenReviewer reviewer;
  private final String agentUser;
  private final Duration lifetime;

  /** @param agentUser {@code system:serviceaccount:<namespace>:<agent service account>} */
  public AgentCertificates(CertificateAuthority ca, TokenReviewer reviewer, String agentUser, Duration lifetime) {
    this.ca = ca;
    this.reviewer = reviewer;
    this.agentUser = agentUser;
    this.lifetime = lifetime;
  }

  @Override
  public void issueCertificate(IssueCertificateRequest request, StreamObserver<IssueCertificateResponse> out) {
    CallerContext.Caller caller = CallerContext.current();
    if (caller.token() == null) {
      out.onError(Status.UNAUTHENTICATED.withDescription("present the agent's service-account token (audience "
          + TokenReviewer.AUDIENCE + ") as 'authorization: Bearer'").asRuntimeException());
      return;
    }
    TokenReview review = reviewer.review(caller.token());
    if (!review.authenticated()) {
      out.onError(Status.UNAUTHENTICATED.withDescription("the token was not accepted by the cluster"
          + (review.error() == null ? "" : ": " + review.error())).asRuntimeException());
      return;
    }
    if (!agentUser.equals(review.username())) {
      out.onError(Status.PERMISSION_DENIED.withDescription(review.username() + " is not the agents' service account "
          + agentUser + "; only agents get certificates here").asRuntimeException());
      return;
    }
    if (caller.peer() == null) {
      out.onError(Status.PERMISSION_DENIED.withDescription("the caller's address is unknown").asRuntimeException());
      return;
    }
    PublicKey key;
    try {
      key = publicKey(request.getPublicKey().toByteArray());
    } catch (GeneralSecurityException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("public_key is not a DER SubjectPublicKeyInfo of an EC or "
          + "RSA key").asRuntimeException());
      return;
    }
    String ip = IpAddress.of(IpAddress.unmap(caller.peer().getAddress())).toString();
    X509Certificate cert = ca.issue(key, AGENT_NAME, List.of(), List.of(ip), lifetime,
        CertificateAuthority.Usage.SERVER);
    out.onNext(IssueCertificateResponse.newBuilder()
        .setCertificatePem(Pem.encode(List.of(cert)))
        .setCaPem(Pem.encode(List.of(ca.certificate())))
        .setNotAfter(Timestamp.newBuilder().setSeconds(cert.getNotAfter().toInstant().getEpochSecond()))
        .build());
    out.onCompleted();
  }

  private static PublicKey publicKey(byte[] der) throws GeneralSecurityException {
    X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
    try {
      return KeyFactory.getInstance("EC").generatePublic(spec);
    } catch (GeneralSecurityException e) {
      return KeyFactory.getInstance("RSA").generatePublic(spec);
    }
  }
}
