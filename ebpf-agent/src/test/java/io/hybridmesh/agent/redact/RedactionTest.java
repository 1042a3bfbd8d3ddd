package io.hybridmesh.agent.redact;

import static io.hybridmesh.agent.redact.Redaction.MARKER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.redact.RedactionOptions.QueryMode;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.HTTPHeader;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.LostEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedactionTest {

  private static final Redaction DEFAULT = new Redaction(RedactionOptions.DEFAULT);
  private static final Redaction VALUES = new Redaction(RedactionOptions.DEFAULT.withQuery(QueryMode.VALUES));
  private static final Redaction ALL = new Redaction(RedactionOptions.DEFAULT.withQuery(QueryMode.ALL));

  private static Flow http(String url, String path, String... headers) {
    HTTP.Builder h = HTTP.newBuilder().setMethod("GET").setUrl(url).setPath(path);
    for (int i = 0; i < headers.length; i += 2) {
      h.addHeaders(HTTPHeader.newBuilder().setKey(headers[i]).setValue(headers[i + 1]));
    }
    return Flow.newBuilder().setUuid("u1").setType(FlowType.L7)
        .setL7(Layer7.newBuilder().setType(L7FlowType.REQUEST).setHttp(h)).build();
  }

  private static List<String> headerValues(Flow f) {
    List<String> out = new ArrayList<>();
    f.getL7().getHttp().getHeadersList().forEach(h -> out.add(h.getKey() + "=" + h.getValue()));
    return out;
  }

  @Test
  void secretHeadersAreRedactedWhateverTheirCase() {
    Flow f = http("https://api/x", "/x", "Authorization", "Bearer abc", "COOKIE", "sid=1",
        "set-Cookie", "sid=2; HttpOnly", "Proxy-Authorization", "Basic Zm9v", "accept", "*/*",
        "x-authorization-hint", "not a secret");
    Flow r = DEFAULT.apply(f);
    assertEquals(List.of("Authorization=" + MARKER, "COOKIE=" + MARKER, "set-Cookie=" + MARKER,
        "Proxy-Authorization=" + MARKER, "accept=*/*", "x-authorization-hint=not a secret"), headerValues(r));
    assertEquals("u1", r.getUuid(), "the rest of the flow is kept");
  }

  @Test
  void flowsWithNothingToRedactAreTheSameInstance() {
    Flow f = http("https://api/x?q=1", "/x", "accept", "*/*");
    assertSame(f, DEFAULT.apply(f));
    Flow l4 = Flow.newBuilder().setType(FlowType.L3_L4).build();
    assertSame(l4, ALL.apply(l4));
    Flow done = DEFAULT.apply(http("http://a/", "/", "cookie", "x"));
    assertSame(done, DEFAULT.apply(done), "redacting twice changes nothing");
  }

  @Test
  void userInfoInAbsoluteFormUrlAndPath() {
    // The assembler puts an absolute-form target into both url and path (path without the query).
    Flow f = http("http://user:pass@host:8080/a/b?x=1", "http://user:pass@host:8080/a/b");
    HTTP h = DEFAULT.apply(f).getL7().getHttp();
    assertEquals("http://" + MARKER + "@host:8080/a/b?x=1", h.getUrl());
    assertEquals("http://" + MARKER + "@host:8080/a/b", h.getPath());
  }

  @Test
  void userInfoTrickyCases() {
    // %40 is an encoded '@' inside the user info: the separator is the literal '@'.
    assertEquals("https://" + MARKER + "@example.com/", DEFAULT.target("https://me%40corp.com:p%40ss@example.com/"));
    // An unencoded '@' inside a password (invalid but seen): the last '@' of the authority separates.
    assertEquals("https://" + MARKER + "@h/", DEFAULT.target("https://u:p@ss@h/"));
    // IPv6 hosts keep their brackets and port.
    assertEquals("http://" + MARKER + "@[2001:db8::1]:8443/p", DEFAULT.target("http://u:p@[2001:db8::1]:8443/p"));
    assertEquals("http://[::1]:80/p", DEFAULT.target("http://[::1]:80/p"));
    // A user name alone can be a token.
    assertEquals("https://" + MARKER + "@github.com/o/r.git", DEFAULT.target("https://ghp_token@github.com/o/r.git"));
    // '@' after the authority belongs to the path or the query, not to user info.
    assertEquals("http://h/users/@me?mail=a@b", DEFAULT.target("http://h/users/@me?mail=a@b"));
    // Origin-form targets have no authority.
    assertEquals("/@scope/pkg", DEFAULT.target("/@scope/pkg"));
    // Authority-form (CONNECT) and a scheme-relative target.
    assertEquals(MARKER + "@proxy:443", DEFAULT.target("u:p@proxy:443"));
    assertEquals("//" + MARKER + "@h/p", DEFAULT.target("//u:p@h/p"));
    assertEquals("host:443", DEFAULT.target("host:443"));
    assertEquals("*", DEFAULT.target("*"));
  }

  @Test
  void userInfoCanBeKept() {
    Redaction keep = new Redaction(new RedactionOptions(Set.of("authorization"), false, false, QueryMode.KEEP));
    assertEquals("http://u:p@h/", keep.target("http://u:p@h/"));
  }

  @Test
  void queryKeptByDefault() {
    assertEquals("/search?q=secret&page=2", DEFAULT.target("/search?q=secret&page=2"));
  }

  @Test
  void credentialQueryValuesRedactedByDefault() {
    // What the demo's frontend sends, and the ways the same token travels.
    Flow f = http("http://shop:8080/api/products?category=tea&session=s3cr3t",
        "/api/products?category=tea&session=s3cr3t");
    HTTP h = DEFAULT.apply(f).getL7().getHttp();
    assertEquals("http://shop:8080/api/products?category=tea&session=" + MARKER, h.getUrl());
    assertEquals("/api/products?category=tea&session=" + MARKER, h.getPath());
    assertEquals("/cb?state=x#access_token=" + MARKER + "&expires_in=3600",
        DEFAULT.target("/cb?state=x#access_token=abc&expires_in=3600"), "OAuth implicit grant fragment");
    assertEquals("/cb#plain", DEFAULT.target("/cb#plain"));
    assertEquals("/p?x=1&Token=" + MARKER + "&Token=" + MARKER, DEFAULT.target("/p?x=1&Token=a&Token=b"));
    assertEquals("/app;jsessionid=" + MARKER + "/cart?item=2", DEFAULT.target("/app;jsessionid=F00/cart?item=2"));
    assertEquals("/p?password", DEFAULT.target("/p?password"), "no value: nothing to hide");
    assertEquals("/p#a?token=" + MARKER, DEFAULT.target("/p#a?token=t"), "a '?' in the fragment is fragment");
    Flow done = DEFAULT.apply(f);
    assertSame(done, DEFAULT.apply(done), "redacting twice changes nothing");
  }

  @Test
  void credentialValuesGoWithTheOtherModesAndOnlyNoRedactKeepsThem() {
    assertEquals("/s?q=" + MARKER + "&token=" + MARKER, VALUES.target("/s?q=1&token=t"));
    assertEquals("/s", ALL.target("/s?token=t"));
    assertEquals("/s;jsessionid=" + MARKER, ALL.target("/s;jsessionid=x?token=t"));
    Redaction none = new Redaction(RedactionOptions.NONE);
    assertEquals("/s?token=t", none.target("/s?token=t"));
    assertEquals("/s?q=" + MARKER + "&token=" + MARKER,
        new Redaction(RedactionOptions.NONE.withQuery(QueryMode.VALUES)).target("/s?q=1&token=t"));
    assertTrue(new RedactionOptions(Set.of(), false, true, QueryMode.KEEP).isOff() == false);
  }

  @Test
  void queryValuesStrippedKeysKept() {
    assertEquals("/s?q=" + MARKER + "&page=" + MARKER, VALUES.target("/s?q=secret&page=2"));
    assertEquals("/s?debug&empty=&k=" + MARKER, VALUES.target("/s?debug&empty=&k=v"));
    assertEquals("/s?a=" + MARKER + "&&b=" + MARKER, VALUES.target("/s?a=1&&b=2"), "empty parts kept");
    assertEquals("/s?k=" + MARKER, VALUES.target("/s?k=a=b"), "a value may hold '='");
  }

  @Test
  void wholeQueryDropped() {
    assertEquals("/s", ALL.target("/s?q=secret"));
    assertEquals("https://" + MARKER + "@h/s", ALL.target("https://u:p@h/s?token=abc#frag"));
  }

  @Test
  void emptyQueryAndNoQuery() {
    assertEquals("/s?", VALUES.target("/s?"));
    assertEquals("/s", ALL.target("/s?"));
    assertEquals("/s", ALL.target("/s"));
    String plain = "/plain/path";
    assertSame(plain, ALL.target(plain));
    assertEquals("", ALL.target(""));
  }

  @Test
  void questionMarkInsideTheFragmentIsNotAQuery() {
    assertEquals("/p#a?b=c", DEFAULT.target("/p#a?b=c"));
    assertEquals("/p#" + MARKER, VALUES.target("/p#a?b=c"), "the fragment is replaced whole");
    assertEquals("/p", ALL.target("/p#a?b=c"));
    assertEquals("/p?x=" + MARKER + "#" + MARKER, VALUES.target("/p?x=1#access_token=t"));
    assertEquals("/p?x=" + MARKER + "#", VALUES.target("/p?x=1#"));
  }

  @Test
  void extraHeadersAndNoneAtAll() {
    Redaction custom = new Redaction(new RedactionOptions(Set.of("X-Api-Key ", "authorization"), true,
        true, QueryMode.KEEP));
    Flow r = custom.apply(http("/", "/", "x-api-key", "k", "cookie", "c"));
    assertEquals(List.of("x-api-key=" + MARKER, "cookie=c"), headerValues(r));
    Flow f = http("http://u:p@h/?q=1", "/", "authorization", "a");
    assertSame(f, new Redaction(RedactionOptions.NONE).apply(f));
    assertTrue(RedactionOptions.NONE.isOff());
  }

  @Test
  void badOptionsAreClearErrors() {
    assertThrows(IllegalArgumentException.class, () -> new RedactionOptions(Set.of(" "), true, true, QueryMode.KEEP));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QueryMode.parse("some"));
    assertTrue(e.getMessage().contains("keep, values or all"), e.getMessage());
    assertEquals(QueryMode.VALUES, QueryMode.parse("Values"));
  }

  @Test
  void sinkRedactsBeforeTheNextSinkAndPassesLostEvents() {
    List<Object> seen = new ArrayList<>();
    RedactingSink sink = new RedactingSink(DEFAULT, new io.hybridmesh.agent.flow.FlowSink() {
      @Override
      public void accept(Flow flow) {
        seen.add(flow);
      }

      @Override
      public void lost(LostEvent lost) {
        seen.add(lost);
      }
    });
    sink.accept(http("/", "/", "Cookie", "secret"));
    sink.lost(LostEvent.newBuilder().setNumEventsLost(3).build());
    assertEquals(List.of("Cookie=" + MARKER), headerValues((Flow) seen.get(0)));
    assertEquals(3, ((LostEvent) seen.get(1)).getNumEventsLost());
  }
}
