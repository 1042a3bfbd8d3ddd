package io.hybridmesh.agent.http2;

import io.hybridmesh.agent.http.Direction;
import io.hybridmesh.agent.http2.Http2Event.ExchangeEnded;
import io.hybridmesh.agent.http2.Http2Event.RequestSeen;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test side: an HTTP/2 client and server made of netty's frame writer and HPACK encoder (Huffman,
 * dynamic table, CONTINUATION past the frame size), recording what each writes as the calls an observed
 * process would make. A peer's frames go out as one call until the other peer writes.
 */
final class H2Wire {

  record Call(Direction dir, byte[] bytes) {}

  final class Peer {
    final Direction dir;
    final DefaultHttp2HeadersEncoder encoder;
    final DefaultHttp2FrameWriter writer;
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = channel.pipeline().firstContext();

    Peer(Direction dir, boolean huffman, Http2HeadersEncoder.SensitivityDetector sensitive) {
      this.dir = dir;
      this.encoder = new DefaultHttp2HeadersEncoder(sensitive, true, 16, huffman ? 0 : Integer.MAX_VALUE);
      this.writer = new DefaultHttp2FrameWriter(encoder);
    }

    Peer headers(int stream, Http2Headers h, int padding, boolean endStream) {
      writer.writeHeaders(ctx, stream, h, padding, endStream, ctx.newPromise());
      return take();
    }

    Peer headers(int stream, Http2Headers h, boolean endStream) {
      return headers(stream, h, 0, endStream);
    }

    /** HEADERS with the PRIORITY flag set. */
    Peer headersWithPriority(int stream, Http2Headers h, int padding, boolean endStream) {
      writer.writeHeaders(ctx, stream, h, 0, (short) 16, false, padding, endStream, ctx.newPromise());
      return take();
    }

    Peer data(int stream, int bytes, int padding, boolean endStream) {
      writer.writeData(ctx, stream, Unpooled.wrappedBuffer(new byte[bytes]), padding, endStream, ctx.newPromise());
      return take();
    }

    Peer data(int stream, int bytes, boolean endStream) {
      return data(stream, bytes, 0, endStream);
    }

    Peer rst(int stream, long code) {
      writer.writeRstStream(ctx, stream, code, ctx.newPromise());
      return take();
    }

    Peer goAway(int lastStream, long code) {
      writer.writeGoAway(ctx, lastStream, code, Unpooled.wrappedBuffer("bye".getBytes(StandardCharsets.US_ASCII)),
          ctx.newPromise());
      return take();
    }

    Peer settings(Http2Settings s) {
      writer.writeSettings(ctx, s, ctx.newPromise());
      return take();
    }

    Peer settingsAck() {
      writer.writeSettingsAck(ctx, ctx.newPromise());
      return take();
    }

    Peer ping(long v) {
      writer.writePing(ctx, false, v, ctx.newPromise());
      return take();
    }

    Peer windowUpdate(int stream, int delta) {
      writer.writeWindowUpdate(ctx, stream, delta, ctx.newPromise());
      return take();
    }

    Peer priority(int stream, int dependsOn) {
      writer.writePriority(ctx, stream, dependsOn, (short) 16, false, ctx.newPromise());
      return take();
    }

    Peer pushPromise(int stream, int promised, Http2Headers h) {
      writer.writePushPromise(ctx, stream, promised, h, 0, ctx.newPromise());
      return take();
    }

    /** A frame of a type HTTP/2 does not define (to be skipped). */
    Peer unknownFrame(int stream) {
      writer.writeFrame(ctx, (byte) 0x42, stream, new Http2Flags((short) 0),
          Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), ctx.newPromise());
      return take();
    }

    /**
     * HEADERS plus CONTINUATION frames of at most {@code fragment} block bytes each, the block encoded by
     * this peer's own encoder (so its dynamic table stays in step with the frame writer's).
     */
    Peer headersInPieces(int stream, Http2Headers h, boolean endStream, int fragment) throws Exception {
      ByteBuf block = Unpooled.buffer();
      encoder.encodeHeaders(stream, h, block);
      byte[] b = new byte[block.readableBytes()];
      block.readBytes(b);
      block.release();
      for (int at = 0; at == 0 || at < b.length; at += fragment) {
        int n = Math.min(fragment, b.length - at);
        boolean last = at + n >= b.length;
        int flags = (last ? 0x4 : 0) | (at == 0 && endStream ? 0x1 : 0);
        raw(at == 0 ? 0x1 : 0x9, flags, stream, b, at, n);
      }
      return this;
    }

    /** A frame written byte by byte (header included) with no checks: for malformed cases. */
    Peer raw(int type, int flags, int stream, byte[] payload, int off, int len) {
      ByteArrayOutputStream o = pending(dir);
      o.write(len >>> 16);
      o.write(len >>> 8);
      o.write(len);
      o.write(type);
      o.write(flags);
      o.write(stream >>> 24);
      o.write(stream >>> 16);
      o.write(stream >>> 8);
      o.write(stream);
      o.write(payload, off, len);
      return this;
    }

    Peer bytes(byte[] b) {
      pending(dir).writeBytes(b);
      return this;
    }

    private Peer take() {
      channel.flushOutbound();
      ByteBuf b;
      while ((b = channel.readOutbound()) != null) {
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        b.release();
        pending(dir).writeBytes(bytes);
      }
      return this;
    }
  }

  final Peer client;
  final Peer server;
  final List<Call> calls = new ArrayList<>();
  private Direction pendingDir;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  /** {@code clientDir}: which direction the client's bytes take for the observed process. */
  H2Wire(Direction clientDir, boolean huffman, Http2HeadersEncoder.SensitivityDetector sensitive) {
    this.client = new Peer(clientDir, huffman, sensitive);
    this.server = new Peer(clientDir.opposite(), huffman, sensitive);
  }

  H2Wire(Direction clientDir) {
    this(clientDir, true, Http2HeadersEncoder.NEVER_SENSITIVE);
  }

  /** The client's preface and SETTINGS, then the server's SETTINGS and both ACKs. */
  H2Wire handshake() {
    client.bytes(Http2Frames.PREFACE).settings(new Http2Settings().maxConcurrentStreams(100));
    server.settings(new Http2Settings().maxConcurrentStreams(100).maxFrameSize(32768));
    client.settingsAck();
    server.settingsAck();
    return this;
  }

  private ByteArrayOutputStream pending(Direction d) {
    if (pendingDir != d) {
      flush();
      pendingDir = d;
    }
    return pending;
  }

  /** Ends the current call. */
  H2Wire flush() {
    if (pending.size() > 0) {
      calls.add(new Call(pendingDir, pending.toByteArray()));
      pending.reset();
    }
    return this;
  }

  List<Call> done() {
    flush();
    return calls;
  }

  static Http2Headers request(String method, String path, String authority) {
    return new DefaultHttp2Headers().method(method).scheme("https").path(path).authority(authority)
        .add("user-agent", "h2wire/1").add("accept", "*/*");
  }

  static Http2Headers grpcRequest(String path) {
    return new DefaultHttp2Headers().method("POST").scheme("http").path(path).authority("svc:50051")
        .add("content-type", "application/grpc").add("te", "trailers").add("grpc-timeout", "1S");
  }

  static Http2Headers response(int status) {
    return new DefaultHttp2Headers().status(Integer.toString(status)).add("content-type", "text/plain")
        .add("server", "h2wire");
  }

  static Http2Headers grpcResponse() {
    return new DefaultHttp2Headers().status("200").add("content-type", "application/grpc");
  }

  static Http2Headers trailers(int grpcStatus, String message) {
    Http2Headers h = new DefaultHttp2Headers().add("grpc-status", Integer.toString(grpcStatus));
    return message == null ? h : h.add("grpc-message", message);
  }

  // --- feeding and reading events ---

  static List<Http2Event> feed(Http2Connection c, List<Call> calls) {
    List<Http2Event> out = new ArrayList<>();
    long ts = 1_000;
    for (Call call : calls) {
      out.addAll(c.onData(call.dir(), call.bytes(), 0, call.bytes().length, call.bytes().length, ts));
      ts += 1_000;
    }
    return out;
  }

  static List<RequestSeen> requests(List<Http2Event> events) {
    List<RequestSeen> r = new ArrayList<>();
    events.forEach(e -> {
      if (e instanceof RequestSeen s) {
        r.add(s);
      }
    });
    return r;
  }

  static List<Http2Exchange> exchanges(List<Http2Event> events) {
    List<Http2Exchange> r = new ArrayList<>();
    events.forEach(e -> {
      if (e instanceof ExchangeEnded x) {
        r.add(x.exchange());
      }
    });
    return r;
  }

  /** An event without its timestamps, for comparing runs fed with different call boundaries. */
  static String shape(Http2Event e) {
    if (e instanceof RequestSeen r) {
      return "REQ " + r.role() + " " + shape(r.request());
    }
    if (e instanceof ExchangeEnded x) {
      Http2Exchange h = x.exchange();
      Http2Response resp = h.response();
      return "END " + x.role() + " " + h.streamId() + " " + (h.request() == null ? "-" : shape(h.request()))
          + " -> " + (resp == null ? "-" : resp.status() + " " + resp.headers() + " " + resp.unknown())
          + " req=" + h.requestBytes() + " resp=" + h.responseBytes() + " " + h.end() + " " + h.errorCode()
          + " grpc=" + h.grpc() + " " + h.grpcStatus() + " " + h.trailersUnknown();
    }
    return e.toString();
  }

  private static String shape(Http2Request r) {
    return r.streamId() + " " + r.method() + " " + r.path() + " " + r.authority() + " " + r.scheme() + " "
        + r.headers() + " " + r.unknown() + " " + r.grpcService() + "/" + r.grpcMethod() + (r.pushed() ? " pushed" : "");
  }
}
