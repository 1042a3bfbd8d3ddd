package io.hybridmesh.jni;

import static io.hybridmesh.jni.SelftestObject.PID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hybridmesh.jni.SelftestObject.WriteEvent;
import io.hybridmesh.jni.testing.KernelTest;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ring buffer reader against records the kernel makes: every write(2) of this JVM becomes one record
 * (the JVM's own writes add noise, so the tests look for their unique markers).
 */
@KernelTest
class RingBufferKernelIT {

  private static final long TAG = 0x1122334455667788L;

  private final String marker = "HMJNI-" + UUID.randomUUID() + "-";
  private BpfObject obj;
  private BpfLink link;
  private RingBufferReader reader;
  private FileOutputStream devNull;

  @BeforeEach
  void setUp() throws IOException {
    obj = SelftestObject.open(NativeBpf.load(), PID);
    obj.setRodata("tag", SelftestObject.le64(TAG));
    obj.load();
    reader = obj.ringBuffer("events");
    link = obj.attachTracepoint("on_write", "syscalls", "sys_enter_write");
    devNull = new FileOutputStream("/dev/null");
  }

  @AfterEach
  void tearDown() throws IOException {
    devNull.close();
    obj.close();
  }

  private void write(String text) throws IOException {
    devNull.write(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Polls until {@code done} holds for the marked events seen so far, checking framing on the way. */
  private List<WriteEvent> pollUntil(ByteBuffer batch, Predicate<List<WriteEvent>> done) {
    List<WriteEvent> mine = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!done.test(mine)) {
      if (System.nanoTime() > deadline) {
        fail("timed out; marked events so far: " + mine.size());
      }
      int n = reader.poll(batch, 200);
      assertEquals(0, batch.position());
      assertTrue(batch.limit() <= batch.capacity());
      for (WriteEvent e : SelftestObject.parse(batch, n)) {
        if (e.text().startsWith(marker)) {
          mine.add(e);
        }
      }
    }
    return mine;
  }

  @Test
  void tracepointRecordsArriveFramed() throws IOException {
    write(marker + "hello");
    ByteBuffer batch = ByteBuffer.allocateDirect(64 * 1024);
    List<WriteEvent> events = pollUntil(batch, l -> !l.isEmpty());
    WriteEvent e = events.get(0);
    assertEquals(marker + "hello", e.text());
    assertEquals(PID, e.tgid());
    assertEquals(marker.length() + 5, e.count());
    assertEquals(TAG, e.tag(), "the u64 rodata knob reached the program");
  }

  @Test
  void tinyBatchesNeverSplitOrLoseRecords() throws IOException {
    int count = 60;
    for (int i = 0; i < count; i++) {
      write(marker + i + "x".repeat(i % 17));
    }
    // 128 bytes hold one or two of these records: most of them have to wait for a later poll.
    ByteBuffer batch = ByteBuffer.allocateDirect(128);
    List<WriteEvent> events = pollUntil(batch, l -> l.size() >= count);
    assertEquals(count, events.size());
    for (int i = 0; i < count; i++) {
      assertEquals(marker + i + "x".repeat(i % 17), events.get(i).text(), "in order, none lost");
    }
  }

  @Test
  void recordsLargerThanTheBatchAreCountedAndSkipped() throws IOException {
    long before = reader.oversizedRecords();
    write(marker + "big-" + "y".repeat(180));
    write(marker + "s");
    // 64 bytes: the 24-byte header plus the short marker fit, the 200+ byte record never can.
    ByteBuffer batch = ByteBuffer.allocateDirect(96);
    List<WriteEvent> events = pollUntil(batch, l -> l.stream().anyMatch(e -> e.text().equals(marker + "s")));
    assertFalse(events.stream().anyMatch(e -> e.text().startsWith(marker + "big-")));
    assertTrue(reader.oversizedRecords() > before, "oversized: " + reader.oversizedRecords());
  }

  @Test
  void wakeupUnblocksAPollWaitingForever() throws Exception {
    link.close(); // nothing more arrives
    ByteBuffer batch = ByteBuffer.allocateDirect(64 * 1024);
    while (reader.poll(batch, 0) > 0) {
      // drain what this JVM wrote before
    }
    ThreadInKernel<Integer> polled = ThreadInKernel.start(() -> reader.poll(batch, -1));
    polled.awaitWaitingForeverInEpoll();
    assertFalse(polled.result().isDone(), "poll(-1) should block while the ring is empty");
    reader.wakeup();
    assertEquals(0, polled.result().get(5, TimeUnit.SECONDS));

    reader.wakeup();
    long start = System.nanoTime();
    assertEquals(0, reader.poll(batch, 10_000), "a wakeup before poll makes it return at once");
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));

    assertEquals(0, reader.poll(batch, 100), "timeout with nothing to read");
    ThreadInKernel<Integer> blocked = ThreadInKernel.start(() -> reader.poll(batch, -1));
    blocked.awaitWaitingForeverInEpoll(); // the close must meet a poll that waits, not one about to start
    reader.close(); // from another thread: wakes the poll, then frees
    assertEquals(0, blocked.result().get(5, TimeUnit.SECONDS));
  }
}
