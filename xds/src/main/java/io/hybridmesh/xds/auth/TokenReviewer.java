package io.hybridmesh.xds.auth;

/**
 * Asks the cluster who a bearer token belongs to (Kubernetes TokenReview with the audience
 * {@value #AUDIENCE}). Called on gRPC threads when a sidecar stream opens; may block for a round trip, so
 * the controller wraps it in {@link CachingTokenReviewer}.
 */
@FunctionalInterface
public interface TokenReviewer {

  /** The audience a sidecar's projected token is minted for, and the only one accepted. */
  String AUDIENCE = io.hybridmesh.api.tls.TlsNames.TOKEN_AUDIENCE;

  TokenReview review(String token);

  /** For the demo and tests without a cluster: every token is refused, with that reason. */
  TokenReviewer NONE = token -> TokenReview.refused("no cluster to review service-account tokens with");
}
