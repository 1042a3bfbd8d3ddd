package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.TcSettings;
import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.jni.NativeBpf;
import io.hybridmesh.jni.testing.KernelTest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad packets on a watched interface: truncated and malformed headers written raw with AF_PACKET, IP
 * options, fragments, long IPv6 extension chains. The programs must count them, never misreport them,
 * and keep tracking good traffic.
 */
@KernelTest
class MalformedPacketsKernelIT {

  private TwoHosts hosts;
  private StandaloneAgent agent;
  private CollectingSink sink;

  @BeforeEach
  void setUp() throws IOException {
    hosts = new TwoHosts();
    sink = new CollectingSink(0);
    agent = new StandaloneAgent(NativeBpf.load(),
        new StandaloneOptions(List.of(hosts.client.name(), hosts.server.name()), "n",
            new TcSettings(1 << 20, 4096, Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(2)),
            Duration.ofSeconds(1), false), sink);
    agent.start();
  }

  @AfterEach
  void tearDown() {
    agent.close();
    hosts.close();
  }

  @Test
  void truncatedAndMalformedHeadersAreCountedNotReported() {
    String mac = hosts.server.exec("cat", "/sys/class/net/eth0/address").trim();
    // Raw Ethernet frames out of the client's eth0: every one is broken somewhere.
    hosts.client.exec(Duration.ofSeconds(20), "python3", "-c", """
        import socket, struct
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind(("eth0", 0))
        dst = bytes.fromhex("%s".replace(":", ""))
        eth4 = dst + b"\\x02\\x00\\x00\\x00\\x00\\x01" + b"\\x08\\x00"
        eth6 = dst + b"\\x02\\x00\\x00\\x00\\x00\\x01" + b"\\x86\\xdd"
        src, dstip = socket.inet_aton("10.231.0.1"), socket.inet_aton("10.231.0.2")
        def ip4(ihl, proto, payload, total=None):
            total = total or 4 * ihl + len(payload)
            hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, 1, 0, 64, proto, 0, src, dstip)
            return hdr + b"\\x01" * (4 * ihl - 20) + payload
        frames = [
            eth4 + b"\\x45\\x00",                                  # IPv4 header cut after 2 bytes
            eth4 + ip4(15, 6, b"")[:30],                           # IHL says 60 bytes, 30 arrive
            eth4 + ip4(5, 6, b"\\x12\\x34"),                       # TCP header cut after 2 bytes
            eth4 + ip4(5, 6, struct.pack("!HHIIBBHHH", 1, 2, 0, 0, 0x20, 0x02, 0, 0, 0)),  # doff 2
            eth4 + b"\\x55" + b"\\x00" * 30,                       # version 5
            eth6 + b"\\x60\\x00\\x00\\x00\\x00\\x08\\x00\\x40",    # IPv6 header cut after 8 bytes
            eth6 + b"\\x60" + b"\\x00" * 5 + b"\\x00\\x40" + b"\\x00" * 32 + b"\\x2c\\x00",  # hop-by-hop cut
            dst + b"\\x02\\x00\\x00\\x00\\x00\\x01" + b"\\x88\\xb5" + b"junk" * 10,      # not IP
        ]
        for f in frames * 5:
            s.send(f)
        """.formatted(mac));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertTrue(agent.counters().get("truncated packets") >= 35, agent.counters()::toString);
    });
    assertTrue(sink.flows(f -> f.getL4().hasTcp() && f.getL4().getTcp().getDestinationPort() == 2)
        .isEmpty(), "a TCP header with a bad offset is not a connection");

    // Good traffic is still tracked afterwards.
    hosts.startUdpEcho();
    hosts.udpExchange(10);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        !sink.flows(udpTo(9053).and(state(ConnectionState.TIMED_OUT))).isEmpty());
  }

  @Test
  void ipOptionsAndFragmentsKeepTheirPorts() {
    hosts.startUdpEcho();
    // 4000 bytes over a 1500-byte MTU: three fragments, only the first carries the UDP header.
    hosts.client.exec(Duration.ofSeconds(20), "python3", "-c", """
        import socket
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        s.bind(("0.0.0.0", 40054))
        s.sendto(b"f" * 4000, ("10.231.0.2", 9053)); s.recvfrom(65535)
        o = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        o.settimeout(5)
        o.bind(("0.0.0.0", 40055))
        # a record-route option: the IPv4 header grows to 32 bytes
        o.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, bytes([7, 11, 4]) + bytes(8) + bytes([0]))
        o.sendto(b"o" * 100, ("10.231.0.2", 9053)); o.recvfrom(65535)
        """);

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      Flow fragmented = only(sink.flows(udpFrom(40054).and(state(ConnectionState.TIMED_OUT))
          .and(f -> f.getReporter() == io.hybridmesh.api.flow.v1.Reporter.CLIENT)));
      // The first fragment is attributed with its ports; the others are counted apart.
      assertEquals(1, fragmented.getConnection().getToDestination().getPackets());
      Flow withOptions = only(sink.flows(udpFrom(40055).and(state(ConnectionState.TIMED_OUT))
          .and(f -> f.getReporter() == io.hybridmesh.api.flow.v1.Reporter.CLIENT)));
      assertEquals(9053, withOptions.getL4().getUdp().getDestinationPort());
      assertEquals(100, withOptions.getConnection().getToDestination().getPayloadBytes());
      assertEquals(100 + 32 + 8, withOptions.getConnection().getToDestination().getBytes());
    });
    assertTrue(agent.counters().get("non-first fragments") >= 2, agent.counters()::toString);
  }

  private static Predicate<Flow> udpTo(int port) {
    return f -> f.getL4().getUdp().getDestinationPort() == port;
  }

  private static Predicate<Flow> udpFrom(int port) {
    return f -> f.getL4().hasUdp() && f.getL4().getUdp().getSourcePort() == port;
  }

  private static Predicate<Flow> state(ConnectionState s) {
    return f -> f.getConnection().getState() == s;
  }

  private static Flow only(List<Flow> flows) {
    assertEquals(1, flows.size(), () -> "expected one flow, got " + flows);
    return flows.get(0);
  }
}
