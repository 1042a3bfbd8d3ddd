package io.hybridmesh.xds.als;

/** Why access-log entries did not become flows. Each is counted, and logged the first time it happens. */
public enum DropCause {
  /** The stream's first message carried no identifier, so nothing on it can be attributed. */
  NO_IDENTIFIER("access-log stream without an identifier in its first message"),
  /**
   * The stream's caller is not the pod its identifier names (another address, no such pod, a bad token): the
   * stream is closed with the reason and its entries are counted here, never converted.
   */
  REFUSED_CALLER("access-log entries of a stream whose caller is not the pod it names"),
  /** A message with neither HTTP nor TCP entries; counted in messages, every other cause in entries. */
  EMPTY_MESSAGE("access-log message with no entries"),
  /** An entry the converter could not turn into a flow. */
  MALFORMED_ENTRY("access-log entry that could not be converted"),
  /** Entries beyond the per-message limit. */
  OVER_MESSAGE_LIMIT("access-log message with more entries than the per-message limit"),
  /** The sink threw: a bug there, but it must not end the sidecar's stream. */
  SINK_FAILED("flow sink failed");

  final String description;

  DropCause(String description) {
    this.description = description;
  }
}
