package io.hybridmesh.agent.l7;

import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.http2.Http2Connection;
import io.hybridmesh.agent.http2.Http2End;
import io.hybridmesh.agent.http2.Http2Event;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP/2 connections that {@link TlsConversations} stopped following (they closed, idled out, were
 * dropped for memory or room, or their TLS object moved to another connection), with what their open
 * streams became: each still yields an exchange that says how it ended, instead of vanishing with the
 * connection's state. Event thread only; emptied by its reader after each call.
 */
public final class EndedConnections {

  private static final byte[] NO_BYTES = new byte[0];

  /**
   * The streams still open on an HTTP/2 connection that ended or was dropped, as exchanges ({@code events}).
   * {@code call} is that connection's latest call, at the time of the drop: it tells which process, thread
   * and addresses the flows are of.
   */
  public record Ended(TlsEvent call, List<Http2Event> events) {}

  private final List<Ended> ended = new ArrayList<>();

  /** Ends the connection's open streams, {@code how} saying why; {@code last} is its latest call. */
  void end(Http2Connection connection, TlsEvent last, Http2End how, long ns) {
    if (connection == null || last == null) {
      return;
    }
    List<Http2Event> events = connection.onEnd(ns, how);
    if (!events.isEmpty()) {
      ended.add(new Ended(new TlsEvent(last.write(), last.exForm(), last.endpointId(), ns, ns, last.ssl(),
          last.cgroupId(), 0, last.pid(), last.tid(), last.comm(), last.tuple(), NO_BYTES, 0), events));
    }
  }

  /** What ended since the last take, in order. */
  List<Ended> take() {
    if (ended.isEmpty()) {
      return List.of();
    }
    List<Ended> out = List.copyOf(ended);
    ended.clear();
    return out;
  }
}
