package io.hybridmesh.controller.security;

import io.hybridmesh.xds.auth.TokenReview;
import io.hybridmesh.xds.auth.TokenReviewer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The token exchange (RFC 8693) a sidecar's gRPC client calls before its streams to the controller: it sends
 * its pod's projected service-account token and gets back the token to present as {@code authorization:
 * Bearer}. What it gets back is the same token, once the cluster vouches for it: the exchange exists because
 * Envoy can present a token that changes only through it, not to mint a new one; the xDS server and the
 * access-log receiver review the token again on each stream and match it to the pod. Pure: a form in, an
 * HTTP status and a JSON body out.
 */
public final class TokenExchange {

  static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
  static final String JWT = "urn:ietf:params:oauth:token-type:jwt";
  static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
  /** The form is a token and a few names; a larger body is not a token exchange. */
  static final int MAX_BODY_BYTES = 64 * 1024;
  /** gRPC fetches again before this runs out; the kubelet has replaced the file by then if it had to. */
  static final long EXPIRES_IN_SECONDS = 600;

  public record Answer(int status, String json) {}

  private final TokenReviewer reviewer;

  public TokenExchange(TokenReviewer reviewer) {
    this.reviewer = reviewer;
  }

  public Answer exchange(String formBody) {
    Map<String, String> form;
    try {
      form = form(formBody);
    } catch (IllegalArgumentException e) {
      return error(400, "invalid_request", "the body is not application/x-www-form-urlencoded");
    }
    if (!GRANT_TYPE.equals(form.get("grant_type"))) {
      return error(400, "unsupported_grant_type", "grant_type must be " + GRANT_TYPE);
    }
    String token = form.get("subject_token");
    if (token == null || token.isBlank() || !JWT.equals(form.get("subject_token_type"))) {
      return error(400, "invalid_request", "subject_token (a service-account JWT, subject_token_type " + JWT
          + ") is required");
    }
    TokenReview review = reviewer.review(token);
    if (!review.authenticated() || review.username() == null
        || !review.username().startsWith(TokenReview.SERVICE_ACCOUNT_PREFIX)) {
      return error(400, "invalid_grant", "the cluster does not vouch for this service-account token"
          + (review.error() == null ? "" : ": " + review.error()));
    }
    return new Answer(200, "{\"access_token\":\"" + json(token) + "\",\"issued_token_type\":\"" + ACCESS_TOKEN
        + "\",\"token_type\":\"Bearer\",\"expires_in\":" + EXPIRES_IN_SECONDS + "}");
  }

  private static Answer error(int status, String code, String description) {
    return new Answer(status, "{\"error\":\"" + code + "\",\"error_description\":\"" + json(description) + "\"}");
  }

  static Map<String, String> form(String body) {
    Map<String, String> out = new HashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(key, value);
    }
    return out;
  }

  private static String json(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
