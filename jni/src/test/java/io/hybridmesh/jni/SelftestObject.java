package io.hybridmesh.jni;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The test BPF object (src/test/bpf/selftest.bpf.c) and the layout of what it writes. */
final class SelftestObject {

  static final String RESOURCE = "/selftest.bpf.o";
  static final long PID = ProcessHandle.current().pid();
  /** struct event_hdr: u32 tgid, u32 fd, u64 count, u64 tag. */
  static final int EVENT_HEADER = 24;

  private SelftestObject() {}

  static byte[] bytes() {
    return bytes(RESOURCE);
  }

  /** Another object built from src/test/bpf, by resource name such as {@code /broken.bpf.o}. */
  static byte[] bytes(String resource) {
    try (InputStream in = SelftestObject.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the test classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path path() {
    try {
      return Path.of(SelftestObject.class.getResource(RESOURCE).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Opened, with the write tracepoint filtered to {@code tgid}; not loaded. */
  static BpfObject open(Bpf bpf, long tgid) {
    BpfObject obj = bpf.open("selftest", bytes());
    obj.setRodata("target_tgid", le32((int) tgid));
    return obj;
  }

  static byte[] le32(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }

  static byte[] le64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  static long le64(byte[] b, int offset) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
  }

  static int le32(byte[] b, int offset) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
  }

  /** One sys_enter_write event as the program emits it. */
  record WriteEvent(int tgid, int fd, long count, long tag, byte[] data) {
    String text() {
      return new String(data, StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * Splits a polled batch, checking the framing contract on the way: {@code u32 len, u32 0, payload
   * padded to 8}, nothing after the last record.
   */
  static List<WriteEvent> parse(ByteBuffer batch, int expectedRecords) {
    ByteBuffer b = batch.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    List<WriteEvent> events = new ArrayList<>();
    while (b.hasRemaining()) {
      if (b.position() % 8 != 0 || b.remaining() < RingBufferReader.RECORD_HEADER_BYTES) {
        throw new AssertionError("bad framing at " + b.position() + ", limit " + b.limit());
      }
      int len = b.getInt();
      int reserved = b.getInt();
      if (reserved != 0 || len < EVENT_HEADER || len > b.remaining()) {
        throw new AssertionError("bad record header len=" + len + " reserved=" + reserved);
      }
      int start = b.position();
      WriteEvent e =
          new WriteEvent(b.getInt(), b.getInt(), b.getLong(), b.getLong(), new byte[len - EVENT_HEADER]);
      b.get(e.data());
      int padded = (len + 7) & ~7;
      for (int i = len; i < padded; i++) {
        if (b.get() != 0) {
          throw new AssertionError("padding is not zero");
        }
      }
      if (b.position() != start + padded) {
        throw new AssertionError("record overran its length");
      }
      events.add(e);
    }
    if (events.size() != expectedRecords) {
      throw new AssertionError("poll said " + expectedRecords + " records, batch holds " + events.size());
    }
    return events;
  }
}
