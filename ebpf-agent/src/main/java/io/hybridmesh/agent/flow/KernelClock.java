package io.hybridmesh.agent.flow;

import com.google.protobuf.Timestamp;

/** Turns kernel CLOCK_MONOTONIC nanoseconds (bpf_ktime_get_ns) into wall-clock timestamps. */
public interface KernelClock {

  Timestamp toTimestamp(long monotonicNs);

  /** The same time as nanoseconds since the epoch: for flows whose timestamp is built later. */
  default long toEpochNanos(long monotonicNs) {
    Timestamp t = toTimestamp(monotonicNs);
    return t.getSeconds() * 1_000_000_000L + t.getNanos();
  }

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
      return timestampOfEpochNanos(toEpochNanos(monotonicNs));
    }

    @Override
    public long toEpochNanos(long monotonicNs) {
      return monotonicNs + wallMinusMonotonicNs;
    }
  }

  /** A timestamp of nanoseconds since the epoch. */
  static Timestamp timestampOfEpochNanos(long epochNs) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(epochNs, 1_000_000_000L))
        .setNanos((int) Math.floorMod(epochNs, 1_000_000_000L))
        .build();
  }
}
