package io.hybridmesh.agent.http2;

/** How decoding one header block went. Only {@link #OK} and {@link #UNKNOWN_REFERENCES} give values. */
enum HpackResult {
  /** Every field decoded. */
  OK,
  /**
   * Decoded, but some fields referenced dynamic-table entries from before what we saw (or beyond our
   * cap); those fields are unknown, every value given is right.
   */
  UNKNOWN_REFERENCES,
  /** A representation runs past the end of the block. */
  TRUNCATED,
  /** An integer longer than 2^31 or than five continuation bytes. */
  INTEGER_OVERFLOW,
  /** Index 0, which RFC 7541 §6.1 forbids. */
  INDEX_ZERO,
  /** An index beyond a table we know in full: the peer is broken, or we are not where we think. */
  INDEX_OUT_OF_RANGE,
  /** EOS in a string, padding longer than 7 bits or not all ones (RFC 7541 §5.2). */
  HUFFMAN_INVALID,
  /** A dynamic table size update above what the receiving peer allows. */
  SIZE_UPDATE_TOO_LARGE,
  /** A dynamic table size update after the first field of the block. */
  SIZE_UPDATE_MISPLACED;

  boolean failed() {
    return this != OK && this != UNKNOWN_REFERENCES;
  }
}
