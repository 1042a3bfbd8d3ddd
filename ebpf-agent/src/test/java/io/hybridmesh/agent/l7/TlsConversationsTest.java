package io.hybridmesh.agent.l7;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.http.HttpEvent;
import io.hybridmesh.agent.http.Limits;
import io.hybridmesh.agent.testing.Events;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsConversationsTest {

  private static final FlowTuple A =
      new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, Events.CLIENT_IP, Events.SERVER_IP, 40000, 443);
  private static final FlowTuple B =
      new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, Events.CLIENT_IP, Events.SERVER_IP, 40001, 443);

  private final TlsConversations conversations =
      new TlsConversations(4, Duration.ofSeconds(10), Limits.DEFAULT);

  private static TlsEvent call(int pid, long ssl, FlowTuple t, boolean write, String text, long ns) {
    byte[] data = text.getBytes(StandardCharsets.US_ASCII);
    return new TlsEvent(write, false, 1, ns, ns, ssl, 0, data.length, pid, pid, "c", t, data, data.length);
  }

  @Test
  void pairsARequestWithItsResponseOnOneConnection() {
    assertInstanceOf(HttpEvent.RequestSeen.class, conversations.onEvent(
        call(1, 7, A, true, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 1)).get(0));
    Object r = conversations.onEvent(call(1, 7, A, false, "HTTP/1.1 204 No Content\r\n\r\n", 5)).get(0);
    assertEquals(4, ((HttpEvent.ResponseSeen) r).latencyNs());
  }

  @Test
  void aReadCountsFromWhenItReturnedNotFromWhenItStartedWaiting() {
    conversations.onEvent(call(1, 7, A, true, "GET / HTTP/1.1\r\n\r\n", 100));
    byte[] data = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    // SSL_read entered at 50 (before the request was written) and returned at 180.
    TlsEvent read = new TlsEvent(false, false, 1, 50, 180, 7, 0, data.length, 1, 1, "c", A, data, data.length);
    assertEquals(80, ((HttpEvent.ResponseSeen) conversations.onEvent(read).get(0)).latencyNs());
  }

  @Test
  void anSslPointerReusedByANewConnectionStartsAFreshConversation() {
    conversations.onEvent(call(1, 7, A, true, "GET /half HTTP/1.1\r\nHost: x\r\n", 1)); // never finished
    List<?> events = conversations.onEvent(call(1, 7, B, true, "GET /new HTTP/1.1\r\n\r\n", 2));
    assertEquals("/new", ((HttpEvent.RequestSeen) events.get(0)).request().target());
  }

  @Test
  void theTableIsBoundedAndForgetsIdleConnections() {
    for (long ssl = 1; ssl <= 10; ssl++) {
      conversations.onEvent(call(1, ssl, A, true, "GET / HTTP/1.1\r\n\r\n", ssl));
    }
    assertEquals(4, conversations.size());
    assertEquals(6, conversations.evicted());
    conversations.expire(100_000_000_000L);
    assertEquals(0, conversations.size());
  }

  @Test
  void twoProcessesWithTheSameSslAddressAreTwoConnections() {
    conversations.onEvent(call(1, 7, A, true, "GET /one HTTP/1.1\r\n", 1));
    List<?> events = conversations.onEvent(call(2, 7, A, true, "GET /two HTTP/1.1\r\n\r\n", 2));
    assertEquals("/two", ((HttpEvent.RequestSeen) events.get(0)).request().target());
  }

  @Test
  void aSocketAndAnSslPointerOfTheSameValueAreTwoConnections() {
    byte[] get = "GET /tls HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    conversations.onEvent(new TlsEvent(true, false, 1, 1, 1, 7, 0, get.length, 1, 1, "c", A, get, get.length));
    byte[] plain = "GET /plain HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    List<?> events = conversations.onEvent(
        new TlsEvent(true, false, 1, 2, 2, 7, 0, plain.length, 1, 1, "c", A, plain, plain.length, true, false));
    assertEquals("/plain", ((HttpEvent.RequestSeen) events.get(0)).request().target());
    assertEquals(2, conversations.size());
  }
}
