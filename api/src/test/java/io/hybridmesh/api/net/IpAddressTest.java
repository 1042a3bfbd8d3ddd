package io.hybridmesh.api.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

  @ParameterizedTest
  @CsvSource({
    "10.0.0.5, 10.0.0.5",
    "0.0.0.0, 0.0.0.0",
    "255.255.255.255, 255.255.255.255",
    "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
    "2001:DB8::2:1, 2001:db8::2:1",
    "2001:0db8:0000:0001:0001:0001:0001:0001, 2001:db8:0:1:1:1:1:1",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "::, ::",
    "::1, ::1",
    "1::, 1::",
    "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
    "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
    "fe80::509a:daff:fe7a:a96, fe80::509a:daff:fe7a:a96",
    "::ffff:10.0.0.5, ::ffff:10.0.0.5",
    "::FFFF:a00:5, ::ffff:10.0.0.5",
    "0:0:0:0:0:ffff:10.0.0.5, ::ffff:10.0.0.5",
    "64:ff9b::10.0.0.5, 64:ff9b::a00:5",
    "fe80::1%eth0, fe80::1%eth0",
    "fe80::1%2, fe80::1%2",
  })
  void parsesAndWritesBackCanonically(String literal, String canonical) {
    assertEquals(canonical, IpAddress.parse(literal).toString());
  }

  @Test
  void rawBytesRoundTrip() {
    IpAddress v4 = IpAddress.parse("192.168.1.20");
    assertArrayEquals(new byte[] {(byte) 192, (byte) 168, 1, 20}, v4.bytes());
    assertEquals(v4, IpAddress.of(v4.bytes()));
    IpAddress v6 = IpAddress.parse("fd31::2");
    assertEquals(16, v6.bytes().length);
    assertEquals(v6, IpAddress.of(v6.bytes()));
    assertEquals("fd31::2", IpAddress.format(v6.bytes()));
    assertEquals("192.168.1.20", IpAddress.format(v4.bytes()));
    assertThrows(IllegalArgumentException.class, () -> IpAddress.format(new byte[5]));
  }

  @Test
  void mappedAddressesUnmapToTheIpv4AddressUsersKnow() {
    IpAddress mapped = IpAddress.parse("::ffff:10.0.0.5");
    assertTrue(mapped.isV6());
    assertTrue(mapped.isV4Mapped());
    assertEquals(IpAddress.parse("10.0.0.5"), mapped.unmapped());
    assertFalse(mapped.unmapped().isV6());

    IpAddress plain = IpAddress.parse("fd00::5");
    assertSame(plain, plain.unmapped());
    assertFalse(IpAddress.parse("::10.0.0.5").isV4Mapped(), "IPv4-compatible is not mapped");
    assertFalse(IpAddress.parse("64:ff9b::10.0.0.5").isV4Mapped(), "NAT64 is a real IPv6 address");

    byte[] raw = mapped.bytes();
    assertArrayEquals(new byte[] {10, 0, 0, 5}, IpAddress.unmap(raw));
    byte[] v6 = plain.bytes();
    assertSame(v6, IpAddress.unmap(v6));
    byte[] v4 = {10, 0, 0, 5};
    assertSame(v4, IpAddress.unmap(v4));
  }

  @ParameterizedTest
  @CsvSource({
    "::ffff:10.0.0.5, 10.0.0.5",
    "::FFFF:10.0.0.5, 10.0.0.5",
    "0:0:0:0:0:ffff:a00:5, 10.0.0.5",
    "10.0.0.5, 10.0.0.5",
    "FD00:0::5, fd00::5",
    "/run/envoy.sock, /run/envoy.sock",
    "not:an:address, not:an:address",
  })
  void normalizeGivesTheTextFlowsCarry(String in, String out) {
    assertEquals(out, IpAddress.normalize(in));
  }

  @Test
  void normalizeLeavesNothingAsNothing() {
    assertEquals("", IpAddress.normalize(""));
    assertNull(IpAddress.normalize(null));
  }

  @Test
  void loopbackAndUnspecifiedInEveryForm() {
    for (String s : new String[] {"127.0.0.1", "127.0.0.6", "::1", "::ffff:127.0.0.1"}) {
      assertTrue(IpAddress.parse(s).isLoopback(), s);
    }
    for (String s : new String[] {"0.0.0.0", "::", "::ffff:0.0.0.0"}) {
      assertTrue(IpAddress.parse(s).isUnspecified(), s);
    }
    assertFalse(IpAddress.parse("10.0.0.1").isLoopback());
    assertFalse(IpAddress.parse("::2").isLoopback());
  }

  @Test
  void zoneIdsAreKeptApartFromTheAddress() {
    IpAddress a = IpAddress.parse("fe80::1%eth0");
    assertEquals("eth0", a.zone());
    assertEquals(16, a.bytes().length);
    assertFalse(a.equals(IpAddress.parse("fe80::1")), "a zone makes it another address");
    assertTrue(IpPrefix.parse("fe80::/64").contains(a), "ranges ignore the zone");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "''|it is empty",
    "example.com|a name is never looked up",
    "localhost|a name is never looked up",
    "10.0.0|has 3",
    "10.0.0.0.1|has more",
    "10.0.0.256|'256' is above 255",
    "10.0.0.1234|'1234' is above 255",
    "010.0.0.1|leading zero",
    "10..0.1|missing between dots",
    "10.0.0.|missing between dots",
    "'10.0.0.1 '|cannot appear",
    "' 10.0.0.1'|cannot appear",
    "167772161|'167772161' is above 255",
    "[::1]|without the brackets",
    "1:2:3:4:5:6:7:8:9|at most eight groups",
    "1:2:3:4:5:6:7|this has 7",
    "1::2::3|only once",
    ":::1|':::' is not allowed",
    ":1::2|single ':'",
    "1::2:|single ':'",
    "12345::1|more than four hex digits",
    "fe80::g|'g' is not a hex digit",
    "1:2:3:4:5:6:7::8|all eight are written",
    "::ffff:10.0.0.256|'256' is above 255",
    "1:2:3:4:5:6:7:10.0.0.1|room for six groups",
    "::ffff:10.0.0.5:1|':' cannot appear",
    "fe80::1%|zone id after '%' is empty",
    "fe80::1%eth 0|zone id 'eth 0'",
    "::１|'１' is not a hex digit",
  })
  void garbageIsRefusedWithTheReason(String text, String reason) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
    assertTrue(e.getMessage().startsWith("'" + text + "' is not an IP address: "), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertNull(IpAddress.parseOrNull(text));
    assertFalse(IpAddress.isLiteral(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "1.2.3.4", "::", "::1", "1::", "fe80::1%lo", "::ffff:1.2.3.4",
      "1:2:3:4:5:6:1.2.3.4", "abcd:ef01:2345:6789:abcd:ef01:2345:6789"})
  void formattedTextParsesToTheSameAddress(String literal) {
    IpAddress a = IpAddress.parse(literal);
    assertEquals(a, IpAddress.parse(a.toString()));
  }

  @Test
  void hostAndPortKeepIpv6InBrackets() {
    assertEquals("10.0.0.5:80", IpAddress.withPort("10.0.0.5", 80));
    assertEquals("[fd00::4]:8080", IpAddress.withPort("fd00::4", 8080));
    assertEquals("catalog.shop:80", IpAddress.withPort("catalog.shop", 80));
  }

  @Test
  void aNullIsRefusedToo() {
    assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(null));
    assertNull(IpAddress.parseOrNull(null));
  }
}
