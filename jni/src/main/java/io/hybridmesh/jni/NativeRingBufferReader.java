package io.hybridmesh.jni;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A ring buffer reader over libhmjni's own consumer. The read lock covers every native call and the
 * write lock covers freeing, so close() from another thread wakes a blocked poll and waits for it to
 * leave native code before the handle goes.
 */
final class NativeRingBufferReader implements RingBufferReader {

  private final NativeBpfObject owner;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Object pollLock = new Object();
  private volatile boolean closing;
  private volatile long handle;
  private volatile long oversizedAtClose;

  NativeRingBufferReader(NativeBpfObject owner, long handle) {
    this.owner = owner;
    this.handle = handle;
  }

  @Override
  public int poll(ByteBuffer batch, int timeoutMillis) {
    if (!batch.isDirect()) {
      throw new IllegalArgumentException("the batch buffer must be direct");
    }
    // One consumer at a time: the native side owns the consumer position without further locking.
    synchronized (pollLock) {
      lock.readLock().lock();
      try {
        // Checked after the close flag is set and before native code: close's wakeup is then pending.
        if (closing || handle == 0) {
          throw new IllegalStateException("ring buffer reader is closed");
        }
        long result = Native.ringPoll(handle, batch, timeoutMillis);
        batch.clear().limit((int) (result >>> 32));
        return (int) result;
      } finally {
        lock.readLock().unlock();
      }
    }
  }

  @Override
  public void wakeup() {
    lock.readLock().lock();
    try {
      long h = handle;
      if (h != 0) {
        Native.ringWakeup(h);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long oversizedRecords() {
    return whileOpen(Native::ringOversized, oversizedAtClose);
  }

  @Override
  public long backlogBytes() {
    return whileOpen(Native::ringBacklog, 0);
  }

  @Override
  public long consumedBytes() {
    return whileOpen(Native::ringConsumed, 0);
  }

  /** A native reading of the open ring under the read lock (any thread), or {@code closed} once it is gone. */
  private long whileOpen(java.util.function.LongUnaryOperator reading, long closed) {
    lock.readLock().lock();
    try {
      long h = handle;
      return h == 0 ? closed : reading.applyAsLong(h);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void close() {
    closing = true;
    wakeup();
    lock.writeLock().lock();
    try {
      long h = handle;
      if (h == 0) {
        return;
      }
      oversizedAtClose = Native.ringOversized(h);
      handle = 0;
      Native.ringClose(h);
    } finally {
      lock.writeLock().unlock();
    }
    owner.forget(this);
  }
}
