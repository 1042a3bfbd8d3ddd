package io.hybridmesh.controller.mesh;

import io.hybridmesh.api.net.IpAddress;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.hybridmesh.controller.relay.Peer;
import io.hybridmesh.controller.relay.PeerDirectory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relay's peers: every node's agent, found through the EndpointSlices of the agents' headless Service
 * (one address per agent pod, named after its node), plus fixed local sources (the controller's own
 * access-log flows).
 */
public final class AgentPeers implements PeerDirectory, AutoCloseable {

  private final SharedIndexInformer<EndpointSlice> slices;
  private final int port;
  private final List<Peer> local;

  public AgentPeers(KubernetesClient client, String namespace, String service, int port, List<Peer> local) {
    this.slices = client.discovery().v1().endpointSlices().inNamespace(namespace)
        .withLabel("kubernetes.io/service-name", service).inform();
    this.port = port;
    this.local = List.copyOf(local);
  }

  @Override
  public List<Peer> peers() {
    return peers(slices.getStore().list(), port, local);
  }

  /** Pure: the peers the slices name, each address once, named after its node. */
  static List<Peer> peers(List<EndpointSlice> slices, int port, List<Peer> local) {
    Map<String, Peer> byTarget = new LinkedHashMap<>();
    for (EndpointSlice s : slices) {
      if (s.getEndpoints() == null) {
        continue;
      }
      s.getEndpoints().forEach(e -> {
        if (e.getAddresses() == null || e.getAddresses().isEmpty()) {
          return;
        }
        String ip = e.getAddresses().get(0);
        String target = IpAddress.withPort(ip, port);
        byTarget.putIfAbsent(target, new Peer(e.getNodeName() != null ? e.getNodeName() : ip, target));
      });
    }
    List<Peer> out = new ArrayList<>(local);
    out.addAll(byTarget.values());
    return out;
  }

  @Override
  public void close() {
    slices.close();
  }
}
