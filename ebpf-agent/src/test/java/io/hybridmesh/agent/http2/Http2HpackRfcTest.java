package io.hybridmesh.agent.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 7541 Appendix C: the examples' header blocks (transcribed from the RFC) decode to the RFC's header
 * lists, leaving the RFC's dynamic tables and sizes. C.5 and C.6 run with a 256-byte table, set here by
 * a dynamic table size update in front of the first block (the RFC sets it by SETTINGS).
 */
class Http2HpackRfcTest {

  /** "3f e1 01": size update to 256 (31 + 225). */
  private static final String TABLE_256 = "3fe101";

  @Test
  void c2LiteralAndIndexedFields() {
    HpackDecoder d = fresh();
    decode(d, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572",
        "custom-key: custom-header");
    assertTable(d, 55, "custom-key: custom-header");

    d = fresh();
    decode(d, "040c 2f73 616d 706c 652f 7061 7468", ":path: /sample/path");
    assertTable(d, 0);

    d = fresh();
    decode(d, "1008 7061 7373 776f 7264 0673 6563 7265 74", "password: secret");
    assertTable(d, 0);

    d = fresh();
    decode(d, "82", ":method: GET");
    assertTable(d, 0);
  }

  @Test
  void c3RequestsWithoutHuffman() {
    requests("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "8286 84be 5808 6e6f 2d63 6163 6865",
        "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65");
  }

  @Test
  void c4RequestsWithHuffman() {
    requests("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
        "8286 84be 5886 a8eb 1064 9cbf",
        "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf");
  }

  private static void requests(String first, String second, String third) {
    HpackDecoder d = fresh();
    HeaderBlock b = decode(d, first, ":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com");
    assertEquals("GET", b.get(KeptNames.METHOD));
    assertEquals("/", b.get(KeptNames.PATH));
    assertEquals("www.example.com", b.get(KeptNames.AUTHORITY));
    assertEquals("http", b.get(KeptNames.SCHEME));
    assertTable(d, 57, ":authority: www.example.com");

    b = decode(d, second, ":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com",
        "cache-control: no-cache");
    assertEquals("www.example.com", b.get(KeptNames.AUTHORITY)); // from the dynamic table now
    assertTable(d, 110, "cache-control: no-cache", ":authority: www.example.com");

    b = decode(d, third, ":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com",
        "custom-key: custom-value");
    assertEquals("/index.html", b.get(KeptNames.PATH));
    assertTable(d, 164, "custom-key: custom-value", "cache-control: no-cache", ":authority: www.example.com");
  }

  @Test
  void c5ResponsesWithoutHuffman() {
    responses(TABLE_256 + """
        4803 3330 3258 0770 7269 7661 7465 611d
        4d6f 6e2c 2032 3120 4f63 7420 3230 3133
        2032 303a 3133 3a32 3120 474d 546e 1768
        7474 7073 3a2f 2f77 7777 2e65 7861 6d70
        6c65 2e63 6f6d""",
        "4803 3330 37c1 c0bf",
        """
        88c1 611d 4d6f 6e2c 2032 3120 4f63 7420
        3230 3133 2032 303a 3133 3a32 3220 474d
        54c0 5a04 677a 6970 7738 666f 6f3d 4153
        444a 4b48 514b 425a 584f 5157 454f 5049
        5541 5851 5745 4f49 553b 206d 6178 2d61
        6765 3d33 3630 303b 2076 6572 7369 6f6e
        3d31""");
  }

  @Test
  void c6ResponsesWithHuffman() {
    responses(TABLE_256 + """
        4882 6402 5885 aec3 771a 4b61 96d0 7abe
        9410 54d4 44a8 2005 9504 0b81 66e0 82a6
        2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8
        e9ae 82ae 43d3""",
        "4883 640e ffc1 c0bf",
        """
        88c1 6196 d07a be94 1054 d444 a820 0595
        040b 8166 e084 a62d 1bff c05a 839b d9ab
        77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b
        3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
        9587 3160 65c0 03ed 4ee5 b106 3d50 07""");
  }

  private static void responses(String first, String second, String third) {
    HpackDecoder d = fresh();
    HeaderBlock b = decode(d, first, ":status: 302", "cache-control: private",
        "date: Mon, 21 Oct 2013 20:13:21 GMT", "location: https://www.example.com");
    assertEquals("302", b.get(KeptNames.STATUS));
    assertTable(d, 222, "location: https://www.example.com", "date: Mon, 21 Oct 2013 20:13:21 GMT",
        "cache-control: private", ":status: 302");
    assertTrue(d.exact(), "a size update within what the peer allows keeps the table exact");

    b = decode(d, second, ":status: 307", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT",
        "location: https://www.example.com");
    assertEquals("307", b.get(KeptNames.STATUS));
    assertTable(d, 222, ":status: 307", "location: https://www.example.com",
        "date: Mon, 21 Oct 2013 20:13:21 GMT", "cache-control: private");

    decode(d, third, ":status: 200", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:22 GMT",
        "location: https://www.example.com", "content-encoding: gzip",
        "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1");
    assertTable(d, 215, "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
        "content-encoding: gzip", "date: Mon, 21 Oct 2013 20:13:22 GMT");
  }

  // --- helpers ---

  static HpackDecoder fresh() {
    HpackDecoder d = new HpackDecoder(Http2Limits.DEFAULT);
    d.startFromBeginning();
    return d;
  }

  static byte[] hex(String s) {
    String h = s.replaceAll("\\s", "");
    byte[] b = new byte[h.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  private static HeaderBlock decode(HpackDecoder d, String hex, String... expected) {
    HeaderBlock b = new HeaderBlock(Http2Limits.DEFAULT);
    b.recordAll();
    byte[] bytes = hex(hex);
    HpackResult r = d.decode(bytes, 0, bytes.length, b);
    assertEquals(HpackResult.OK, r);
    List<String> got = new ArrayList<>();
    for (String[] f : b.all) {
      got.add(f[0] + ": " + f[1]);
    }
    assertEquals(List.of(expected), got);
    return b;
  }

  private static void assertTable(HpackDecoder d, long size, String... entries) {
    DynamicTable t = d.table();
    assertEquals(size, t.size(), "table size");
    List<String> got = new ArrayList<>();
    for (int i = 0; i < t.count(); i++) {
      DynamicTable.Entry e = t.get(i);
      got.add(new String(e.name, java.nio.charset.StandardCharsets.ISO_8859_1) + ": "
          + new String(e.value, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    assertEquals(List.of(entries), got);
  }
}
