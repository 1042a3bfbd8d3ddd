package io.hybridmesh.agent.datapath;

import java.util.Locale;

/** How the TC programs are attached to an interface (agent option {@code --tc-attach}). */
public enum TcAttach {
  /** tcx where the kernel has it, else legacy. */
  AUTO,
  /**
   * tcx links only (Linux 6.6): they belong to the agent's process, so they go with it whatever way it
   * ends, and they run after whatever programs were there first.
   */
  TCX,
  /**
   * netlink filters on a clsact qdisc, the only way before 6.6. They outlive the agent: the next start
   * replaces them, and {@code hmesh agent --cleanup} removes them.
   */
  LEGACY;

  /** Parses the option's value: {@code auto}, {@code tcx} or {@code legacy}. */
  public static TcAttach parse(String value) {
    for (TcAttach a : values()) {
      if (a.name().toLowerCase(Locale.ROOT).equals(value)) {
        return a;
      }
    }
    throw new IllegalArgumentException("--tc-attach must be auto, tcx or legacy, not '" + value + "'");
  }
}
