package io.hybridmesh.agent.http;

/** What an {@link HttpConversation} reports about the bytes it was fed. */
public sealed interface HttpEvent {

  /** A complete request head was parsed. */
  record RequestSeen(HttpRequestHead request, Role role) implements HttpEvent {}

  /**
   * A complete response head was parsed. {@code request} is the request it answers, or null when
   * none was seen (capture started mid-connection, or the request was dropped); {@code latencyNs}
   * is then 0. Interim 1xx responses are reported too, paired with the same request as the final one.
   */
  record ResponseSeen(HttpResponseHead response, HttpRequestHead request, long latencyNs, Role role)
      implements HttpEvent {}

  /**
   * Bytes that could not be parsed. {@code bytes} is what was discarded when the problem was found:
   * the partial head, the rest of that call and its uncaptured tail. Later discarded bytes are only
   * counted in {@link HttpConversation#bytesIgnored()}.
   */
  record Unparsed(Direction direction, String reason, long bytes) implements HttpEvent {}
}
