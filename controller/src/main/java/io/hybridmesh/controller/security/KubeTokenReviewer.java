package io.hybridmesh.controller.security;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridmesh.xds.auth.TokenReviewer;
import java.util.List;
import java.util.Map;

/**
 * Reviews a bearer token with the API server (a TokenReview, {@code authentication.k8s.io/v1}) for the one
 * audience Hybrid Mesh accepts: a token minted for another audience (the default service-account token,
 * meant for the API server) is refused, so a token stolen from elsewhere cannot be replayed here, and ours
 * cannot be replayed against the API server.
 */
public final class KubeTokenReviewer implements TokenReviewer {

  static final String POD_NAME_EXTRA = "authentication.kubernetes.io/pod-name";

  private final KubernetesClient client;
  private final String audience;

  public KubeTokenReviewer(KubernetesClient client, String audience) {
    this.client = client;
    this.audience = audience;
  }

  public KubeTokenReviewer(KubernetesClient client) {
    this(client, AUDIENCE);
  }

  @Override
  public io.hybridmesh.xds.auth.TokenReview review(String token) {
    TokenReview asked = new TokenReviewBuilder().withNewSpec().withToken(token).withAudiences(audience).endSpec()
        .build();
    TokenReview answer = client.authentication().v1().tokenReviews().create(asked);
    return read(answer.getStatus(), audience);
  }

  /** Pure: what a TokenReview's status says, for {@code audience}. */
  static io.hybridmesh.xds.auth.TokenReview read(TokenReviewStatus status, String audience) {
    if (status == null || !Boolean.TRUE.equals(status.getAuthenticated())) {
      return io.hybridmesh.xds.auth.TokenReview.refused(status == null || status.getError() == null
          ? "not authenticated" : status.getError());
    }
    // An API server that does not support audiences answers without them; then the token was not checked
    // for ours, and is not taken.
    List<String> audiences = status.getAudiences();
    if (audiences == null || !audiences.contains(audience)) {
      return io.hybridmesh.xds.auth.TokenReview.refused("the token is not for the audience '" + audience + "'");
    }
    if (status.getUser() == null || status.getUser().getUsername() == null) {
      return io.hybridmesh.xds.auth.TokenReview.refused("the review named no user");
    }
    Map<String, List<String>> extra = status.getUser().getExtra();
    List<String> pod = extra == null ? null : extra.get(POD_NAME_EXTRA);
    return io.hybridmesh.xds.auth.TokenReview.of(status.getUser().getUsername(),
        pod == null || pod.isEmpty() ? null : pod.get(0));
  }
}
