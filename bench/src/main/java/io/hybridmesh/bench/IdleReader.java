package io.hybridmesh.bench;

import io.hybridmesh.agent.datapath.EventPump;
import io.hybridmesh.jni.RingBufferReader;
import java.nio.ByteBuffer;

/** The benchmarks drive the pump through {@link EventPump#process}; its reader is never polled. */
final class IdleReader implements RingBufferReader {
  @Override
  public int poll(ByteBuffer batch, int timeoutMillis) {
    batch.position(0).limit(0);
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
