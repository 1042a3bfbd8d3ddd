package io.hybridmesh.agent.datapath;

/** How the TLS probes of one process and one library are attached. */
public enum UprobeLinks {
  /**
   * {@link #SESSION} where the kernel has uprobe sessions (Linux 6.13), else {@link #MULTI} where it has
   * uprobe_multi links (Linux 6.6), else {@link #PER_SITE}.
   */
  AUTO,
  /**
   * One uprobe_multi session link per process and library, every site in it: one program at each call's entry
   * and, where the entry asks for it, at its return. Writes that can only hand their bytes to a socket with
   * room for them are reported at their entry and cost no return probe.
   */
  SESSION,
  /**
   * Two uprobe_multi links per process and library (entries, returns), every site in each: registered in one
   * call, and unregistered behind one grace period when the process goes.
   */
  MULTI,
  /**
   * A perf-event uprobe link per site and direction, as on kernels before 6.6. Each one costs its own grace
   * period when closed (tens of milliseconds, one after the other), so processes that come and go quickly
   * keep the detaching thread busy.
   */
  PER_SITE
}
