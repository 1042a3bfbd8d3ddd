package io.hybridmesh.agent.http;

/**
 * Bounds that keep one conversation's memory fixed whatever the peer sends.
 *
 * @param maxHeaderBytes largest head (start line, headers, blank line) buffered or parsed; also
 *     bounds a chunked body's trailer section
 * @param maxStartLineBytes longest start line, hence longest target; also bounds a chunk-size line
 * @param maxPendingRequests unanswered requests kept for pairing; the oldest is dropped beyond this
 * @param maxHeaderValueBytes kept header values are truncated to this many bytes
 * @param maxKeptHeaders allow-listed headers kept per message; later repeats are dropped
 */
public record Limits(
    int maxHeaderBytes,
    int maxStartLineBytes,
    int maxPendingRequests,
    int maxHeaderValueBytes,
    int maxKeptHeaders) {

  public static final Limits DEFAULT = new Limits(64 * 1024, 8 * 1024, 128, 1024, 16);

  public Limits {
    if (maxHeaderBytes < 64 || maxStartLineBytes < 16 || maxStartLineBytes > maxHeaderBytes) {
      throw new IllegalArgumentException("need 16 <= maxStartLineBytes <= maxHeaderBytes, 64 <= maxHeaderBytes");
    }
    if (maxPendingRequests < 1 || maxHeaderValueBytes < 1 || maxKeptHeaders < 0) {
      throw new IllegalArgumentException("pending, value and kept-header limits must be positive");
    }
  }
}
