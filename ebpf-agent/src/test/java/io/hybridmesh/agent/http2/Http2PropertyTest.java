package io.hybridmesh.agent.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.http.Direction;
import io.hybridmesh.agent.http2.Http2Event.Unparsed;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties over realistic connections (netty-written, seeded) and over hostile bytes: splitting never
 * changes the outcome; starting anywhere, losing bytes anywhere, never yields a wrong value; and whatever
 * the bytes, nothing throws and the connection's own accounting stays within its bound.
 */
class Http2PropertyTest {

  private static final Http2Limits SMALL = new Http2Limits(512, 4, 256, 6, 64, 32, 2, 16);

  @Property(tries = 150)
  void randomSplitsGiveTheSameEvents(@ForAll long seed, @ForAll boolean clientSends) {
    Direction clientDir = clientSends ? Direction.SENT : Direction.RECEIVED;
    H2Scripts.Script script = H2Scripts.mixed(clientDir, seed);
    List<String> whole = run(script.calls(), null);
    assertTrue(whole.stream().noneMatch(s -> s.startsWith("Unparsed")), whole::toString);
    assertEquals(script.truth().size(), whole.stream().filter(s -> s.startsWith("END")).count(), whole::toString);
    assertEquals(whole, run(script.calls(), new Random(seed)));
  }

  /** Each call cut into pieces of random sizes (single bytes often), fed in order. */
  private static List<String> run(List<H2Wire.Call> calls, Random split) {
    Http2Connection c = new Http2Connection();
    List<String> out = new ArrayList<>();
    long ts = 0;
    for (H2Wire.Call call : calls) {
      byte[] b = call.bytes();
      int p = 0;
      while (p < b.length) {
        int n = split == null ? b.length : 1 + split.nextInt(Math.min(b.length - p, split.nextBoolean() ? 4 : 700));
        byte[] piece = new byte[n + 6];
        System.arraycopy(b, p, piece, 5, n);
        for (Http2Event e : c.onData(call.dir(), piece, 5, n, n, ts++)) {
          out.add(H2Wire.shape(e));
        }
        p += n;
      }
    }
    c.onClose(ts).forEach(e -> out.add(H2Wire.shape(e)));
    return out;
  }

  @Property(tries = 300)
  void startingAnywhereAndLosingBytesNeverGivesWrongValues(@ForAll long seed, @ForAll boolean clientSends,
      @ForAll @IntRange(max = 1000) int startPermille, @ForAll @IntRange(max = 30) int lossPercent,
      @ForAll boolean split) {
    Direction clientDir = clientSends ? Direction.SENT : Direction.RECEIVED;
    H2Scripts.Script script = H2Scripts.mixed(clientDir, seed);
    List<H2Wire.Call> calls = script.calls();
    Random rnd = new Random(seed ^ 0x5eed);
    Http2Connection c = new Http2Connection();
    List<Http2Event> events = new ArrayList<>();
    long ts = 0;
    for (int i = calls.size() * startPermille / 1000; i < calls.size(); i++) {
      byte[] b = calls.get(i).bytes();
      int p = 0;
      while (p < b.length) {
        int n = !split ? b.length - p : 1 + rnd.nextInt(b.length - p);
        int captured = rnd.nextInt(100) < lossPercent ? rnd.nextInt(n + 1) : n;
        events.addAll(c.onData(calls.get(i).dir(), b, p, captured, n, ts++));
        p += n;
        assertTrue(c.retainedBytes() <= Http2Limits.DEFAULT.maxRetainedBytes());
      }
    }
    events.addAll(c.onClose(ts));
    H2Scripts.assertNeverWrong(events, script.truth());
    assertEquals(0, c.drops(Http2Drop.INTERNAL_ERROR));
  }

  @Property(tries = 200)
  void mutatedConnectionsNeverThrowAndStayBounded(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int flips) {
    H2Scripts.Script script = H2Scripts.mixed(Direction.SENT, seed);
    Random rnd = new Random(seed);
    for (Http2Limits limits : new Http2Limits[] {Http2Limits.DEFAULT, SMALL}) {
      Http2Connection c = new Http2Connection(limits);
      long ts = 0;
      for (H2Wire.Call call : script.calls()) {
        byte[] b = call.bytes().clone();
        for (int f = rnd.nextInt(flips + 1); f > 0 && b.length > 0; f--) {
          b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        }
        feedChecked(c, limits, call.dir(), b, ts++);
      }
      c.onClose(ts);
    }
  }

  @Property(tries = 500)
  void randomBytesNeverThrowAndStayBounded(@ForAll("calls") List<byte[]> calls, @ForAll long seed) {
    Random rnd = new Random(seed);
    for (Http2Limits limits : new Http2Limits[] {Http2Limits.DEFAULT, SMALL}) {
      Http2Connection c = new Http2Connection(limits);
      // Half the time a real start, so that the random part is read as frames, not ignored.
      if (rnd.nextBoolean()) {
        feedChecked(c, limits, Direction.SENT, Http2Frames.PREFACE, 0);
      }
      long ts = 1;
      for (byte[] call : calls) {
        feedChecked(c, limits, rnd.nextBoolean() ? Direction.SENT : Direction.RECEIVED, call, ts++);
      }
      c.onClose(ts);
      assertEquals(0, c.openStreams());
    }
  }

  /** Frame headers that are legal (or nearly) with random payloads: deep into every frame type's path. */
  @Property(tries = 500)
  void randomFramesNeverThrowAndStayBounded(@ForAll("frameSoup") List<byte[]> frames, @ForAll long seed) {
    Random rnd = new Random(seed);
    for (Http2Limits limits : new Http2Limits[] {Http2Limits.DEFAULT, SMALL}) {
      Http2Connection c = new Http2Connection(limits);
      feedChecked(c, limits, Direction.SENT, Http2Frames.PREFACE, 0);
      long ts = 1;
      for (byte[] f : frames) {
        Direction d = rnd.nextInt(3) == 0 ? Direction.RECEIVED : Direction.SENT;
        long truth = f.length + (rnd.nextInt(10) == 0 ? rnd.nextInt(20000) : 0);
        List<Http2Event> ev = c.onData(d, f, 0, f.length, truth, ts++);
        check(c, limits, ev);
      }
      c.onClose(ts);
    }
  }

  /**
   * Header blocks built to hurt: huge table size updates, indices out of range, Huffman garbage, integers
   * past 2^31, literal lengths past the block, and endless CONTINUATION.
   */
  @Property(tries = 500)
  void hostileHpackNeverThrowsAndStaysBounded(@ForAll("hostileBlocks") List<byte[]> blocks,
      @ForAll @IntRange(max = 300) int continuations) {
    for (Http2Limits limits : new Http2Limits[] {Http2Limits.DEFAULT, SMALL}) {
      Http2Connection c = new Http2Connection(limits);
      feedChecked(c, limits, Direction.SENT, Http2Frames.PREFACE, 0);
      int stream = 1;
      long ts = 1;
      for (byte[] block : blocks) {
        feedChecked(c, limits, Direction.SENT, frame(1, 0x5, stream, block), ts++);
        feedChecked(c, limits, Direction.RECEIVED, frame(1, 0x4, stream, block), ts++);
        stream += 2;
      }
      // A header block that never ends.
      feedChecked(c, limits, Direction.SENT, frame(1, 0, stream, blocks.isEmpty() ? new byte[0] : blocks.get(0)), ts++);
      for (int i = 0; i < continuations; i++) {
        feedChecked(c, limits, Direction.SENT, frame(9, 0, stream, new byte[i % 3 == 0 ? 0 : 700]), ts++);
      }
      assertTrue(c.retainedBytes() - c.hpackTableBytes() <= limits.maxRetainedBytes());
      c.onClose(ts);
    }
  }

  private static void feedChecked(Http2Connection c, Http2Limits limits, Direction d, byte[] b, long ts) {
    check(c, limits, c.onData(d, b, 0, b.length, b.length, ts));
  }

  private static void check(Http2Connection c, Http2Limits limits, List<Http2Event> events) {
    assertEquals(0, c.drops(Http2Drop.INTERNAL_ERROR), events::toString);
    assertTrue(c.retainedBytes() <= limits.maxRetainedBytes(), () -> c.retainedBytes() + " > " + limits.maxRetainedBytes());
    assertTrue(c.openStreams() <= limits.maxStreams());
    for (Http2Event e : events) {
      if (e instanceof Unparsed u) {
        assertTrue(u.bytes() >= 0);
      }
    }
  }

  static byte[] frame(int type, int flags, int stream, byte[] payload) {
    byte[] f = new byte[9 + payload.length];
    f[0] = (byte) (payload.length >>> 16);
    f[1] = (byte) (payload.length >>> 8);
    f[2] = (byte) payload.length;
    f[3] = (byte) type;
    f[4] = (byte) flags;
    f[5] = (byte) (stream >>> 24);
    f[6] = (byte) (stream >>> 16);
    f[7] = (byte) (stream >>> 8);
    f[8] = (byte) stream;
    System.arraycopy(payload, 0, f, 9, payload.length);
    return f;
  }

  @Provide
  Arbitrary<List<byte[]>> calls() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(300).list().ofMaxSize(30);
  }

  @Provide
  Arbitrary<List<byte[]>> frameSoup() {
    Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(120);
    Arbitrary<byte[]> f = net.jqwik.api.Combinators.combine(
        Arbitraries.integers().between(0, 12), Arbitraries.integers().between(0, 255),
        Arbitraries.integers().between(0, 9), payload)
        .as((type, flags, stream, p) -> frame(type, flags, stream, p));
    return f.list().ofMaxSize(60);
  }

  @Provide
  Arbitrary<List<byte[]>> hostileBlocks() {
    Arbitrary<byte[]> piece = Arbitraries.oneOf(
        // size updates: in range, past the cap, past 2^31
        Arbitraries.of(hex("3fe11f"), hex("3fe1ff03"), hex("3fe1ffffff0f"), hex("3fffffffffffff7f"), hex("20")),
        // indexed: zero, static, dynamic, far out, overflowing
        Arbitraries.of(hex("80"), hex("82"), hex("be"), hex("ff8080808001"), hex("ffffffffffff7f")),
        // literals: huffman garbage, EOS, a length past the block, an empty name
        Arbitraries.of(hex("4085ffffffffff03616263"), hex("0083ffffff"), hex("40ff7f00"), hex("4000 00"),
            hex("10 8a ffff ffff ffff ffff ffff"), hex("44 7f ff ff ff 0f"), hex("4203 616263")),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(40));
    Arbitrary<byte[]> block = piece.list().ofMaxSize(12).map(Http2PropertyTest::concat);
    return block.list().ofMaxSize(20);
  }

  private static byte[] hex(String s) {
    return Http2HpackRfcTest.hex(s);
  }

  private static byte[] concat(List<byte[]> parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @Property(tries = 2000)
  void hpackAloneNeverThrows(@ForAll @Size(max = 200) byte[] block, @ForAll boolean fromStart) {
    HpackDecoder d = new HpackDecoder(SMALL);
    if (fromStart) {
      d.startFromBeginning();
    }
    HeaderBlock out = new HeaderBlock(SMALL);
    for (int i = 0; i < 3; i++) {
      HpackResult r = d.decode(block, 0, block.length, out);
      assertTrue(r != null);
      assertTrue(d.table().size() <= SMALL.maxHpackTableBytes());
      assertTrue(d.table().retainedBytes() <= DynamicTable.maxRetainedBytes(SMALL.maxHpackTableBytes()));
    }
  }
}
