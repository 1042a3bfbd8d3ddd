package io.hybridmesh.jni;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A thread's CPU scheduling class: normal ({@code SCHED_OTHER}) or {@code SCHED_IDLE}, which runs only
 * where no normal thread wants the CPU and is preempted the moment one does. Thread ids are Linux thread
 * ids (as in {@code /proc/self/task}), not Java's.
 *
 * <p>Generic, like {@link Bpf}: code above takes this interface so that tests can use a fake;
 * {@link #system()} is the real one.
 */
public interface ThreadScheduling {

  /** The Linux thread id of the calling thread. */
  int currentThreadId();

  /**
   * Moves one thread to {@code SCHED_IDLE} or back to {@code SCHED_OTHER}. Any thread may lower a thread
   * of its own process; leaving {@code SCHED_IDLE} needs {@code CAP_SYS_NICE} (or an {@code RLIMIT_NICE}
   * of 20).
   *
   * @throws BpfException with the errno when the kernel refuses
   */
  void setIdle(int threadId, boolean idle);

  /** Whether the thread is {@code SCHED_IDLE} now. */
  boolean isIdle(int threadId);

  /**
   * Whether threads of this process may leave {@code SCHED_IDLE} again, tried on a short-lived thread of
   * its own (the kernel's rule depends on capabilities, user namespaces and limits; trying is the one
   * faithful test). A thread that could be lowered but not raised must never be lowered.
   */
  default boolean canLeaveIdle() {
    boolean[] raised = {false};
    Thread probe = new Thread(() -> {
      int self = currentThreadId();
      try {
        setIdle(self, true);
        setIdle(self, false);
        raised[0] = true;
      } catch (BpfException e) {
        raised[0] = false; // this thread ends here, idle or not
      }
    }, "hmesh-sched-probe");
    probe.start();
    try {
      probe.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return raised[0];
  }

  /**
   * This process's threads now: Linux thread id to the kernel's name for it (at most 15 characters, as in
   * {@code /proc/self/task/<tid>/comm}). Threads that end while it looks are left out. The names of threads
   * still running are taken from {@code known} (an earlier answer, or none) rather than read again: one directory listing and a read per new thread, where reading every name took a
   * watcher a few milliseconds a look. A name given in {@code known} is trusted while its id stays in the
   * listing; an id that ended and came back between two looks would keep its old name, which needs the
   * kernel to hand out millions of ids in between.
   */
  default Map<Integer, String> threads(Map<Integer, String> known) {
    Map<Integer, String> byId = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          int id = Integer.parseInt(task.getFileName().toString());
          String name = known.get(id);
          byId.put(id, name != null ? name : Files.readString(task.resolve("comm")).strip());
        } catch (IOException | NumberFormatException ended) {
          // gone while we looked, or not a thread directory
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return byId;
  }

  /** The kernel's, through libhmjni (loaded on first use). */
  static ThreadScheduling system() {
    NativeLibrary.load();
    return NativeThreadScheduling.INSTANCE;
  }
}
