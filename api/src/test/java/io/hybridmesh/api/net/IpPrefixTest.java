package io.hybridmesh.api.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpPrefixTest {

  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/8, 10.200.3.4, true",
    "10.0.0.0/8, 11.0.0.1, false",
    "10.0.0.0/8, ::ffff:10.0.0.5, true",
    "10.0.0.5, 10.0.0.5, true",
    "10.0.0.5, 10.0.0.6, false",
    "::ffff:10.0.0.5, 10.0.0.5, true",
    "::ffff:10.0.0.0/104, 10.9.9.9, true",
    "::ffff:10.0.0.0/104, 11.0.0.1, false",
    "0.0.0.0/0, 1.2.3.4, true",
    "0.0.0.0/0, ::1, false",
    "fd00::/8, fd31::2, true",
    "fd00::/8, fe80::1, false",
    "::/0, fd31::2, true",
    "::/0, 10.0.0.1, false",
    "2001:db8::/32, 2001:db8:ffff::1, true",
    "2001:db8::1/128, 2001:db8::1, true",
    "2001:db8::1/128, 2001:db8::2, false",
    "2001:db8::/127, 2001:db8::1, true",
    "10.0.0.0/8, '', false",
    "10.0.0.0/8, not-an-ip, false",
  })
  void contains(String range, String address, boolean inside) {
    assertEquals(inside, IpPrefix.parse(range).contains(address));
  }

  @Test
  void hostBitsAreIgnoredAndWrittenCanonically() {
    IpPrefix p = IpPrefix.parse(" 10.1.2.3/8 ");
    assertEquals("10.0.0.0/8", p.toString());
    assertEquals(8, p.bits());
    assertEquals("fd00::/16", IpPrefix.parse("fd00:1::/16").toString());
    assertEquals("10.0.0.5/32", IpPrefix.parse("10.0.0.5").toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "10.0.0.0/33|invalid prefix length (0..32)",
    "fd00::/129|invalid prefix length (0..128)",
    "10.0.0.0/|invalid prefix length",
    "10.0.0.0/-1|invalid prefix length",
    "10.0.0.0/8/8|invalid prefix length",
    "10.0.0.0/ 8|invalid prefix length",
    "10.0.0.0/0008|invalid prefix length",
    "ten/8|is not an IP address or CIDR range: only digits and dots",
    "10.0.0.300/8|'300' is above 255",
  })
  void badRangesAreRefusedWithTheReason(String text, String reason) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse(text));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
  }

  @Test
  void familiesNeverMatchEachOther() {
    assertFalse(IpPrefix.parse("::/0").contains(IpAddress.parse("0.0.0.0")));
    assertTrue(IpPrefix.parse("::/0").contains(IpAddress.parse("::")));
  }
}
