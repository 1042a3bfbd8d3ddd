package io.hybridmesh.agent.http2;

import static io.hybridmesh.agent.http2.H2Wire.grpcRequest;
import static io.hybridmesh.agent.http2.H2Wire.grpcResponse;
import static io.hybridmesh.agent.http2.H2Wire.request;
import static io.hybridmesh.agent.http2.H2Wire.response;
import static io.hybridmesh.agent.http2.H2Wire.trailers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.http.Direction;
import io.hybridmesh.agent.http2.Http2Event.ExchangeEnded;
import io.hybridmesh.agent.http2.Http2Event.RequestSeen;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Realistic connections for the properties: a seeded mix of HTTP and gRPC exchanges over concurrent
 * streams (CONTINUATION, padding, priority, trailers, streaming, resets, push, pings, unknown frames,
 * a closing GOAWAY), with what each stream really carried, to check that no event ever says otherwise.
 */
final class H2Scripts {

  /** What a stream really carried; grpcStatus -1 when none was sent. */
  record Truth(String method, String path, String authority, int status, int grpcStatus) {}

  record Script(List<H2Wire.Call> calls, Map<Integer, Truth> truth, int streams) {}

  private static final String[] HOSTS = {"api.example.com", "cart.internal:8443", "h"};

  static Script mixed(Direction clientDir, long seed) {
    try {
      return build(clientDir, new Random(seed));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Script build(Direction clientDir, Random rnd) throws Exception {
    H2Wire w = new H2Wire(clientDir, rnd.nextBoolean(), (n, v) -> n.toString().equals("authorization"));
    w.handshake();
    Map<Integer, Truth> truth = new HashMap<>();
    List<int[]> open = new ArrayList<>(); // {stream, kind}
    int next = 1;
    int rounds = 6 + rnd.nextInt(10);
    for (int round = 0; round < rounds; round++) {
      // Open a few streams.
      for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
        int s = next;
        next += 2;
        int kind = rnd.nextInt(6);
        String host = HOSTS[rnd.nextInt(HOSTS.length)];
        switch (kind) {
          case 0, 1 -> {
            String path = "/r/" + rnd.nextInt(8) + (rnd.nextBoolean() ? "?q=" + rnd.nextInt(100) : "");
            String method = rnd.nextBoolean() ? "GET" : "DELETE";
            truth.put(s, new Truth(method, path, host, 200 + 4 * rnd.nextInt(3), -1));
            if (rnd.nextInt(3) == 0) {
              w.client.headersInPieces(s, request(method, path, host).add("authorization", "secret"), true,
                  1 + rnd.nextInt(20));
            } else {
              w.client.headersWithPriority(s, request(method, path, host), rnd.nextInt(40), true);
            }
          }
          case 2 -> {
            String path = "/upload/" + rnd.nextInt(4);
            truth.put(s, new Truth("POST", path, host, 201, -1));
            w.client.headers(s, request("POST", path, host).add("content-type", "application/json"), false)
                .data(s, rnd.nextInt(3000), rnd.nextInt(2) * rnd.nextInt(200), true);
          }
          default -> {
            String path = "/svc.v" + rnd.nextInt(2) + ".Api/Call" + rnd.nextInt(5);
            int status = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(16) : 0;
            truth.put(s, new Truth("POST", path, "svc:50051", 200, status));
            w.client.headers(s, grpcRequest(path), false).data(s, 5 + rnd.nextInt(50), kind != 5);
          }
        }
        open.add(new int[] {s, kind});
      }
      // Noise the reader skips.
      switch (rnd.nextInt(5)) {
        case 0 -> w.client.ping(round);
        case 1 -> w.server.windowUpdate(0, 1 + rnd.nextInt(1 << 16));
        case 2 -> w.client.unknownFrame(0);
        case 3 -> w.server.priority(next, 0);
        default -> {
          // none
        }
      }
      // Answer some of the open streams, in random order.
      for (int k = rnd.nextInt(open.size() + 1); k > 0; k--) {
        int[] o = open.remove(rnd.nextInt(open.size()));
        answer(w, rnd, o[0], o[1], truth.get(o[0]));
      }
    }
    if (rnd.nextBoolean() && !open.isEmpty()) {
      int[] o = open.remove(0);
      w.client.rst(o[0], 0x8);
    }
    // A push, then the rest of the answers, then the server says goodbye.
    if (rnd.nextInt(3) == 0 && !open.isEmpty()) {
      int promised = 2 * (1 + rnd.nextInt(50));
      truth.put(promised, new Truth("GET", "/pushed.css", "h", 200, -1));
      w.server.pushPromise(open.get(0)[0], promised, request("GET", "/pushed.css", "h"));
      w.server.headers(promised, response(200), false).data(promised, 10, true);
    }
    while (!open.isEmpty()) {
      int[] o = open.remove(open.size() - 1);
      answer(w, rnd, o[0], o[1], truth.get(o[0]));
    }
    w.server.goAway(next - 2, 0);
    return new Script(w.done(), truth, (next - 1) / 2);
  }

  private static void answer(H2Wire w, Random rnd, int s, int kind, Truth t) throws Exception {
    if (kind <= 2) {
      if (rnd.nextInt(4) == 0) {
        w.server.headersInPieces(s, response(t.status()), false, 1 + rnd.nextInt(8));
      } else {
        w.server.headers(s, response(t.status()), rnd.nextInt(20), false);
      }
      boolean last = rnd.nextInt(3) == 0;
      w.server.data(s, rnd.nextInt(5000), rnd.nextInt(2) * rnd.nextInt(256), last);
      if (last) {
        return;
      } else if (rnd.nextBoolean()) {
        w.server.headers(s, new DefaultHttp2Headers().add("x-trailer", "t"), true);
      } else {
        w.server.data(s, 0, true);
      }
      return;
    }
    if (t.grpcStatus() > 0 && rnd.nextBoolean()) {
      w.server.headers(s, grpcResponse().add("grpc-status", Integer.toString(t.grpcStatus()))
          .add("grpc-message", "err%20" + s), true); // trailers-only
      if (kind == 5) {
        w.client.rst(s, 0x8); // the client stops sending
      }
      return;
    }
    w.server.headers(s, grpcResponse(), false);
    for (int i = rnd.nextInt(kind == 5 ? 6 : 2); i >= 0; i--) {
      w.server.data(s, 1 + rnd.nextInt(100), false);
      if (kind == 5) {
        w.client.data(s, 1 + rnd.nextInt(30), false);
      }
    }
    if (kind == 5) {
      w.client.data(s, 1, true);
    }
    w.server.headers(s, trailers(t.grpcStatus(), t.grpcStatus() == 0 ? null : "bad"), true);
  }

  /**
   * Every value an event gives is what the stream carried; a missing one comes with a reason. Streams
   * must be real ones: a stream id made up from misread bytes fails here too.
   */
  static void assertNeverWrong(List<Http2Event> events, Map<Integer, Truth> truth) {
    for (Http2Event e : events) {
      if (e instanceof RequestSeen r) {
        check(r.request(), truth);
      } else if (e instanceof ExchangeEnded x) {
        Http2Exchange h = x.exchange();
        Truth t = truth.get(h.streamId());
        assertNotNull(t, () -> "no such stream: " + e);
        if (h.request() != null) {
          check(h.request(), truth);
        }
        Http2Response resp = h.response();
        if (resp != null && resp.status() != 0) {
          assertEquals(t.status(), resp.status(), e::toString);
        } else if (resp != null) {
          assertNotNull(resp.unknown(), e::toString);
        }
        GrpcStatus g = h.grpcStatus();
        if (g != null && (g.source() == GrpcStatus.Source.TRAILERS || g.source() == GrpcStatus.Source.TRAILERS_ONLY)) {
          assertEquals(t.grpcStatus(), g.code(), e::toString);
        }
      }
    }
  }

  private static void check(Http2Request r, Map<Integer, Truth> truth) {
    Truth t = truth.get(r.streamId());
    assertNotNull(t, () -> "no such stream: " + r);
    same(t.method(), r.method(), r);
    same(t.path(), r.path(), r);
    same(t.authority(), r.authority(), r);
  }

  private static void same(String want, String got, Http2Request r) {
    if (got == null) {
      assertNotNull(r.unknown(), () -> "absent without a reason: " + r);
    } else {
      assertEquals(want, got, r::toString);
    }
    assertTrue(got == null || r.unknown() != null || got.equals(want));
  }
}
