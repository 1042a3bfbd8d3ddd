package io.hybridmesh.agent.abi;

import io.hybridmesh.api.net.IpAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Addresses and ports of a connection, oriented from its initiator to its responder ({@code struct
 * hm_flow_tuple}). Addresses are raw: 4 bytes for IPv4, 16 for IPv6.
 */
public record FlowTuple(
    int family, int protocol, byte[] source, byte[] destination, int sourcePort, int destinationPort) {

  public boolean isIpv6() {
    return family == HmAbi.AF_INET6;
  }

  /** The same connection seen from its other end. */
  public FlowTuple reversed() {
    return new FlowTuple(family, protocol, destination, source, destinationPort, sourcePort);
  }

  /**
   * Reads a tuple at an absolute offset of a little-endian buffer.
   *
   * <p>This is where the kernel's addresses become the agent's, so it is where they are normalized: an
   * IPv6 socket talking to an IPv4 peer (a server listening on {@code [::]}) has IPv4-mapped addresses on
   * both ends, and the tuple is read as the IPv4 connection it is on the wire. Flows, endpoint lookups
   * and {@code --ip} filters then see {@code 10.0.0.5}, never {@code ::ffff:10.0.0.5}.
   */
  public static FlowTuple read(ByteBuffer buf, int at) {
    int family = buf.get(at + HmAbi.Tuple.FAMILY) & 0xff;
    int addrLen = family == HmAbi.AF_INET6 ? 16 : 4;
    byte[] src = new byte[addrLen];
    byte[] dst = new byte[addrLen];
    buf.get(at + HmAbi.Tuple.SADDR, src);
    buf.get(at + HmAbi.Tuple.DADDR, dst);
    if (family == HmAbi.AF_INET6) {
      byte[] src4 = IpAddress.unmap(src);
      byte[] dst4 = IpAddress.unmap(dst);
      if (src4 != src && dst4 != dst) { // one mapped end alone would make a tuple of two families
        family = HmAbi.AF_INET;
        src = src4;
        dst = dst4;
      }
    }
    return new FlowTuple(
        family,
        buf.get(at + HmAbi.Tuple.PROTO) & 0xff,
        src,
        dst,
        buf.getShort(at + HmAbi.Tuple.SPORT) & 0xffff,
        buf.getShort(at + HmAbi.Tuple.DPORT) & 0xffff);
  }

  /** Writes the tuple at an absolute offset of a little-endian buffer (padding zeroed). */
  public void write(ByteBuffer buf, int at) {
    for (int i = 0; i < HmAbi.Tuple.SIZE; i++) {
      buf.put(at + i, (byte) 0);
    }
    buf.put(at + HmAbi.Tuple.SADDR, source);
    buf.put(at + HmAbi.Tuple.DADDR, destination);
    buf.putShort(at + HmAbi.Tuple.SPORT, (short) sourcePort);
    buf.putShort(at + HmAbi.Tuple.DPORT, (short) destinationPort);
    buf.put(at + HmAbi.Tuple.FAMILY, (byte) family);
    buf.put(at + HmAbi.Tuple.PROTO, (byte) protocol);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlowTuple t
        && family == t.family
        && protocol == t.protocol
        && sourcePort == t.sourcePort
        && destinationPort == t.destinationPort
        && Arrays.equals(source, t.source)
        && Arrays.equals(destination, t.destination);
  }

  @Override
  public int hashCode() {
    int h = family * 31 + protocol;
    h = h * 31 + Arrays.hashCode(source);
    h = h * 31 + Arrays.hashCode(destination);
    return h * 31 + (sourcePort << 16 | destinationPort);
  }

  @Override
  public String toString() {
    return "FlowTuple[" + IpAddress.format(source) + ":" + sourcePort + " -> "
        + IpAddress.format(destination) + ":" + destinationPort + " proto " + protocol + "]";
  }
}
