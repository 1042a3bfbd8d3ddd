package io.hybridmesh.agent.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class IpAddressesTest {

  @ParameterizedTest
  @CsvSource({
    "10.0.0.1, 10.0.0.1",
    "255.255.255.255, 255.255.255.255",
    "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "0:0:0:0:0:0:0:0, ::",
    "0:0:0:0:0:0:0:1, ::1",
    "fe80:0:0:0:509a:daff:fe7a:a96, fe80::509a:daff:fe7a:a96",
    "1:0:0:0:0:0:0:0, 1::",
    "::ffff:10.0.0.1, ::ffff:10.0.0.1",
  })
  void formatsLikeRfc5952(String literal, String expected) throws Exception {
    byte[] raw = InetAddress.getByName(literal).getAddress();
    if (raw.length == 4 && literal.startsWith("::ffff:")) {
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(raw, 0, mapped, 12, 4);
      raw = mapped;
    }
    assertEquals(expected, IpAddresses.format(raw));
  }

  @Test
  void rejectsOddLengths() {
    assertThrows(IllegalArgumentException.class, () -> IpAddresses.format(new byte[5]));
  }
}
