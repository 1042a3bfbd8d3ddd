package io.hybridmesh.agent.flow;

import com.google.protobuf.Timestamp;

/** Turns kernel CLOCK_MONOTONIC nanoseconds (bpf_ktime_get_ns) into wall-clock timestamps. */
public interface KernelClock {

  Timestamp toTimestamp(long monotonicNs);

  /**
   * The system clock: wall time = now - (monotonic now - event time). The offset between the two clocks
   * is sampled at construction and on {@link #resync()}, so NTP steps reach flows within one resync.
   */
  final class SystemClock implements KernelClock {
    private volatile long wallMinusMonotonicNs;

    public SystemClock() {
      resync();
    }

    public void resync() {
      java.time.Instant now = java.time.Instant.now();
      long mono = System.nanoTime(); // CLOCK_MONOTONIC on Linux, the clock BPF reads
      wallMinusMonotonicNs = now.getEpochSecond() * 1_000_000_000L + now.getNano() - mono;
    }

    @Override
    public Timestamp toTimestamp(long monotonicNs) {
      return timestampOfEpochNanos(monotonicNs + wallMinusMonotonicNs);
    }
  }

  static Timestamp timestampOfEpochNanos(long epochNs) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(epochNs, 1_000_000_000L))
        .setNanos((int) Math.floorMod(epochNs, 1_000_000_000L))
        .build();
  }
}
