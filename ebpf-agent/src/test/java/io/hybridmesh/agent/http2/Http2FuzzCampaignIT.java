package io.hybridmesh.agent.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.fuzz.FuzzCampaign;
import io.hybridmesh.agent.http.Direction;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 at scale: connections of random frames (every type, random flags, stream ids and lengths, lying
 * length fields, padding past the payload, CONTINUATION storms) whose header blocks mix valid HPACK with
 * hostile HPACK (huge table size updates, indices out of range, Huffman garbage, integers past 2^31,
 * literal lengths past the block), fed in random splits with lost bytes, both directions. No exception
 * escapes, and retained memory stays within the limits' bound (HPACK tables included).
 */
class Http2FuzzCampaignIT {

  private static final byte[][] HPACK_PIECES = {
      {(byte) 0x82}, {(byte) 0x84}, {(byte) 0x87}, {(byte) 0x88}, {(byte) 0x8d},          // static indices
      {0x41, 0x04, 'h', 'o', 's', 't'},                                                   // literal, indexed name
      {0x40, 0x01, 'x', 0x01, 'y'},                                                       // literal, new name
      {0x3f, (byte) 0xe1, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},                    // huge size update
      {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},             // index past 2^31
      {(byte) 0xbe},                                                                      // dynamic index 62
      {0x44, (byte) 0x8f, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},             // Huffman garbage
      {0x00, 0x7f, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08},                          // name past block
      {0x20},                                                                             // table size 0
      {0x0f, 0x2f, 0x0c, 'a', 'p', 'p', 'l', 'i', 'c', 'a', 't', 'i', 'o', 'n', '/', 'g'}, // content-type-ish
  };

  @Test
  void hundredThousandHostileConnections() {
    Http2Limits limits = Http2Limits.DEFAULT;
    FuzzCampaign.run("http/2", 100_000, 2_000, r -> {
      Http2Connection c = new Http2Connection(limits);
      long ts = 1;
      for (int call = 0, calls = 1 + r.nextInt(12); call < calls; call++) {
        Direction d = r.nextInt(3) == 0 ? Direction.RECEIVED : Direction.SENT;
        byte[] bytes = frames(r, d, call == 0);
        for (int[] s : FuzzCampaign.splits(r, bytes.length)) {
          long lost = r.nextInt(40) == 0 ? r.nextInt(20_000) : 0;
          c.onData(d, bytes, s[0], s[1], s[1] + lost, ts++);
          assertEquals(0, c.drops(Http2Drop.INTERNAL_ERROR), "an exception escaped the parser");
          assertTrue(c.retainedBytes() <= limits.maxRetainedBytes(),
              () -> c.retainedBytes() + " > " + limits.maxRetainedBytes());
          assertTrue(c.openStreams() <= limits.maxStreams());
        }
      }
      c.onClose(ts);
      assertEquals(0, c.drops(Http2Drop.INTERNAL_ERROR));
    });
  }

  private static byte[] frames(Random r, Direction d, boolean first) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (first && d == Direction.SENT && r.nextInt(8) != 0) {
      out.writeBytes(Http2Frames.PREFACE);
    }
    for (int i = 0, n = 1 + r.nextInt(10); i < n; i++) {
      int type = r.nextInt(12) == 0 ? r.nextInt(256) : r.nextInt(10);
      int flags = r.nextInt(2) == 0 ? r.nextInt(256) : (type == 1 ? 0x4 | (r.nextBoolean() ? 1 : 0) : 0);
      int stream = switch (r.nextInt(5)) {
        case 0 -> 0;
        case 1 -> r.nextInt();
        default -> 1 + 2 * r.nextInt(200);
      };
      byte[] payload = switch (type) {
        case 1, 9 -> headerBlock(r, flags);
        case 4 -> settings(r);
        default -> random(r, r.nextInt(4) == 0 ? r.nextInt(20_000) : r.nextInt(64));
      };
      byte[] f = Http2PropertyTest.frame(type, flags, stream, payload);
      if (r.nextInt(30) == 0) {
        f[0] = (byte) r.nextInt(256); // a length field that lies
      }
      out.writeBytes(f);
    }
    return out.toByteArray();
  }

  private static byte[] headerBlock(Random r, int flags) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    if ((flags & 0x8) != 0) {
      b.write(r.nextInt(256)); // pad length, maybe past the payload
    }
    if ((flags & 0x20) != 0) {
      b.writeBytes(random(r, 5)); // priority
    }
    for (int i = 0, n = r.nextInt(12); i < n; i++) {
      b.writeBytes(r.nextInt(6) == 0 ? random(r, 1 + r.nextInt(40)) : HPACK_PIECES[r.nextInt(HPACK_PIECES.length)]);
    }
    return b.toByteArray();
  }

  private static byte[] settings(Random r) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0, n = r.nextInt(5); i < n; i++) {
      int id = 1 + r.nextInt(8);
      int value = r.nextInt(3) == 0 ? r.nextInt() : r.nextInt(1 << 16);
      b.writeBytes(new byte[] {0, (byte) id, (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8),
          (byte) value});
    }
    if (r.nextInt(10) == 0) {
      b.write(7); // not a multiple of six
    }
    return b.toByteArray();
  }

  private static byte[] random(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}
