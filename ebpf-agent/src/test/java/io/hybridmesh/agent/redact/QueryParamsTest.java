package io.hybridmesh.agent.redact;

import static io.hybridmesh.agent.redact.Redaction.MARKER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class QueryParamsTest {

  @ParameterizedTest
  @ValueSource(strings = {"token", "TOKEN", "access_token", "id_token", "refresh-token", "accessToken",
      "session", "SESSION", "sessionid", "sessionId", "session_id", "JSESSIONID", "PHPSESSID", "ASP.NET_SessionId",
      "password", "passwd", "pwd", "pass", "user_password", "secret", "client_secret", "key", "api_key", "apikey",
      "apiKey", "APIKey", "api-key", "x-api-key", "auth", "auth_token", "authtoken", "authorization", "signature",
      "sig", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "X-Goog-Signature", "csrftoken",
      "jwt", "sid", "auth[token]", "user[password]", "hmac",
      // encoded as a client may send them, decoded once as the server reads them
      "access%5Ftoken", "%74oken", "api%2Dkey", "Pass%77ord", "session+id"})
  void credentialNames(String name) {
    assertEquals(true, QueryParams.isCredential(name, 0, name.length()), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"q", "page", "category", "monkey", "keyword", "turkey", "author", "passenger",
      "bypass", "tokenizer", "signup", "design", "user", "email", "code", "sort", "keys_count_x", "%zz",
      "", "%", "toke%6", "sessions_total"})
  void ordinaryNames(String name) {
    assertEquals(false, QueryParams.isCredential(name, 0, name.length()), name);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    // the demo's request
    "category=tea&session=s3cr3t|category=tea&session=" + MARKER,
    // repeated parameters: every one
    "token=a&x=1&token=b|token=" + MARKER + "&x=1&token=" + MARKER,
    // no value, an empty value, an empty part: nothing to hide, kept as they are
    "token&session=&&x=1|token&session=&&x=1",
    // a value holding '=' (base64 padding) is hidden whole
    "sig=abc==&x=1|sig=" + MARKER + "&x=1",
    // ';' separates parameters too
    "a=1;password=p;b=2|a=1;password=" + MARKER + ";b=2",
    // encoded names
    "access%5Ftoken=t&api%2Dkey=k|access%5Ftoken=" + MARKER + "&api%2Dkey=" + MARKER,
    // an encoded '&' is part of a value, not a separator
    "q=a%26token%3Dx&k=1|q=a%26token%3Dx&k=1",
    // trailing separator
    "token=t&|token=" + MARKER + "&",
  })
  void credentialValuesOnly(String query, String expected) {
    assertEquals(expected, QueryParams.redact(query, false));
  }

  @Test
  void unchangedQueriesAreTheSameInstance() {
    String q = "category=tea&page=2";
    assertSame(q, QueryParams.redact(q, false));
    String done = "session=" + MARKER;
    assertSame(done, QueryParams.redact(done, false));
    assertSame(done, QueryParams.redact(done, true));
    String noValues = "a&b";
    assertSame(noValues, QueryParams.redact(noValues, true));
  }

  @Test
  void everyValueWhenAsked() {
    assertEquals("a=" + MARKER + "&b=&c&token=" + MARKER, QueryParams.redact("a=1&b=&c&token=t", true));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "/app;jsessionid=ABC123/page|/app;jsessionid=" + MARKER + "/page",
    "/app;jsessionid=ABC123|/app;jsessionid=" + MARKER,
    "/a;v=1;token=t;w=2/b;sid=s|/a;v=1;token=" + MARKER + ";w=2/b;sid=" + MARKER,
    "/a;v=1/b|/a;v=1/b",
    "/a;jsessionid/b|/a;jsessionid/b",
  })
  void pathParameters(String path, String expected) {
    assertEquals(expected, QueryParams.pathParameters(path));
  }
}
