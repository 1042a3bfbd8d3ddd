package io.hybridmesh.agent.datapath;

import java.time.Duration;

/**
 * Knobs of the TC data path, set at load time (rodata and map sizes) and in the sweep.
 *
 * @param ringBufferBytes size of the event ring buffer; a power of two, a multiple of the page size
 * @param connectionTableSize entries in the LRU connection table
 * @param reportInterval minimum time between two ACTIVE reports of one connection
 * @param tcpIdleTimeout a TCP connection without a packet for this long is reported TIMED_OUT
 * @param otherIdleTimeout the same for UDP, ICMP and other protocols
 * @param attach how the programs are attached: tcx links or legacy netlink filters
 * @param plaintextIdle with {@code --plaintext auto}, the plaintext socket hooks (which the TC programs'
 *     count of plaintext HTTP connections attaches) are detached after this long without plaintext HTTP
 * @param eventThread how the event thread shares the CPU with the observed processes
 */
public record TcSettings(
    int ringBufferBytes,
    int connectionTableSize,
    Duration reportInterval,
    Duration tcpIdleTimeout,
    Duration otherIdleTimeout,
    TcAttach attach,
    Duration plaintextIdle,
    EventThreadPriority eventThread) {

  /** Settings with tcx where the kernel has it. */
  public TcSettings(int ringBufferBytes, int connectionTableSize, Duration reportInterval,
      Duration tcpIdleTimeout, Duration otherIdleTimeout) {
    this(ringBufferBytes, connectionTableSize, reportInterval, tcpIdleTimeout, otherIdleTimeout, TcAttach.AUTO,
        Duration.ofSeconds(30), EventThreadPriority.YIELD);
  }

  /** The same with another way of attaching. */
  public TcSettings withAttach(TcAttach how) {
    return new TcSettings(ringBufferBytes, connectionTableSize, reportInterval, tcpIdleTimeout,
        otherIdleTimeout, how, plaintextIdle, eventThread);
  }

  /** The same with another idle time for the plaintext socket hooks. */
  public TcSettings withPlaintextIdle(Duration idle) {
    return new TcSettings(ringBufferBytes, connectionTableSize, reportInterval, tcpIdleTimeout,
        otherIdleTimeout, attach, idle, eventThread);
  }

  /** The same with another priority for the event thread. */
  public TcSettings withEventThread(EventThreadPriority priority) {
    return new TcSettings(ringBufferBytes, connectionTableSize, reportInterval, tcpIdleTimeout,
        otherIdleTimeout, attach, plaintextIdle, priority);
  }

  /**
   * Waiting bytes, all CPUs together, at which the programs wake the reader (each CPU keeps its share:
   * {@link EventOutput#perCpu}); below it the reader finds events at its next poll. A quarter of the ring,
   * at most 256 KiB, so a burst never fills the ring before a wakeup.
   */
  public long wakeupBytes() {
    return Math.min(256 << 10, ringBufferBytes / 4);
  }

  public static TcSettings defaults() {
    return new TcSettings(16 << 20, 65536, Duration.ofSeconds(5), Duration.ofMinutes(10),
        Duration.ofSeconds(30));
  }

  public TcSettings {
    if (ringBufferBytes < 4096 || Integer.bitCount(ringBufferBytes) != 1) {
      throw new IllegalArgumentException(
          "ring buffer size must be a power of two of at least 4096 bytes: " + ringBufferBytes);
    }
    if (connectionTableSize < 16) {
      throw new IllegalArgumentException("connection table must hold at least 16 entries");
    }
    if (reportInterval.isNegative() || tcpIdleTimeout.isNegative() || otherIdleTimeout.isNegative()
        || plaintextIdle.isNegative()) {
      throw new IllegalArgumentException("intervals and timeouts must not be negative");
    }
    java.util.Objects.requireNonNull(attach, "attach");
    java.util.Objects.requireNonNull(eventThread, "eventThread");
  }
}
