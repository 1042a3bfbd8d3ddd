package io.hybridmesh.agent.http2;

import static io.hybridmesh.agent.http2.Http2HpackRfcTest.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Huffman code derived from the RFC's code lengths, checked against the RFC and against netty. */
class Http2HuffmanTest {

  /** (symbol, code as hex, length) rows of RFC 7541 Appendix B. */
  private static final long[][] RFC_ROWS = {
    {0, 0x1ff8, 13}, {1, 0x7fffd8, 23}, {9, 0xffffea, 24}, {10, 0x3ffffffc, 30}, {13, 0x3ffffffd, 30},
    {22, 0x3ffffffe, 30}, {' ', 0x14, 6}, {'!', 0x3f8, 10}, {'0', 0x0, 5}, {'a', 0x3, 5}, {'z', 0x7b, 7},
    {'~', 0x1ffd, 13}, {'<', 0x7ffc, 15}, {'\\', 0x7fff0, 19}, {127, 0xffffffc, 28}, {128, 0xfffe6, 20},
    {153, 0x1fffdc, 21}, {195, 0x7fff1, 19}, {199, 0x1ffffec, 25}, {203, 0x7ffffde, 27}, {220, 0xffffffd, 28},
    {249, 0xffffffe, 28}, {255, 0x3ffffee, 26}, {256, 0x3fffffff, 30},
  };

  @Test
  void derivedCodesAreTheRfcs() {
    for (long[] row : RFC_ROWS) {
      int sym = (int) row[0];
      assertEquals(row[2], Huffman.LENGTHS[sym], "length of " + sym);
      assertEquals(row[1], Huffman.CODES[sym], "code of " + sym);
    }
  }

  @Test
  void theCodeIsComplete() {
    long kraft = 0;
    for (int s = 0; s <= Huffman.EOS; s++) {
      kraft += 1L << (30 - Huffman.LENGTHS[s]);
    }
    assertEquals(1L << 30, kraft, "a complete prefix code: no bit pattern left over");
  }

  @Test
  void rfcStringsDecode() {
    check("f1e3 c2e5 f23a 6ba0 ab90 f4ff", "www.example.com");
    check("a8eb 1064 9cbf", "no-cache");
    check("25a8 49e9 5ba9 7d7f", "custom-key");
    check("6402", "302");
    check("aec3 771a 4b", "private");
    check("d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff", "Mon, 21 Oct 2013 20:13:21 GMT");
    check("9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3", "https://www.example.com");
    check("", "");
  }

  @Test
  void eosPaddingAndLengthRules() {
    byte[] out = new byte[64];
    // EOS (30 ones) inside the string.
    assertEquals(Huffman.INVALID, decode(hex("ffff ffff"), out, 64));
    // 'a' (00011) then 11 bits of padding: longer than 7.
    assertEquals(Huffman.INVALID, decode(hex("1fff"), out, 64));
    // 'a' then 000: padding that is not the top of EOS.
    assertEquals(Huffman.INVALID, decode(hex("18"), out, 64));
    // 'a' then 111: fine.
    assertEquals(1, decode(hex("1f"), out, 64));
    assertEquals('a', out[0]);
    // One byte of all ones: 8 bits of padding, too long.
    assertEquals(Huffman.INVALID, decode(hex("ff"), out, 64));
    // Longer than allowed: stops, after writing what fits.
    assertEquals(Huffman.TOO_LONG, decode(hex("f1e3 c2e5 f23a 6ba0 ab90 f4ff"), out, 3));
    assertEquals("www", new String(out, 0, 3, StandardCharsets.ISO_8859_1));
  }

  /** Every byte value, each between common letters so that netty chooses Huffman. */
  @Test
  void everySymbolAgreesWithNetty() throws Exception {
    for (int sym = 0; sym < 256; sym++) {
      String value = "abcdefghij" + (char) sym + "klmnopqrst";
      assertEquals(value, roundTrip(value), "symbol " + sym);
    }
  }

  @Test
  void randomStringsAgreeWithNetty() throws Exception {
    Random rnd = new Random(11);
    for (int i = 0; i < 2000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = rnd.nextInt(80);
      for (int j = 0; j < n; j++) {
        sb.append((char) (rnd.nextInt(4) == 0 ? rnd.nextInt(256) : 'a' + rnd.nextInt(26)));
      }
      String v = sb.toString();
      assertEquals(v, roundTrip(v));
    }
  }

  /** Random bytes as a Huffman string never throw and never write past the limit. */
  @Test
  void garbageNeverThrows() {
    Random rnd = new Random(3);
    byte[] out = new byte[40];
    for (int i = 0; i < 20000; i++) {
      byte[] in = new byte[rnd.nextInt(30)];
      rnd.nextBytes(in);
      int n = Huffman.decode(in, 0, in.length, out, 5, 35);
      assertEquals(true, n == Huffman.INVALID || n == Huffman.TOO_LONG || (n >= 0 && n <= 35));
    }
  }

  private static String roundTrip(String value) throws Exception {
    Http2HeadersEncoder enc = new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true, 16, 0);
    Http2Headers h = new DefaultHttp2Headers(false);
    h.add("x-test", value);
    ByteBuf buf = Unpooled.buffer();
    enc.encodeHeaders(1, h, buf);
    byte[] block = new byte[buf.readableBytes()];
    buf.readBytes(block);
    buf.release();
    HpackDecoder d = Http2HpackRfcTest.fresh();
    HeaderBlock b = new HeaderBlock(Http2Limits.DEFAULT);
    b.recordAll();
    assertEquals(HpackResult.OK, d.decode(block, 0, block.length, b));
    return b.all.get(0)[1];
  }

  private static void check(String hex, String want) {
    byte[] out = new byte[128];
    int n = decode(hex(hex), out, out.length);
    assertEquals(want, new String(out, 0, n, StandardCharsets.ISO_8859_1));
  }

  private static int decode(byte[] in, byte[] out, int max) {
    return Huffman.decode(in, 0, in.length, out, 0, max);
  }
}
