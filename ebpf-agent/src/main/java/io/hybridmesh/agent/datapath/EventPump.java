package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.abi.ConnEvent;
import io.hybridmesh.agent.abi.ConnEventDecoder;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.abi.MalformedEventException;
import io.hybridmesh.agent.flow.ConnectionFlowAssembler;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.jni.RingBufferReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves events from the kernel ring buffer to the flow sink on one thread: poll a batch (one native
 * call), decode each record, assemble a flow, hand it on. A slow sink slows this loop, the ring buffer
 * fills, and the kernel counts what it could not send: back-pressure ends in a counted drop, never in
 * unbounded memory here.
 */
public final class EventPump implements Runnable {

  private static final Logger LOG = Logger.getLogger(EventPump.class.getName());
  private static final int POLL_TIMEOUT_MS = 250;

  private final RingBufferReader reader;
  private final ConnectionFlowAssembler assembler;
  private final FlowSink sink;
  private final ByteBuffer batch;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private volatile boolean running = true;

  public EventPump(RingBufferReader reader, ConnectionFlowAssembler assembler, FlowSink sink,
      int batchBytes) {
    this.reader = reader;
    this.assembler = assembler;
    this.sink = sink;
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
    try {
      if (ConnEventDecoder.kindOf(frames, payload, length) == HmAbi.EVENT_CONN) {
        ConnEvent event = ConnEventDecoder.decode(frames, payload, length);
        sink.accept(assembler.assemble(event));
      } else {
        malformed.incrementAndGet();
      }
    } catch (MalformedEventException e) {
      malformed.incrementAndGet();
    }
  }

  /** Delivers an event that did not come through the ring buffer (the sweep's timeouts). */
  public void deliver(ConnEvent event) {
    sink.accept(assembler.assemble(event));
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
