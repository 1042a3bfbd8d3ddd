package io.hybridmesh.agent.l7;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.flow.EndpointResolver;
import io.hybridmesh.agent.flow.PendingFlow;
import io.hybridmesh.agent.http.Header;
import io.hybridmesh.agent.http.HttpEvent;
import io.hybridmesh.agent.http.HttpRequestHead;
import io.hybridmesh.agent.http.HttpResponseHead;
import io.hybridmesh.agent.http.Role;
import io.hybridmesh.agent.testing.Events;
import io.hybridmesh.agent.testing.FixedEndpoints;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.EmitterKind;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.api.flow.v1.TrafficDirection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class L7FlowAssemblerTest {

  private final L7FlowAssembler assembler =
      new L7FlowAssembler("node-a", "1.0", new FixedEndpoints(), FixedEndpoints.IDENTITY_CLOCK);

  /** The client (endpoint 1, 10.1.0.1:40000) talks to the server 10.1.0.2:443. */
  private static final FlowTuple CLIENT_SOCKET =
      new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, Events.CLIENT_IP, Events.SERVER_IP, 40000, 443);

  private static final HttpRequestHead GET = new HttpRequestHead("GET", "/api/items?page=2", "shop.test",
      "HTTP/1.1", List.of(new Header("user-agent", "curl/7.88"), new Header("x-request-id", "r-1"),
          new Header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")), 1_000);

  private static TlsEvent call(boolean write, FlowTuple tuple) {
    return new TlsEvent(write, false, 1, 1_000, 2_000_000_000L, 0xabcL, 42, 100, 4242, 4243, "curl", tuple,
        new byte[0], 0);
  }

  @Test
  void aPlaintextSocketCallMakesTheSameFlowSaidToComeFromTheSocket() {
    TlsEvent socket = new TlsEvent(true, false, 1, 1_000, 2_000_000_000L, 0xffff_8880_1234_5678L, 42, 100, 4242,
        4243, "curl", CLIENT_SOCKET, new byte[0], 0, true, false);
    Flow f = assembler.request(socket, new HttpEvent.RequestSeen(GET, Role.CLIENT)).flow();

    assertEquals(EmitterKind.EBPF_TRACEPOINT, f.getEmitter().getKind());
    assertEquals(ObservationPoint.SOCKET_WRITE, f.getObservationPoint());
    assertFalse(f.hasTls(), "no TLS record for plaintext");
    assertEquals("http://shop.test/api/items?page=2", f.getL7().getHttp().getUrl());
    assertEquals("/api/items", f.getL7().getHttp().getPath());
    assertEquals(Reporter.CLIENT, f.getReporter());
    assertEquals("10.1.0.1", f.getIp().getSource());
    assertEquals(40000, f.getL4().getTcp().getSourcePort());
    assertEquals(4242, f.getSource().getProcess().getPid());

    // The same head read inside TLS right after still says https (the records are kept per kind).
    Flow tls = assembler.request(call(true, CLIENT_SOCKET), new HttpEvent.RequestSeen(GET, Role.CLIENT)).flow();
    assertEquals("https://shop.test/api/items?page=2", tls.getL7().getHttp().getUrl());
    TlsEvent read = new TlsEvent(false, false, 1, 1_000, 2_000_000_000L, 0xffff_8880_1234_5678L, 42, 100, 4242,
        4243, "curl", CLIENT_SOCKET, new byte[0], 0, true, false);
    Flow back = assembler.response(read, new HttpEvent.ResponseSeen(
        new HttpResponseHead(200, "HTTP/1.1", List.of(), 9_000), GET, 8_000, Role.CLIENT)).flow();
    assertEquals(ObservationPoint.SOCKET_READ, back.getObservationPoint());
    assertEquals("http://shop.test/api/items?page=2", back.getL7().getHttp().getUrl());
    assertEquals(200, back.getL7().getHttp().getCode());
  }

  @Test
  void clientRequestGoesFromTheLocalProcessToTheServer() {
    Flow f = assembler.request(call(true, CLIENT_SOCKET), new HttpEvent.RequestSeen(GET, Role.CLIENT)).flow();

    assertEquals(FlowType.L7, f.getType());
    assertEquals(L7FlowType.REQUEST, f.getL7().getType());
    assertEquals(DataPath.EBPF, f.getDataPath());
    assertEquals(EmitterKind.EBPF_UPROBE, f.getEmitter().getKind());
    assertEquals(ObservationPoint.SSL_WRITE, f.getObservationPoint());
    assertEquals(Reporter.CLIENT, f.getReporter());
    assertEquals(TrafficDirection.EGRESS, f.getTrafficDirection());
    assertFalse(f.getIsReply().getValue());
    assertEquals(TlsLibrary.OPENSSL, f.getTls().getLibrary());
    assertEquals("10.1.0.1", f.getIp().getSource());
    assertEquals(40000, f.getL4().getTcp().getSourcePort());
    assertEquals("10.1.0.2", f.getIp().getDestination());
    assertEquals(443, f.getL4().getTcp().getDestinationPort());
    assertEquals("client", f.getSource().getPodName());
    assertEquals(4242, f.getSource().getProcess().getPid());
    assertEquals("curl", f.getSource().getProcess().getComm());
    assertEquals("server", f.getDestination().getPodName());
    assertEquals("GET", f.getL7().getHttp().getMethod());
    assertEquals("/api/items", f.getL7().getHttp().getPath());
    assertEquals("https://shop.test/api/items?page=2", f.getL7().getHttp().getUrl());
    assertEquals("shop.test", f.getL7().getHttp().getHost());
    assertEquals("HTTP/1.1", f.getL7().getHttp().getProtocol());
    assertEquals("curl/7.88", f.getL7().getHttp().getUserAgent());
    assertEquals("r-1", f.getL7().getHttp().getRequestId());
    assertEquals("0af7651916cd43dd8448eb211c80319c", f.getTraceContext().getTraceId());
    assertTrue(f.getTraceContext().getSampled());
    assertEquals(42, f.getCgroupId());
  }

  @Test
  void serverResponseGoesFromTheLocalProcessBackToTheClient() {
    // Seen in the server: its socket is 10.1.0.2:443 -> 10.1.0.1:40000; endpoint 1 is the local end.
    FlowTuple serverSocket =
        new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, Events.SERVER_IP, Events.CLIENT_IP, 443, 40000);
    HttpResponseHead ok = new HttpResponseHead(503, "HTTP/1.1", List.of(), 5_000);
    Flow f = assembler.response(call(true, serverSocket),
        new HttpEvent.ResponseSeen(ok, GET, 4_000, Role.SERVER)).flow();

    assertEquals(L7FlowType.RESPONSE, f.getL7().getType());
    assertEquals(Reporter.SERVER, f.getReporter());
    assertEquals(TrafficDirection.INGRESS, f.getTrafficDirection());
    assertTrue(f.getIsReply().getValue());
    assertEquals("10.1.0.2", f.getIp().getSource());
    assertEquals(443, f.getL4().getTcp().getSourcePort());
    assertEquals("10.1.0.1", f.getIp().getDestination());
    assertEquals(40000, f.getL4().getTcp().getDestinationPort());
    assertEquals(4242, f.getSource().getProcess().getPid(), "the local process answered");
    assertEquals(503, f.getL7().getHttp().getCode());
    assertEquals("GET", f.getL7().getHttp().getMethod(), "responses repeat the request");
    assertEquals("/api/items", f.getL7().getHttp().getPath());
    assertEquals(4_000, f.getL7().getLatencyNs());
    assertFalse(f.getCompleteness().getPartial());
  }

  @Test
  void aResponseWithoutItsRequestIsMarkedPartial() {
    Flow f = assembler.response(call(false, CLIENT_SOCKET), new HttpEvent.ResponseSeen(
        new HttpResponseHead(200, "HTTP/1.0", List.of(), 5), null, 0, Role.CLIENT)).flow();
    assertTrue(f.getCompleteness().getPartial());
    assertEquals("HTTP/1.0", f.getL7().getHttp().getProtocol());
    assertEquals(ObservationPoint.SSL_READ, f.getObservationPoint());
    assertEquals("10.1.0.2", f.getIp().getSource(), "the response comes from the server");
  }

  @Test
  void withoutASocketTheFlowHasNoAddressesButStillItsProcess() {
    Flow f = assembler.request(call(true, null), new HttpEvent.RequestSeen(GET, Role.CLIENT)).flow();
    assertFalse(f.hasIp());
    assertFalse(f.hasL4());
    assertEquals("curl", f.getSource().getProcess().getComm());
    // Said on the flow and counted: a complete request whose connection is unknown.
    assertEquals(L7FlowAssembler.NO_SOCKET, f.getCompleteness().getReason());
    assertFalse(f.getCompleteness().getPartial() || f.getCompleteness().getTruncated());
    assertEquals(1, assembler.flowsWithoutConnection());
    // Added to a reason already there (a response without its request), not instead of it.
    Flow back = assembler.response(call(false, null), new HttpEvent.ResponseSeen(
        new HttpResponseHead(200, "HTTP/1.1", List.of(), 5), null, 0, Role.CLIENT)).flow();
    assertTrue(back.getCompleteness().getPartial());
    assertEquals(L7FlowAssembler.NO_SOCKET, back.getCompleteness().getReason());
    assertEquals(2, assembler.flowsWithoutConnection());
    // A call with its socket says nothing of the kind.
    Flow with = assembler.request(call(true, CLIENT_SOCKET), new HttpEvent.RequestSeen(GET, Role.CLIENT)).flow();
    assertFalse(with.hasCompleteness());
    assertEquals(2, assembler.flowsWithoutConnection());
  }

  @Test
  void theTlsLibraryIsTheOneTheProcesssProbesAreOn() {
    L7FlowAssembler labelled = new L7FlowAssembler("node-a", "1.0", new FixedEndpoints(),
        FixedEndpoints.IDENTITY_CLOCK, pid -> pid == 4242 ? TlsLibrary.BORINGSSL : TlsLibrary.TLS_LIBRARY_UNKNOWN);
    Flow f = labelled.request(call(true, CLIENT_SOCKET), new HttpEvent.RequestSeen(GET, Role.CLIENT)).flow();
    assertEquals(TlsLibrary.BORINGSSL, f.getTls().getLibrary());
    TlsEvent other = new TlsEvent(true, false, 1, 1_000, 2_000_000_000L, 0xabcL, 42, 100, 5555, 5556, "python3",
        CLIENT_SOCKET, new byte[0], 0);
    assertEquals(TlsLibrary.TLS_LIBRARY_UNKNOWN, labelled.request(other, new HttpEvent.RequestSeen(GET,
        Role.CLIENT)).flow().getTls().getLibrary(), "a process whose library is not known is not called OpenSSL");
    TlsEvent go = new TlsEvent(true, false, 1, 1_000, 2_000_000_000L, 0xabcL, 42, 100, 4242, 4243, "server",
        CLIENT_SOCKET, new byte[0], 0, false, true);
    assertEquals(TlsLibrary.GO_CRYPTO_TLS, labelled.request(go, new HttpEvent.RequestSeen(GET, Role.CLIENT))
        .flow().getTls().getLibrary(), "Go's calls are flagged by the kernel");
  }

  @Test
  void aFlowReadLaterSaysWhatWasKnownWhenItHappenedAndIsTheSameFlowForEveryReader() {
    // A resolver whose answers change, as a pod's do when it is replaced: the flow keeps the answer of its time.
    Endpoint[] server = {FixedEndpoints.SERVER};
    EndpointResolver changing = new EndpointResolver() {
      @Override
      public Endpoint local(int endpointId) {
        return FixedEndpoints.CLIENT;
      }

      @Override
      public Endpoint byAddress(byte[] address) {
        return server[0];
      }

      @Override
      public String interfaceName(int endpointId, int ifindex) {
        return null;
      }
    };
    L7FlowAssembler later = new L7FlowAssembler("node-a", "1.0", changing, FixedEndpoints.IDENTITY_CLOCK);
    PendingFlow pending = later.request(call(true, CLIENT_SOCKET), new HttpEvent.RequestSeen(GET, Role.CLIENT));
    server[0] = Endpoint.newBuilder().setPodName("server-replaced").build();

    Flow read = pending.flow();
    assertEquals("server", read.getDestination().getPodName());
    assertSame(read, pending.flow(), "one flow for every reader: the same id and time");
    assertEquals(2_000_000_000L, read.getTime().getSeconds() * 1_000_000_000L + read.getTime().getNanos());
    assertEquals(7, UUID.fromString(read.getUuid()).version());
  }
}
