package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.jni.BpfMap;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.LostEventSource;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Timestamp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the kernel's per-CPU counters ({@code hm_stats}) and turns new losses into {@link LostEvent}s:
 * ring-buffer drops, one per CPU that lost events since the last read; connections the table refused,
 * one for all CPUs.
 */
public final class DropCounters {

  private final BpfMap stats;
  private final int cpus;
  private final long[][] previous;

  public DropCounters(BpfMap stats, int possibleCpus) {
    this.stats = stats;
    this.cpus = possibleCpus;
    this.previous = new long[HmAbi.STAT_MAX][possibleCpus];
  }

  /** Reads the counters; returns the losses since the previous call. */
  public List<LostEvent> poll(Timestamp since, Timestamp now) {
    long[] current = perCpu(HmAbi.STAT_RINGBUF_FULL);
    List<LostEvent> lost = new ArrayList<>();
    for (int cpu = 0; cpu < cpus; cpu++) {
      long delta = current[cpu] - previous[HmAbi.STAT_RINGBUF_FULL][cpu];
      if (delta > 0) {
        lost.add(LostEvent.newBuilder()
            .setSource(LostEventSource.KERNEL_RINGBUF)
            .setNumEventsLost(delta)
            .setCpu(Int32Value.of(cpu))
            .setFirst(since)
            .setLast(now)
            .build());
      }
    }
    previous[HmAbi.STAT_RINGBUF_FULL] = current;
    long[] refused = perCpu(HmAbi.STAT_CONN_TABLE_FULL);
    long delta = sum(refused) - sum(previous[HmAbi.STAT_CONN_TABLE_FULL]);
    if (delta > 0) {
      lost.add(LostEvent.newBuilder()
          .setSource(LostEventSource.KERNEL_CONN_TABLE_FULL)
          .setNumEventsLost(delta)
          .setFirst(since)
          .setLast(now)
          .build());
    }
    previous[HmAbi.STAT_CONN_TABLE_FULL] = refused;
    return lost;
  }

  private static long sum(long[] perCpu) {
    long s = 0;
    for (long v : perCpu) {
      s += v;
    }
    return s;
  }

  /** The sum over CPUs of one counter ({@code HmAbi.STAT_*}). */
  public long total(int stat) {
    return sum(perCpu(stat));
  }

  private long[] perCpu(int stat) {
    byte[] key = NativeBytes.u32(stat);
    byte[] value = stats.lookup(key);
    long[] out = new long[cpus];
    if (value == null) {
      return out;
    }
    ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
    for (int cpu = 0; cpu < cpus && (cpu + 1) * 8 <= value.length; cpu++) {
      out[cpu] = v.getLong(cpu * 8);
    }
    return out;
  }
}
