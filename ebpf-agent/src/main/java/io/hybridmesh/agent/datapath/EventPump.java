package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.abi.MalformedEventException;
import io.hybridmesh.jni.RingBufferReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves events from the kernel ring buffer to their handlers on one thread: poll a batch (one native
 * call), then hand each record to the handler of its kind, which decodes it and delivers flows. A
 * slow sink slows this loop, the ring buffer fills, and the kernel counts what it could not send:
 * back-pressure ends in a counted drop, never in unbounded memory here.
 */
public final class EventPump implements Runnable {

  private static final Logger LOG = Logger.getLogger(EventPump.class.getName());
  /** The kernel wakes this thread only when much is waiting (hm_wakeup_bytes): poll often enough. */
  private static final int POLL_TIMEOUT_MS = 100;

  private final RingBufferReader reader;
  private final EventHandler[] handlers;
  private final ByteBuffer batch;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private volatile boolean running = true;

  /**
   * @param handlers by record kind ({@code HmAbi.EVENT_*}); records of other kinds count as malformed
   */
  public EventPump(RingBufferReader reader, Map<Integer, EventHandler> handlers, int batchBytes) {
    this.reader = reader;
    int maxKind = handlers.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    this.handlers = new EventHandler[maxKind + 1];
    handlers.forEach((kind, handler) -> this.handlers[kind] = handler);
    this.batch = ByteBuffer.allocateDirect(batchBytes).order(ByteOrder.nativeOrder());
  }

  @Override
  public void run() {
    while (running) {
      try {
        int records = reader.poll(batch, POLL_TIMEOUT_MS);
        if (records > 0) {
          process(batch, records);
        }
      } catch (RuntimeException e) {
        // One bad batch must not stop observation; say so and go on.
        LOG.log(Level.WARNING, "event processing failed: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Decodes and delivers one batch as {@link RingBufferReader#poll} frames it: {@code u32 length, u32 0,
   * payload padded to 8}, from the buffer's position to its limit.
   */
  public void process(ByteBuffer frames, int records) {
    int at = frames.position();
    int end = frames.limit();
    for (int i = 0; i < records && at + RingBufferReader.RECORD_HEADER_BYTES <= end; i++) {
      int length = frames.getInt(at);
      int payload = at + RingBufferReader.RECORD_HEADER_BYTES;
      if (length < 0 || payload + length > end) {
        malformed.incrementAndGet();
        return;
      }
      deliver(frames, payload, length);
      at = payload + ((length + 7) & ~7);
    }
  }

  private void deliver(ByteBuffer frames, int payload, int length) {
    events.incrementAndGet();
    int kind = length < 2 ? -1 : frames.getShort(payload) & 0xffff;
    EventHandler handler = kind >= 0 && kind < handlers.length ? handlers[kind] : null;
    if (handler == null) {
      malformed.incrementAndGet();
      return;
    }
    try {
      handler.handle(frames, payload, length);
    } catch (MalformedEventException e) {
      malformed.incrementAndGet();
    }
  }

  public void stop() {
    running = false;
    reader.wakeup();
  }

  public long events() {
    return events.get();
  }

  public long malformed() {
    return malformed.get();
  }
}
