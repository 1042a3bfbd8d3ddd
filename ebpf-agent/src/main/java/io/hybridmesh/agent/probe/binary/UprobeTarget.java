package io.hybridmesh.agent.probe.binary;

/**
 * A function a uprobe would attach to: the file that holds it and its file offset, or, when it does not
 * resolve, {@code file}/{@code offset} null and {@code unresolvedReason} saying why.
 */
public record UprobeTarget(String symbol, String file, Long offset, String unresolvedReason) {

  public static UprobeTarget resolved(String symbol, String file, long offset) {
    return new UprobeTarget(symbol, file, offset, null);
  }

  public static UprobeTarget unresolved(String symbol, String file, String reason) {
    return new UprobeTarget(symbol, file, null, reason);
  }

  public boolean isResolved() {
    return offset != null;
  }
}
