package io.hybridmesh.agent.testing;

import io.hybridmesh.jni.RingBufferReader;
import java.nio.ByteBuffer;

/** A ring buffer reader that never has a record: for tests that feed their events by hand. */
public final class IdleRingBuffer implements RingBufferReader {
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
    return 0;
  }

  @Override
  public long consumedBytes() {
    return 0;
  }

  @Override
  public void close() {}
}
