package io.hybridmesh.agent.tls;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Closes the probes of processes that went, off the path that attaches probes to new ones. Closing a uprobe
 * link waits for kernel grace periods (40–80 ms measured here per link); done inline, one exiting process
 * would hold up the attach of the next for that long. Closes on several threads at once share their grace
 * periods (16 uprobe_multi links closed in parallel took as long as one), so a small pool keeps up with
 * processes that come and go. Memory is bounded by the attachments themselves: one entry per closed
 * process and library, gone within a grace period or two.
 */
final class Detacher implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Detacher.class.getName());
  private static final int THREADS = 8;

  private final AtomicLong pending = new AtomicLong();
  private final ThreadPoolExecutor pool;

  Detacher() {
    AtomicInteger n = new AtomicInteger();
    pool = new ThreadPoolExecutor(THREADS, THREADS, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "hmesh-tls-detach-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    pool.allowCoreThreadTimeOut(true);
  }

  void detach(TlsProbes.Attachment a) {
    pending.incrementAndGet();
    try {
      pool.execute(() -> close(a));
    } catch (java.util.concurrent.RejectedExecutionException shutDown) {
      close(a);
    }
  }

  private void close(TlsProbes.Attachment a) {
    try {
      a.close();
    } catch (RuntimeException e) {
      LOG.fine(() -> "detaching TLS probes: " + e.getMessage());
    } finally {
      pending.decrementAndGet();
    }
  }

  long pending() {
    return pending.get();
  }

  /** Waits for every queued close: nothing of ours stays attached after the agent stops. */
  @Override
  public void close() {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
        LOG.warning(pending() + " TLS probe links were still being detached after 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
