package io.hybridmesh.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The process's thread names from /proc, read again only for threads an earlier answer did not have. */
class ThreadNamesTest {

  /** Only the default methods are used here: nothing native. */
  private final ThreadScheduling scheduling = new ThreadScheduling() {
    @Override
    public int currentThreadId() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void setIdle(int threadId, boolean idle) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isIdle(int threadId) {
      throw new UnsupportedOperationException();
    }
  };

  @Test
  void aRunningThreadIsListedByTheNameTheKernelKnowsItByAndAKnownNameIsNotReadAgain() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    Thread t = new Thread(() -> {
      started.countDown();
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "hm-names-probe");
    t.start();
    try {
      started.await();
      Map<Integer, String> first = scheduling.threads(Map.of());
      int probe = first.entrySet().stream().filter(e -> e.getValue().equals("hm-names-probe"))
          .mapToInt(Map.Entry::getKey).findFirst().orElseThrow();

      Map<Integer, String> again = scheduling.threads(Map.of(probe, "as-known", Integer.MAX_VALUE, "ended"));
      assertEquals("as-known", again.get(probe), "a known thread's name is taken from the earlier answer");
      assertFalse(again.containsKey(Integer.MAX_VALUE), "a known thread that is gone is dropped");
      assertTrue(again.size() >= first.size() - 1, "every other thread still listed, its name read: " + again);
    } finally {
      done.countDown();
      t.join();
    }
  }
}
