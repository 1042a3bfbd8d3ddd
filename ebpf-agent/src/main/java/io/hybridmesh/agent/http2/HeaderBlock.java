package io.hybridmesh.agent.http2;

import io.hybridmesh.agent.http.Header;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one decoded header block says, as far as anything is kept: scratch space filled by
 * {@link HpackDecoder#decode} and read right after, reused for every block of a connection.
 */
final class HeaderBlock {

  private final Http2Limits limits;
  /** First value of each kept name, by {@link KeptNames} id; null when absent. */
  private final String[] values = new String[KeptNames.COUNT];
  private final Header[] listed;
  private int listedCount;
  /** Fields whose name could not be resolved (a reference to an entry we never saw). */
  int unknownFields;
  /** Why those fields are unknown. */
  Http2Unknown unknownReason;
  /** A kept value was cut to its limit. */
  boolean truncated;
  /** Tests only: every field as a (name, value) pair, "?" for what could not be resolved. */
  List<String[]> all;

  HeaderBlock(Http2Limits limits) {
    this.limits = limits;
    this.listed = new Header[limits.maxKeptHeaders()];
  }

  void reset() {
    Arrays.fill(values, null);
    Arrays.fill(listed, 0, listedCount, null);
    listedCount = 0;
    unknownFields = 0;
    unknownReason = null;
    truncated = false;
    if (all != null) {
      all.clear();
    }
  }

  /** The most bytes of a value kept for this name. */
  int limit(int kept) {
    return switch (kept) {
      case KeptNames.PATH -> limits.maxPathBytes();
      case KeptNames.GRPC_MESSAGE -> limits.maxGrpcMessageBytes();
      default -> limits.maxHeaderValueBytes();
    };
  }

  /** A kept value as a String, cut to its limit (bytes as ISO-8859-1, so one char per byte). */
  String string(int kept, byte[] b, int off, int len) {
    int n = Math.min(len, limit(kept));
    if (n < len) {
      truncated = true;
    }
    return new String(b, off, n, StandardCharsets.ISO_8859_1);
  }

  /**
   * Records a field of a kept name. Pseudo-headers and gRPC fields keep their first value; ordinary ones
   * also go to the header list, unless the peer marked the field never-indexed (a sensitive value).
   */
  void put(int kept, String value, boolean sensitive) {
    if (values[kept] == null) {
      values[kept] = value;
    }
    if (kept >= KeptNames.FIRST_LISTED && !sensitive && listedCount < listed.length) {
      listed[listedCount++] = new Header(KeptNames.NAMES[kept], value);
    }
  }

  void unknown(Http2Unknown reason) {
    unknownFields++;
    if (unknownReason == null) {
      unknownReason = reason;
    }
  }

  String get(int kept) {
    return values[kept];
  }

  List<Header> headers() {
    return listedCount == 0 ? List.of() : List.of(Arrays.copyOf(listed, listedCount));
  }

  /** Tests: start recording every field. */
  void recordAll() {
    all = new ArrayList<>();
  }

  void record(String name, String value) {
    all.add(new String[] {name, value});
  }
}
