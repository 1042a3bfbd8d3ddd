package io.hybridmesh.agent.redact;

import static io.hybridmesh.agent.redact.Redaction.MARKER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.hybridmesh.agent.redact.RedactionOptions.QueryMode;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.HTTPHeader;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer7;
import org.junit.jupiter.api.Test;

/** Remembering records that needed nothing never lets a record that needs redaction through. */
class RedactionMemoTest {

  private static HTTP http(String url, String... headers) {
    HTTP.Builder h = HTTP.newBuilder().setMethod("GET").setUrl(url).setPath("/x");
    for (int i = 0; i < headers.length; i += 2) {
      h.addHeaders(HTTPHeader.newBuilder().setKey(headers[i]).setValue(headers[i + 1]));
    }
    return h.build();
  }

  private static Flow flow(HTTP http, String uuid) {
    return Flow.newBuilder().setUuid(uuid).setL7(Layer7.newBuilder().setType(L7FlowType.REQUEST).setHttp(http))
        .build();
  }

  @Test
  void aSharedCleanRecordPassesEveryTimeAndASharedSecretOneIsRedactedEveryTime() {
    Redaction r = new Redaction(RedactionOptions.DEFAULT);
    HTTP clean = http("https://h/x?q=1", "accept", "*/*");
    HTTP secret = http("https://u:p@h/x", "authorization", "Bearer t");
    for (int i = 0; i < 3; i++) {
      Flow f = flow(clean, "c" + i);
      assertSame(f, r.apply(f));
      Flow s = flow(secret, "s" + i);
      Flow out = r.apply(s);
      assertNotSame(s, out);
      assertEquals(MARKER, out.getL7().getHttp().getHeaders(0).getValue());
      assertEquals("https://" + MARKER + "@h/x", out.getL7().getHttp().getUrl());
      assertEquals("s" + i, out.getUuid());
    }
  }

  @Test
  void whatIsRememberedDependsOnTheOptionsOfEachRedaction() {
    HTTP query = http("https://h/x?q=abc");
    Flow f = flow(query, "u");
    assertSame(f, new Redaction(RedactionOptions.DEFAULT).apply(f));
    Redaction values = new Redaction(RedactionOptions.DEFAULT.withQuery(QueryMode.VALUES));
    for (int i = 0; i < 2; i++) {
      assertEquals("https://h/x?q=" + MARKER, values.apply(f).getL7().getHttp().getUrl());
    }
  }

  @Test
  void equalButDistinctRecordsAreEachCheckedAndManyRecordsDoNotConfuseTheMemo() {
    Redaction r = new Redaction(RedactionOptions.DEFAULT);
    for (int i = 0; i < 500; i++) {
      HTTP h = i % 2 == 0 ? http("https://h/" + i) : http("https://h/" + i, "cookie", "c=" + i);
      Flow f = flow(h, "u" + i);
      Flow once = r.apply(f);
      Flow twice = r.apply(f);
      if (i % 2 == 0) {
        assertSame(f, once);
        assertSame(f, twice);
      } else {
        assertEquals(MARKER, once.getL7().getHttp().getHeaders(0).getValue());
        assertEquals(once, twice);
      }
    }
  }
}
