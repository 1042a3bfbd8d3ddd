package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.abi.ConnEvent;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.api.annotation.ObservedPorts;
import io.hybridmesh.api.annotation.ObservedPorts.Direction;
import io.hybridmesh.api.annotation.ObservedPorts.Entry;
import io.hybridmesh.api.annotation.ObservedPorts.Seen;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each watched endpoint's TCP connections began with, by port: the TC programs judge a connection's first
 * payload once (plaintext HTTP, a TLS record, something else) and say so in its events' flags. Kept per endpoint
 * as {@link ObservedPorts} (at most {@link ObservedPorts#MAX_ENTRIES} entries each, so bounded whatever the
 * traffic), for the report of which ports carry plaintext and which TLS. Pure; safe to call from the event
 * thread and read from another.
 */
public final class PortObservations {

  private final Map<Integer, ObservedPorts> byEndpoint = new ConcurrentHashMap<>();

  /**
   * Notes the connection's first payload, when its event carries the judgement. The connection's direction is
   * the initiator's as the programs saw it open (or guessed, for one joined mid-stream: the higher port is the
   * client's); the port is the responder's.
   */
  public void observe(ConnEvent event) {
    int flags = event.connFlags();
    if ((flags & HmAbi.CONN_F_PAYLOAD_SEEN) == 0 || event.tuple() == null
        || event.tuple().protocol() != HmAbi.IPPROTO_TCP || event.tuple().destinationPort() == 0) {
      return;
    }
    Seen seen = (flags & HmAbi.CONN_F_PAYLOAD_HTTP) != 0 ? Seen.HTTP
        : (flags & HmAbi.CONN_F_PAYLOAD_TLS) != 0 ? Seen.TLS : Seen.OTHER;
    Direction direction = (flags & HmAbi.CONN_F_LOCAL_INITIATOR) != 0 ? Direction.OUT : Direction.IN;
    Entry entry = new Entry(direction, event.tuple().destinationPort(), seen);
    byEndpoint.compute(event.endpointId(), (id, seenSoFar) ->
        (seenSoFar == null ? ObservedPorts.NONE : seenSoFar).with(entry));
  }

  /** What one endpoint's connections began with so far; {@link ObservedPorts#NONE} before any. */
  public ObservedPorts of(int endpointId) {
    return byEndpoint.getOrDefault(endpointId, ObservedPorts.NONE);
  }

  /** The endpoint is no longer watched: its entries go (ids are not reused, but memory is bounded by them). */
  public void forget(int endpointId) {
    byEndpoint.remove(endpointId);
  }
}
