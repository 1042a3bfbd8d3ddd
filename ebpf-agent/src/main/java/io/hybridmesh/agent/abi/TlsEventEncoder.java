package io.hybridmesh.agent.abi;

import static io.hybridmesh.agent.abi.HmAbi.TlsEventLayout.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@code struct hm_tls_event} records as the kernel does: the 120-byte header, then {@code
 * captured} bytes of plaintext (the record is as long as what was captured, not the whole struct). The
 * agent never needs this; tests and benchmarks use it to feed the decoder real bytes without a kernel.
 */
public final class TlsEventEncoder {

  private TlsEventEncoder() {}

  /** Bytes one event takes as a record: the header and its captured plaintext. */
  public static int size(TlsEvent e) {
    return DATA + captured(e);
  }

  /**
   * Writes one event at an absolute offset of a native-order buffer; returns its size ({@link
   * #size}). The first {@code captured} bytes of {@code data} are written, at most {@link
   * HmAbi#TLS_MAX_CAPTURE}.
   */
  public static int encode(TlsEvent e, ByteBuffer b, int at) {
    int captured = captured(e);
    for (int i = 0; i < DATA; i++) {
      b.put(at + i, (byte) 0);
    }
    b.putShort(at + KIND, (short) (e.socket() ? HmAbi.EVENT_SOCK_DATA : HmAbi.EVENT_TLS_DATA));
    b.put(at + OP, (byte) (e.write() ? HmAbi.TLS_WRITE : HmAbi.TLS_READ));
    int flags = (e.tuple() != null ? HmAbi.TLS_F_TUPLE : 0) | (e.exForm() ? HmAbi.TLS_F_EX : 0)
        | (e.go() ? HmAbi.TLS_F_GO : 0);
    b.put(at + FLAGS, (byte) flags);
    b.putInt(at + ENDPOINT_ID, e.endpointId());
    b.putLong(at + START_NS, e.startNs());
    b.putLong(at + END_NS, e.endNs());
    b.putLong(at + SSL, e.ssl());
    b.putLong(at + CGROUP_ID, e.cgroupId());
    b.putLong(at + LENGTH, e.length());
    b.putInt(at + PID, e.pid());
    b.putInt(at + TID, e.tid());
    b.putInt(at + CAPTURED, captured);
    if (e.tuple() != null) {
      e.tuple().write(b, at + TUPLE);
    }
    if (e.comm() != null) {
      byte[] comm = e.comm().getBytes(StandardCharsets.UTF_8);
      // NUL-terminated as the kernel's task comm: at most COMM_SIZE - 1 characters.
      int n = Math.min(comm.length, COMM_SIZE - 1);
      for (int i = 0; i < n; i++) {
        b.put(at + COMM + i, comm[i]);
      }
    }
    for (int i = 0; i < captured; i++) {
      b.put(at + DATA + i, e.data()[i]);
    }
    return DATA + captured;
  }

  /**
   * Writes events framed as {@link io.hybridmesh.jni.RingBufferReader#poll} frames them ({@code u32
   * length, u32 0, payload padded to 8}) from index 0; sets position 0 and the limit to the end.
   * Padding bytes are zeroed.
   */
  public static void frame(ByteBuffer batch, Iterable<TlsEvent> events) {
    int at = 0;
    for (TlsEvent e : events) {
      int length = size(e);
      batch.putInt(at, length);
      batch.putInt(at + 4, 0);
      encode(e, batch, at + 8);
      int padded = (length + 7) & ~7;
      for (int i = length; i < padded; i++) {
        batch.put(at + 8 + i, (byte) 0);
      }
      at += 8 + padded;
    }
    batch.position(0);
    batch.limit(at);
  }

  /** Bytes a frame of this event takes in a batch, header and padding included. */
  public static int frameSize(TlsEvent e) {
    return 8 + ((size(e) + 7) & ~7);
  }

  private static int captured(TlsEvent e) {
    int n = e.data() == null ? 0 : Math.min(Math.max(e.captured(), 0), e.data().length);
    return Math.min(n, HmAbi.TLS_MAX_CAPTURE);
  }
}
