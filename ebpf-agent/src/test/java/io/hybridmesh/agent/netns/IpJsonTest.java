package io.hybridmesh.agent.netns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpJsonTest {

  private static final String TWO_LINKS = """
      [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP"],"link_type":"loopback",
        "addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},
       {"ifindex":5,"link_index":6,"ifname":"vB","link_type":"ether","address":"52:9a:da:7a:0a:96",
        "addr_info":[{"family":"inet","local":"10.77.0.2","prefixlen":24},
                     {"family":"inet6","local":"fd77::2","prefixlen":64},
                     {"family":"inet6","local":"fe80::509a:daff:fe7a:a96","prefixlen":64}]},
       {"ifindex":9,"ifname":"wg0","link_type":"none","addr_info":[]}]
      """;

  @Test
  void keepsEveryInterfaceButLoopbackWithItsAddresses() {
    List<NetworkInterface> ifs = IpJson.interfaces(TWO_LINKS);
    assertEquals(2, ifs.size());
    NetworkInterface veth = ifs.get(0);
    assertEquals(5, veth.index());
    assertEquals("vB", veth.name());
    assertEquals(14, veth.l2HeaderLength());
    assertEquals(3, veth.addresses().size());
    assertArrayEquals(new byte[] {10, 77, 0, 2}, veth.addresses().get(0));
    assertEquals(16, veth.addresses().get(1).length);
    assertEquals(0, ifs.get(1).l2HeaderLength(), "raw-IP links have no link-layer header");
  }

  @Test
  void garbageIsAClearError() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IpJson.interfaces("Object \"addr\" is unknown"));
    assertEquals(true, e.getMessage().contains("ip -j addr show"));
    assertThrows(IllegalArgumentException.class,
        () -> IpJson.interfaces("[{\"ifindex\":2,\"ifname\":\"x\",\"addr_info\":[{\"local\":\"evil.example\"}]}]"));
  }
}
