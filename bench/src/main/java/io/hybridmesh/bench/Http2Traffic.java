package io.hybridmesh.bench;

import io.hybridmesh.agent.http.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An HTTP/2 connection as the observed process's calls carry it, written by netty's frame writer (HPACK
 * with Huffman and its dynamic table): the preface and settings, then rounds of concurrent streams, a mix
 * of gRPC unary calls, gRPC server-streaming calls and plain GETs, with WINDOW_UPDATE and PING between.
 * Each peer's consecutive frames are one call, as a peer flushing its buffered writes would make them.
 */
final class Http2Traffic {

  record Call(Direction dir, byte[] bytes) {}

  private final class Peer {
    final Direction dir;
    final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    final ChannelHandlerContext ctx = channel.pipeline().firstContext();

    Peer(Direction dir) {
      this.dir = dir;
    }

    void take() {
      channel.flushOutbound();
      ByteBuf b;
      while ((b = channel.readOutbound()) != null) {
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        b.release();
        append(dir, bytes);
      }
    }
  }

  private final List<Call> calls = new ArrayList<>();
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private Direction pendingDir;

  private void append(Direction d, byte[] b) {
    if (d != pendingDir && pending.size() > 0) {
      calls.add(new Call(pendingDir, pending.toByteArray()));
      pending.reset();
    }
    pendingDir = d;
    pending.writeBytes(b);
  }

  /**
   * {@code rounds} rounds of {@code concurrent} streams each, answered in random order. The client's
   * bytes are RECEIVED: the observed process is the server.
   */
  static List<Call> connection(int rounds, int concurrent, long seed) {
    Http2Traffic t = new Http2Traffic();
    Random rnd = new Random(seed);
    Peer client = t.new Peer(Direction.RECEIVED);
    Peer server = t.new Peer(Direction.SENT);
    t.append(client.dir, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    client.writer.writeSettings(client.ctx, new Http2Settings().maxConcurrentStreams(100), client.ctx.newPromise());
    client.take();
    server.writer.writeSettings(server.ctx, new Http2Settings().maxConcurrentStreams(100), server.ctx.newPromise());
    server.writer.writeSettingsAck(server.ctx, server.ctx.newPromise());
    server.take();
    client.writer.writeSettingsAck(client.ctx, client.ctx.newPromise());
    client.take();
    int stream = 1;
    for (int r = 0; r < rounds; r++) {
      List<int[]> open = new ArrayList<>();
      for (int i = 0; i < concurrent; i++, stream += 2) {
        int kind = rnd.nextInt(10); // 0-4 unary, 5-6 streaming, 7-9 GET
        if (kind < 7) {
          String path = "/shop.v1." + (kind < 5 ? "Cart/AddItem" : "Catalog/Watch") + (rnd.nextInt(4) == 0 ? "V2" : "");
          client.writer.writeHeaders(client.ctx, stream, new DefaultHttp2Headers().method("POST").scheme("http")
              .path(path).authority("shop:50051").add("content-type", "application/grpc").add("te", "trailers")
              .add("user-agent", "grpc-java-netty/1.6x").add("grpc-timeout", "5S"), 0, false, client.ctx.newPromise());
          client.writer.writeData(client.ctx, stream, Unpooled.wrappedBuffer(new byte[20 + rnd.nextInt(200)]), 0, true,
              client.ctx.newPromise());
        } else {
          client.writer.writeHeaders(client.ctx, stream, new DefaultHttp2Headers().method("GET").scheme("https")
              .path("/api/items/" + rnd.nextInt(1000)).authority("shop.example.com").add("accept", "application/json")
              .add("user-agent", "curl/8"), 0, true, client.ctx.newPromise());
        }
        open.add(new int[] {stream, kind});
      }
      client.writer.writeWindowUpdate(client.ctx, 0, 65535, client.ctx.newPromise());
      client.take();
      while (!open.isEmpty()) {
        int[] o = open.remove(rnd.nextInt(open.size()));
        answer(server, o[0], o[1], rnd);
      }
      if (r % 8 == 0) {
        server.writer.writePing(server.ctx, false, r, server.ctx.newPromise());
      }
      server.take();
    }
    server.writer.writeGoAway(server.ctx, stream - 2, 0, Unpooled.EMPTY_BUFFER, server.ctx.newPromise());
    server.take();
    t.append(null, new byte[0]); // flush the last call
    return t.calls;
  }

  private static void answer(Peer server, int stream, int kind, Random rnd) {
    if (kind >= 7) {
      server.writer.writeHeaders(server.ctx, stream, new DefaultHttp2Headers().status("200")
          .add("content-type", "application/json").add("cache-control", "no-store"), 0, false, server.ctx.newPromise());
      server.writer.writeData(server.ctx, stream, Unpooled.wrappedBuffer(new byte[100 + rnd.nextInt(900)]), 0, true,
          server.ctx.newPromise());
      return;
    }
    server.writer.writeHeaders(server.ctx, stream, new DefaultHttp2Headers().status("200")
        .add("content-type", "application/grpc").add("grpc-encoding", "identity"), 0, false, server.ctx.newPromise());
    for (int i = kind < 5 ? 1 : 5; i > 0; i--) {
      server.writer.writeData(server.ctx, stream, Unpooled.wrappedBuffer(new byte[10 + rnd.nextInt(300)]), 0, false,
          server.ctx.newPromise());
    }
    Http2Headers trailers = new DefaultHttp2Headers().add("grpc-status", rnd.nextInt(20) == 0 ? "5" : "0");
    server.writer.writeHeaders(server.ctx, stream, trailers, 0, true, server.ctx.newPromise());
  }
}
