package io.hybridmesh.jni;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A native call on a thread of its own, and what the kernel says that thread is doing. To Java a thread
 * blocked in a native call looks RUNNABLE, so "it waits" can only be seen in /proc: the task's state, the
 * kernel function it sleeps in (wchan) and the system call it is in, with its arguments.
 */
final class ThreadInKernel<T> {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Path TASKS = Path.of("/proc/self/task");

  private final String name;
  private final CompletableFuture<T> result = new CompletableFuture<>();

  private ThreadInKernel(String name) {
    this.name = name;
  }

  /** Runs {@code call} on a new thread whose name the kernel knows it by (at most 15 characters). */
  static <T> ThreadInKernel<T> start(Supplier<T> call) {
    ThreadInKernel<T> t = new ThreadInKernel<>("hm-call-" + NAMES.incrementAndGet());
    Thread thread = new Thread(() -> {
      try {
        t.result.complete(call.get());
      } catch (Throwable e) {
        t.result.completeExceptionally(e);
      }
    }, t.name);
    thread.setDaemon(true);
    thread.start();
    return t;
  }

  CompletableFuture<T> result() {
    return result;
  }

  /**
   * Waits until the thread sleeps in epoll_wait (or epoll_pwait) with no timeout: the positive sign that a
   * poll without a timeout is waiting, rather than a pause long enough, one hopes, for it to have returned.
   * Returns early if the call returned.
   */
  void awaitWaitingForeverInEpoll() {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
      Optional<Task> task = task();
      assertTrue(result.isDone() || task.map(Task::waitsForeverInEpoll).orElse(false),
          () -> name + " should be asleep in epoll_wait without a timeout; the kernel says: "
              + task.map(Task::toString).orElse("no such thread"));
    });
  }

  /**
   * One reading of /proc/self/task/TID: the state letter (S: asleep, interruptibly), the kernel function it
   * sleeps in, and its system call "nr arg0 arg1 ..." (or "running").
   */
  record Task(char state, String wchan, String syscall) {

    boolean waitsForeverInEpoll() {
      // "do_epoll_wait" on current kernels, "ep_poll" on older ones; epoll_wait and epoll_pwait both take
      // the timeout as their fourth argument, -1 for none.
      String[] call = syscall.split(" ");
      return state == 'S' && (wchan.contains("epoll") || wchan.contains("ep_poll")) && call.length > 4
          && call[4].startsWith("0x") && (int) Long.parseUnsignedLong(call[4].substring(2), 16) == -1;
    }

    static Optional<Task> read(Path dir) {
      try {
        String stat = Files.readString(dir.resolve("stat"));
        return Optional.of(new Task(stat.charAt(stat.lastIndexOf(')') + 2),
            Files.readString(dir.resolve("wchan")).trim(), Files.readString(dir.resolve("syscall")).trim()));
      } catch (NoSuchFileException e) {
        return Optional.empty(); // the thread ended meanwhile
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** This JVM's task (thread) of that name, read now, if it still runs. */
  private Optional<Task> task() {
    try (Stream<Path> tasks = Files.list(TASKS)) {
      for (Path t : tasks.toList()) {
        if (name.equals(comm(t))) {
          return Task.read(t);
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String comm(Path task) {
    try {
      return Files.readString(task.resolve("comm")).trim();
    } catch (IOException e) {
      return ""; // gone meanwhile
    }
  }
}
