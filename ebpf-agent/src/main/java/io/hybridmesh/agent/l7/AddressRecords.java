package io.hybridmesh.agent.l7;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.api.net.IpAddress;
import io.hybridmesh.api.flow.v1.IP;
import io.hybridmesh.api.flow.v1.IPVersion;
import io.hybridmesh.api.flow.v1.Layer4;
import io.hybridmesh.api.flow.v1.TCP;

/**
 * The IP and L4 parts of L7 flows, built once per connection and direction and shared by the flows of
 * that connection (protobuf messages are immutable): every call on a connection names the same
 * addresses and ports. Direct-mapped and bounded ({@link #SLOTS} connections); used by the event
 * thread only.
 */
final class AddressRecords {

  private static final int SLOTS = 1024;

  private final Entry[] slots = new Entry[SLOTS];

  /** One connection as its local end sees it; index 0 when the local end is the source, 1 when not. */
  static final class Entry {
    private final FlowTuple tuple;
    private final IP[] ip = new IP[2];
    private final Layer4[] l4 = new Layer4[2];

    private Entry(FlowTuple tuple) {
      this.tuple = tuple;
      String localIp = IpAddress.format(tuple.source());
      String remoteIp = IpAddress.format(tuple.destination());
      IPVersion version = tuple.isIpv6() ? IPVersion.IPv6 : IPVersion.IPv4;
      for (int i = 0; i < 2; i++) {
        boolean localIsSource = i == 0;
        ip[i] = IP.newBuilder()
            .setSource(localIsSource ? localIp : remoteIp)
            .setDestination(localIsSource ? remoteIp : localIp)
            .setIpVersion(version)
            .build();
        l4[i] = Layer4.newBuilder().setTcp(TCP.newBuilder()
            .setSourcePort(localIsSource ? tuple.sourcePort() : tuple.destinationPort())
            .setDestinationPort(localIsSource ? tuple.destinationPort() : tuple.sourcePort()))
            .build();
      }
    }

    IP ip(boolean localIsSource) {
      return ip[localIsSource ? 0 : 1];
    }

    Layer4 l4(boolean localIsSource) {
      return l4[localIsSource ? 0 : 1];
    }
  }

  /** The entry for a connection (local to remote), built when no entry for an equal tuple is held. */
  Entry of(FlowTuple t) {
    int h = t.hashCode();
    int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
    Entry e = slots[slot];
    if (e == null || (e.tuple != t && !e.tuple.equals(t))) {
      e = new Entry(t);
      slots[slot] = e;
    }
    return e;
  }
}
