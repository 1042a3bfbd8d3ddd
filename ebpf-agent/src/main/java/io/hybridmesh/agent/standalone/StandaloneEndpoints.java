package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.flow.EndpointResolver;
import io.hybridmesh.agent.netns.NetworkInterface;
import io.hybridmesh.api.flow.v1.Endpoint;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Endpoints of standalone mode: each watched network namespace is an endpoint whose pod name is the
 * namespace's name unless an identity was given for it, known by the addresses of its interfaces.
 * Peers that are not watched (a workload on another data path) can be named by address. Updated by
 * the agent's rescans, read by the event thread.
 */
public final class StandaloneEndpoints implements EndpointResolver {

  private final Map<Integer, Endpoint> byId = new ConcurrentHashMap<>();
  private final Map<ByteBuffer, Endpoint> byAddress = new ConcurrentHashMap<>();
  private final Map<Long, String> interfaceNames = new ConcurrentHashMap<>();
  private final Map<ByteBuffer, Endpoint> peers = new ConcurrentHashMap<>();
  private final Map<String, Endpoint> identities;

  public StandaloneEndpoints() {
    this(Map.of());
  }

  /** @param identities endpoint identity by network namespace name */
  public StandaloneEndpoints(Map<String, Endpoint> identities) {
    this.identities = Map.copyOf(identities);
  }

  /** Records (or refreshes) a namespace and the interfaces it has now. */
  public void update(int endpointId, String namespaceName, List<NetworkInterface> interfaces) {
    Endpoint endpoint = byId.computeIfAbsent(endpointId, id -> identities.getOrDefault(namespaceName,
        Endpoint.newBuilder().setPodName(namespaceName).addLabels("netns:name=" + namespaceName).build()));
    byAddress.values().removeIf(e -> e == endpoint);
    interfaceNames.keySet().removeIf(k -> (int) (k >>> 32) == endpointId);
    for (NetworkInterface i : interfaces) {
      interfaceNames.put(key(endpointId, i.index()), i.name());
      for (byte[] a : i.addresses()) {
        byAddress.put(ByteBuffer.wrap(a.clone()), endpoint);
      }
    }
  }

  @Override
  public Endpoint local(int endpointId) {
    return byId.get(endpointId);
  }

  /** Names an endpoint that is not watched, by one of its addresses. */
  public void addPeer(byte[] address, Endpoint endpoint) {
    peers.put(ByteBuffer.wrap(address.clone()), endpoint);
  }

  @Override
  public Endpoint byAddress(byte[] address) {
    ByteBuffer key = ByteBuffer.wrap(address);
    Endpoint watched = byAddress.get(key);
    return watched != null ? watched : peers.get(key);
  }

  @Override
  public String interfaceName(int endpointId, int ifindex) {
    return interfaceNames.get(key(endpointId, ifindex));
  }

  private static long key(int endpointId, int ifindex) {
    return (long) endpointId << 32 | (ifindex & 0xffffffffL);
  }
}
