package io.hybridmesh.jni;

import java.nio.ByteBuffer;

/**
 * Consumes a BPF ring buffer in batches: one call crosses into native code once and copies as many whole
 * records as fit, so the cost of the crossing is shared by the batch.
 */
public interface RingBufferReader extends AutoCloseable {

  /** Bytes before each record's payload in the batch: {@code u32 length, u32 reserved}. */
  int RECORD_HEADER_BYTES = 8;

  /**
   * Copies whole records into {@code batch} (a direct buffer) from index 0, each framed as {@code u32
   * length, u32 0, payload padded to a multiple of 8}, and sets the buffer's position to 0 and its limit
   * to the bytes written. Waits up to {@code timeoutMillis} (0: not at all, negative: forever) for the
   * first record. Never splits or loses a record: one that does not fit stays for the next call. A record
   * larger than the whole buffer is skipped and counted in {@link #oversizedRecords()}.
   *
   * @return the number of records copied (0 on timeout or {@link #wakeup()})
   */
  int poll(ByteBuffer batch, int timeoutMillis);

  /** Makes a blocked or the next {@link #poll} return at once; safe from any thread. */
  void wakeup();

  /** Records skipped because they were larger than the caller's buffer. */
  long oversizedRecords();

  /**
   * Bytes the producers have written (or are writing) that no poll has taken yet, record headers
   * included; safe from any thread, 0 once closed.
   */
  long backlogBytes();

  /**
   * Bytes consumed since the ring was created (the consumer position): it moves whenever a poll takes
   * records, so a watcher sees from it whether the reader is keeping up. Safe from any thread, 0 once closed.
   */
  long consumedBytes();

  @Override
  void close();
}
