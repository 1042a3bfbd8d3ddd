package io.hybridmesh.controller.relay;

import io.grpc.ManagedChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** One channel per peer target, made on first use and reused by every request; closed with the relay. */
final class PeerChannels implements AutoCloseable {

  private final Function<String, ManagedChannel> factory;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  PeerChannels(Function<String, ManagedChannel> factory) {
    this.factory = factory;
  }

  ManagedChannel of(Peer peer) {
    return channels.computeIfAbsent(peer.target(), factory);
  }

  /** Drops channels of peers that are gone, so a churning cluster does not accumulate them. */
  void retain(java.util.Collection<Peer> current) {
    java.util.Set<String> keep = new java.util.HashSet<>();
    current.forEach(p -> keep.add(p.target()));
    channels.entrySet().removeIf(e -> {
      if (keep.contains(e.getKey())) {
        return false;
      }
      e.getValue().shutdown();
      return true;
    });
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel c : channels.values()) {
      try {
        c.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    channels.clear();
  }
}
