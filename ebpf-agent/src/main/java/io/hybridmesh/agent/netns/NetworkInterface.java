package io.hybridmesh.agent.netns;

import java.util.List;

/**
 * An interface inside a network namespace.
 *
 * @param l2HeaderLength bytes before the IP header: 14 on Ethernet-like links (veth), 0 on raw-IP ones
 * @param addresses raw IPv4 (4 bytes) and IPv6 (16 bytes) addresses
 */
public record NetworkInterface(int index, String name, int l2HeaderLength, List<byte[]> addresses) {}
