package io.hybridmesh.agent.l7;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.http.Header;
import io.hybridmesh.agent.http.HttpEvent;
import io.hybridmesh.agent.http.HttpRequestHead;
import io.hybridmesh.agent.http.HttpResponseHead;
import io.hybridmesh.agent.http.Role;
import io.hybridmesh.agent.testing.Events;
import io.hybridmesh.agent.testing.FixedEndpoints;
import io.hybridmesh.api.flow.v1.Flow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parts shared between flows (HTTP records, addresses) are exactly what each flow would get built alone. */
class SharedRecordsTest {

  private static final FlowTuple SOCKET =
      new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, Events.CLIENT_IP, Events.SERVER_IP, 40000, 443);

  private static TlsEvent call(boolean write, FlowTuple tuple) {
    return new TlsEvent(write, false, 1, 1_000, 2_000_000_000L, 0xabcL, 42, 100, 4242, 4243, "curl", tuple,
        new byte[0], 0);
  }

  private static HttpRequestHead get(String target, String requestId, long startNs) {
    return new HttpRequestHead("GET", new String(target), "shop.test", "HTTP/1.1",
        List.of(new Header("user-agent", "curl/7.88"), new Header("x-request-id", requestId),
            new Header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")), startNs);
  }

  private static Flow request(L7FlowAssembler a, HttpRequestHead h) {
    return a.request(call(true, SOCKET), new HttpEvent.RequestSeen(h, Role.CLIENT)).flow();
  }

  private static Flow response(L7FlowAssembler a, HttpRequestHead h, int status, String protocol) {
    return a.response(call(false, SOCKET), new HttpEvent.ResponseSeen(
        new HttpResponseHead(status, protocol, List.of(), 9_000), h, 8_000, Role.CLIENT)).flow();
  }

  private static L7FlowAssembler assembler() {
    return new L7FlowAssembler("node-a", "1.0", new FixedEndpoints(), FixedEndpoints.IDENTITY_CLOCK);
  }

  /** A flow without what differs per call (uuid, time), for comparing. */
  private static Flow content(Flow f) {
    return f.toBuilder().clearUuid().clearTime().build();
  }

  @Test
  void equalHeadsShareOneRecordAndDifferentHeadsGetTheirOwn() {
    L7FlowAssembler shared = assembler();
    HttpRequestHead first = get("/items?page=2", "r-1", 1);
    Flow a = request(shared, first);
    Flow b = request(shared, new HttpRequestHead(first.method(), first.target(), first.host(), first.protocol(),
        first.headers(), 5));
    assertSame(a.getL7().getHttp(), b.getL7().getHttp());
    assertSame(a.getTraceContext(), b.getTraceContext());
    assertEquals(content(a), content(request(assembler(), first)), "as built alone");

    Flow other = request(shared, get("/items?page=2", "r-2", 7));
    assertEquals("r-2", other.getL7().getHttp().getRequestId());
    Flow path = request(shared, get("/items?page=3", "r-1", 8));
    assertEquals("/items", path.getL7().getHttp().getPath());
    assertEquals("https://shop.test/items?page=3", path.getL7().getHttp().getUrl());
    assertEquals(content(path), content(request(assembler(), get("/items?page=3", "r-1", 8))));
  }

  @Test
  void responsesCarryTheirOwnStatusOnTheSharedRequestRecord() {
    L7FlowAssembler a = assembler();
    HttpRequestHead h = get("/x", "r-1", 1);
    Flow ok = response(a, h, 200, "HTTP/1.1");
    Flow again = response(a, h, 200, "HTTP/1.1");
    Flow missing = response(a, h, 404, "HTTP/1.1");
    Flow back = response(a, h, 200, "HTTP/1.1");
    assertEquals(200, ok.getL7().getHttp().getCode());
    assertSame(ok.getL7().getHttp(), again.getL7().getHttp());
    assertEquals(404, missing.getL7().getHttp().getCode());
    assertEquals("GET", missing.getL7().getHttp().getMethod());
    assertEquals(200, back.getL7().getHttp().getCode());
    for (Flow f : List.of(ok, missing, back)) {
      int code = f.getL7().getHttp().getCode();
      assertEquals(content(f), content(response(assembler(), h, code, "HTTP/1.1")), "as built alone");
      assertEquals(8_000, f.getL7().getLatencyNs());
      assertTrue(f.hasTraceContext());
    }
    HttpRequestHead noProtocol = new HttpRequestHead("GET", "/y", null, "", List.of(), 1);
    assertEquals("HTTP/1.0", response(a, noProtocol, 200, "HTTP/1.0").getL7().getHttp().getProtocol(),
        "a request without a protocol takes the response's");
    assertEquals("HTTP/1.1", response(a, noProtocol, 200, "HTTP/1.1").getL7().getHttp().getProtocol());
  }

  @Test
  void addressesFollowEachConnectionAndDirection() {
    L7FlowAssembler a = assembler();
    Flow out = request(a, get("/", "r", 1));
    Flow back = response(a, get("/", "r", 1), 200, "HTTP/1.1");
    assertEquals("10.1.0.1", out.getIp().getSource());
    assertEquals("10.1.0.1", back.getIp().getDestination());
    assertEquals(40000, out.getL4().getTcp().getSourcePort());
    assertEquals(40000, back.getL4().getTcp().getDestinationPort());
    FlowTuple otherPort =
        new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, Events.CLIENT_IP, Events.SERVER_IP, 40001, 443);
    Flow other = a.request(call(true, otherPort), new HttpEvent.RequestSeen(get("/", "r", 1), Role.CLIENT)).flow();
    assertEquals(40001, other.getL4().getTcp().getSourcePort());
    assertNotEquals(out.getL4(), other.getL4());
    assertSame(out.getIp(), request(a, get("/", "r", 2)).getIp(), "one record per connection and direction");
    assertFalse(out.getIsReply().getValue());
    assertTrue(back.getIsReply().getValue());
  }
}
