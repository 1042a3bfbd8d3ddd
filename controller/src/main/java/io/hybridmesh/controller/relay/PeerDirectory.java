package io.hybridmesh.controller.relay;

import java.util.List;

/** Where the relay finds its peers: a fixed list, or the agents found through the cluster. */
public interface PeerDirectory {

  /** The peers now; called at the start of every request. */
  List<Peer> peers();

  static PeerDirectory of(List<Peer> peers) {
    List<Peer> copy = List.copyOf(peers);
    return () -> copy;
  }
}
