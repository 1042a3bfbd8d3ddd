package io.hybridmesh.agent.datapath;

import java.util.Locale;

/**
 * Whether the agent reads plaintext HTTP at TCP sockets ({@code --plaintext}). The socket hooks are the socket
 * tracepoints (Linux 6.3), which run at every socket receive and send on the node while they are attached, or
 * on older kernels syscall tracepoints, which put every syscall on the node on the kernel's traced path: either
 * costs a little for every process, watched or not.
 */
public enum PlaintextMode {
  /**
   * Read where the kernel allows it (a kernel that refuses the programs costs plaintext, with a warning, not
   * the agent), with the hooks attached only while at least one endpoint is watched.
   */
  AUTO,
  /** The same, but the hooks are attached from the start, and an agent that cannot read plaintext fails. */
  ON,
  /** Never: plaintext HTTP is not read, and the node does not say it can read it. */
  OFF,
  /**
   * In the TC programs that already see every packet of a watched interface, not at the sockets: no program runs
   * for any process's socket calls, none reads its memory. Of each exchange, the request line and the headers
   * that fit in the first 128 bytes of its first segment, the status and the latency; one request at a time
   * per connection (pipelined ones are counted, not read), HTTP/1.x only (HTTP/2 is not read). For nodes
   * where the socket hooks' cost is too high for what plaintext traffic needs to show.
   */
  TC;

  /** Whether plaintext is read at the sockets (the socket programs are loaded). */
  public boolean atSockets() {
    return this == AUTO || this == ON;
  }

  /** From the command line's {@code --plaintext} value. */
  public static PlaintextMode parse(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "on" -> ON;
      case "off" -> OFF;
      case "tc" -> TC;
      default -> throw new IllegalArgumentException("--plaintext takes auto, on, off or tc, not '" + value + "'");
    };
  }
}
