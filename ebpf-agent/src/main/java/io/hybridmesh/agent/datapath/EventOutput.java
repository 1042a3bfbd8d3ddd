package io.hybridmesh.agent.datapath;

import io.hybridmesh.jni.BpfMap;
import io.hybridmesh.jni.BpfObject;

/**
 * Where every BPF object of the agent reports: the one ring buffer, the per-CPU loss counters, and the
 * per-CPU count of bytes each CPU has sent since it last woke the reader, with the share of the wakeup
 * threshold each CPU keeps (hm_maps.h). The TC anchor owns the maps ({@link TcDatapath#output()}); every other
 * object takes them over before it loads ({@link #shareWith}), so that one reader drains them all and one
 * threshold holds for all of them together.
 */
public record EventOutput(BpfMap events, BpfMap stats, BpfMap unwoken, long wakeupBytesPerCpu) {

  static final String EVENTS = "hm_events";
  static final String STATS = "hm_stats";
  static final String UNWOKEN = "hm_unwoken";
  /** Below this a CPU would wake the reader for a handful of events. */
  static final long MIN_WAKEUP_BYTES_PER_CPU = 4096;

  /** Makes an object that is not loaded yet report through these maps, with this threshold. */
  public void shareWith(BpfObject o) {
    o.setRodata("hm_wakeup_bytes", NativeBytes.u64(wakeupBytesPerCpu));
    o.reuseMap(EVENTS, events);
    o.reuseMap(STATS, stats);
    o.reuseMap(UNWOKEN, unwoken);
  }

  /**
   * Each CPU's share of a wakeup threshold for the whole ring: all CPUs together leave at most about
   * {@code wakeupBytes} waiting before one of them wakes the reader.
   */
  public static long perCpu(long wakeupBytes, int possibleCpus) {
    return Math.max(MIN_WAKEUP_BYTES_PER_CPU, wakeupBytes / Math.max(1, possibleCpus));
  }
}
