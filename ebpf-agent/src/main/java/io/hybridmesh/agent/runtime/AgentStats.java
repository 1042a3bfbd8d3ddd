package io.hybridmesh.agent.runtime;

import java.util.Map;

/** What a running agent (either mode) tells the metrics endpoint and the summary at exit. */
public interface AgentStats {

  /** Events the kernel could not put in the ring buffer (it was full), over all CPUs. */
  long kernelRingbufDrops();

  /** TLS library files whose uprobes could not be attached at all. */
  long probeAttachFailures();

  /**
   * TCP connections whose data the kernel saw without having them in its table: evicted from it earlier
   * (counted as lost events too), or opened before the agent started. Their flows start mid-stream.
   */
  long connectionsSeenMidstream();

  /** Counters for the summary at exit; after the agent is closed, the last values read. */
  Map<String, Long> counters();
}
