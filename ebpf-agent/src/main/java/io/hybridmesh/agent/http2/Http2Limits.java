package io.hybridmesh.agent.http2;

/**
 * Every bound of one HTTP/2 connection's state, whatever the peers send. Anything beyond a bound is
 * refused and counted as an {@link Http2Drop}; nothing grows past these.
 *
 * @param maxHeaderBlockBytes largest header block (HEADERS or PUSH_PROMISE plus its CONTINUATION frames,
 *     padding included) buffered when it arrives split across calls; a larger one is skipped, counted,
 *     and the direction's HPACK state is then no longer complete
 * @param maxContinuationFrames CONTINUATION frames accepted in one header block (a flood of empty ones
 *     costs no memory but is refused all the same)
 * @param maxHpackTableBytes hard cap on each direction's HPACK dynamic table, in HPACK size units
 *     (name + value + 32 per entry); a peer allowing a larger table leaves references beyond ours
 *     unknown, never wrong
 * @param maxStreams streams tracked at once per connection; a new one beyond is dropped and counted
 * @param maxPathBytes {@code :path} kept per request, truncated beyond
 * @param maxHeaderValueBytes other kept header values are truncated to this many bytes
 * @param maxKeptHeaders allow-listed ordinary headers kept per message
 * @param maxGrpcMessageBytes {@code grpc-message} kept (percent-encoded form), truncated beyond
 */
public record Http2Limits(
    int maxHeaderBlockBytes,
    int maxContinuationFrames,
    int maxHpackTableBytes,
    int maxStreams,
    int maxPathBytes,
    int maxHeaderValueBytes,
    int maxKeptHeaders,
    int maxGrpcMessageBytes) {

  public static final Http2Limits DEFAULT = new Http2Limits(16 * 1024, 64, 4096, 128, 2048, 512, 8, 512);

  /** Above the protocol's largest frame there is nothing left to bound. */
  static final int MAX_BLOCK_LIMIT = 1 << 20;

  public Http2Limits {
    if (maxHeaderBlockBytes < 256 || maxHeaderBlockBytes > MAX_BLOCK_LIMIT) {
      throw new IllegalArgumentException("maxHeaderBlockBytes must be in [256, 1 MiB]");
    }
    if (maxContinuationFrames < 0 || maxStreams < 1 || maxStreams > 65_536) {
      throw new IllegalArgumentException("need maxContinuationFrames >= 0 and 1 <= maxStreams <= 65536");
    }
    if (maxHpackTableBytes < 0 || maxHpackTableBytes > 1 << 20) {
      throw new IllegalArgumentException("maxHpackTableBytes must be in [0, 1 MiB]");
    }
    if (maxPathBytes < 1 || maxHeaderValueBytes < 1 || maxKeptHeaders < 0 || maxGrpcMessageBytes < 0
        || maxPathBytes > 1 << 16 || maxHeaderValueBytes > 1 << 16 || maxKeptHeaders > 64
        || maxGrpcMessageBytes > 1 << 16) {
      throw new IllegalArgumentException("kept-value limits out of range");
    }
  }

  /** Largest single string the HPACK decoder ever materialises: a table entry, or a kept value. */
  int maxDecodedString() {
    return Math.max(maxHpackTableBytes, Math.max(maxPathBytes, Math.max(maxHeaderValueBytes, maxGrpcMessageBytes)));
  }

  /** What one tracked stream can hold at most, by {@link Http2Connection#retainedBytes()}'s accounting. */
  long maxStreamBytes() {
    // Request and response: the kept strings of each, plus the objects around them.
    long request = Http2Stream.FIXED_BYTES + maxPathBytes + 3L * maxHeaderValueBytes
        + (long) maxKeptHeaders * (maxHeaderValueBytes + Http2Stream.HEADER_BYTES);
    long response = (long) maxKeptHeaders * (maxHeaderValueBytes + Http2Stream.HEADER_BYTES)
        + maxGrpcMessageBytes + 2L * maxHeaderValueBytes;
    return request + response;
  }

  /**
   * Upper bound of {@link Http2Connection#retainedBytes()} for these limits: the fixed part, two header
   * block buffers, two HPACK tables with their scratch space, and a full stream table.
   */
  public long maxRetainedBytes() {
    long perDirection = FrameReader.FIXED_BYTES + maxHeaderBlockBytes + 512
        + HpackDecoder.FIXED_BYTES + DynamicTable.maxRetainedBytes(maxHpackTableBytes)
        + 2L * maxDecodedString() + 64;
    return Http2Connection.FIXED_BYTES + 2 * perDirection + StreamTable.maxRetainedBytes(maxStreams)
        + maxStreams * maxStreamBytes();
  }
}
