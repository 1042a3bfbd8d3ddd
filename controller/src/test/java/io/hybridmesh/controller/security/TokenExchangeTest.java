package io.hybridmesh.controller.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.xds.auth.TokenReview;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TokenExchangeTest {

  private final TokenExchange exchange = new TokenExchange(token -> switch (token) {
    case "sa" -> TokenReview.of("system:serviceaccount:shop:cart", "cart-0");
    case "user" -> TokenReview.of("alice", null);
    default -> TokenReview.refused("signature invalid");
  });

  private static String form(String grant, String token, String type) {
    return "grant_type=" + URLEncoder.encode(grant, StandardCharsets.UTF_8) + "&subject_token="
        + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&subject_token_type="
        + URLEncoder.encode(type, StandardCharsets.UTF_8);
  }

  @Test
  void aServiceAccountTokenTheClusterVouchesForComesBackAsTheBearerToken() {
    TokenExchange.Answer a = exchange.exchange(form(TokenExchange.GRANT_TYPE, "sa", TokenExchange.JWT));
    assertEquals(200, a.status());
    assertEquals("{\"access_token\":\"sa\",\"issued_token_type\":\"" + TokenExchange.ACCESS_TOKEN
        + "\",\"token_type\":\"Bearer\",\"expires_in\":600}", a.json());
  }

  @Test
  void everythingElseIsRefusedWithAnOAuthError() {
    assertEquals(400, exchange.exchange(form("password", "sa", TokenExchange.JWT)).status());
    assertTrue(exchange.exchange(form(TokenExchange.GRANT_TYPE, "forged", TokenExchange.JWT)).json()
        .contains("\"error\":\"invalid_grant\"") );
    assertTrue(exchange.exchange(form(TokenExchange.GRANT_TYPE, "user", TokenExchange.JWT)).json()
        .contains("invalid_grant"), "a person's token is not a sidecar's");
    assertTrue(exchange.exchange(form(TokenExchange.GRANT_TYPE, "sa", "urn:x")).json().contains("invalid_request"));
    assertTrue(exchange.exchange("grant_type=%zz").json().contains("invalid_request"));
    assertTrue(exchange.exchange(form(TokenExchange.GRANT_TYPE, "with\"quote", TokenExchange.JWT)).json()
        .contains("signature invalid"));
  }
}
