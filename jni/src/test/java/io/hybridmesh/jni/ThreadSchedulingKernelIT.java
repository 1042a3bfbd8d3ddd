package io.hybridmesh.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.jni.testing.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A thread's scheduling class for real, read back from the kernel's own account of it
 * ({@code /proc/self/task/<tid>/stat}). Root: leaving SCHED_IDLE needs CAP_SYS_NICE. Each test lowers a
 * thread of its own, never the runner's.
 */
@KernelTest
class ThreadSchedulingKernelIT {

  private static final int SCHED_OTHER = 0;
  private static final int SCHED_IDLE = 5;

  private final ThreadScheduling scheduling = ThreadScheduling.system();

  /** The policy field (the 41st) of the thread's stat line; the command name before it may hold spaces. */
  static int policy(int tid) throws IOException {
    String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
    String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Integer.parseInt(afterName[41 - 3]);
  }

  @Test
  void theCallingThreadGoesIdleAndBackAndTheKernelSaysSo() throws Exception {
    CompletableFuture<int[]> seen = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        int tid = scheduling.currentThreadId();
        int[] policies = new int[3];
        policies[0] = policy(tid);
        scheduling.setIdle(tid, true);
        policies[1] = policy(tid);
        boolean idle = scheduling.isIdle(tid);
        scheduling.setIdle(tid, false);
        policies[2] = policy(tid);
        assertTrue(idle);
        assertFalse(scheduling.isIdle(tid));
        assertEquals(Path.of("/proc/thread-self").toRealPath(), Path.of("/proc/self/task/" + tid).toRealPath());
        seen.complete(policies);
      } catch (Throwable e) {
        seen.completeExceptionally(e);
      }
    });
    t.start();
    int[] policies = seen.get(10, TimeUnit.SECONDS);
    assertEquals(SCHED_OTHER, policies[0]);
    assertEquals(SCHED_IDLE, policies[1]);
    assertEquals(SCHED_OTHER, policies[2]);
  }

  @Test
  void anotherThreadOfTheProcessIsMovedByItsId() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    CompletableFuture<Integer> id = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      id.complete(scheduling.currentThreadId());
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    t.start();
    try {
      int tid = id.get(10, TimeUnit.SECONDS);
      scheduling.setIdle(tid, true);
      assertEquals(SCHED_IDLE, policy(tid));
      scheduling.setIdle(tid, false);
      assertEquals(SCHED_OTHER, policy(tid));
    } finally {
      done.countDown();
      t.join();
    }
  }

  @Test
  void rootMayLeaveIdleAgain() {
    assertTrue(scheduling.canLeaveIdle());
  }

  @Test
  void aThreadThatDoesNotExistIsAClearError() {
    BpfException e = assertThrows(BpfException.class, () -> scheduling.setIdle(Integer.MAX_VALUE, true));
    assertTrue(e.getMessage().contains("thread " + Integer.MAX_VALUE), e.getMessage());
    assertThrows(BpfException.class, () -> scheduling.isIdle(Integer.MAX_VALUE));
  }
}
