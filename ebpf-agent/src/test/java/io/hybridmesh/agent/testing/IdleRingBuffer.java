package io.hybridmesh.agent.testing;

import io.hybridmesh.jni.RingBufferReader;
import java.nio.ByteBuffer;

/**
 * A ring buffer reader that never has a record: for tests that feed their events by hand. Its positions are
 * what the test sets, for code that watches the ring's backlog.
 */
public final class IdleRingBuffer implements RingBufferReader {
  public long backlog;
  public long consumed;

  @Override
  public int poll(ByteBuffer batch, int timeoutMillis) {
    return 0;
  }

  @Override
  public void wakeup() {}

  @Override
  public long oversizedRecords() {
    return 0;
  }

  @Override
  public long backlogBytes() {
    return backlog;
  }

  @Override
  public long consumedBytes() {
    return consumed;
  }

  @Override
  public void close() {}
}
