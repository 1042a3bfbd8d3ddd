package io.hybridmesh.agent.probe.go;

/**
 * One function of a Go binary as its function table places it: {@code [entry, end)} in virtual addresses,
 * {@code end} being where the next function begins (the table records no size).
 */
public record GoFunction(String name, long entry, long end) {

  public long size() {
    return end - entry;
  }
}
