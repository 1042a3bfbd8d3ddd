package io.hybridmesh.xds.auth;

/**
 * What the cluster said about a token.
 *
 * @param authenticated the API server vouches for it (valid signature, not expired, the right audience)
 * @param username {@code system:serviceaccount:<namespace>:<name>} for a service-account token
 * @param podName the pod a bound token was minted for ({@code authentication.kubernetes.io/pod-name}), or null
 * @param error why it was not authenticated, or null
 */
public record TokenReview(boolean authenticated, String username, String podName, String error) {

  public static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  public static TokenReview refused(String error) {
    return new TokenReview(false, null, null, error);
  }

  public static TokenReview of(String username, String podName) {
    return new TokenReview(true, username, podName, null);
  }

  /** The service-account user name of {@code namespace}/{@code name}. */
  public static String serviceAccountUser(String namespace, String name) {
    return SERVICE_ACCOUNT_PREFIX + namespace + ":" + name;
  }
}
