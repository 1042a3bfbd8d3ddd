package io.hybridmesh.cli.demo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One demo per host: the demo's namespaces, addresses and port are fixed, so a second run would tear
 * the first one's apart. An OS file lock (released by the kernel when the holder dies, so a killed run
 * never blocks the next) with the holder's pid inside for the message.
 */
final class DemoLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private DemoLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** @throws DemoException naming the running demo's pid when another demo holds the lock */
  static DemoLock acquire(Path file) {
    try {
      Files.createDirectories(file.getParent());
      FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock = ch.tryLock();
      if (lock == null) {
        String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
        ch.close();
        throw new DemoException("another hmesh demo is running" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
            + "; stop it first (Ctrl-C in its terminal" + (holder.isEmpty() ? "" : ", or kill " + holder)
            + "): the demo's namespaces and its port 4245 can serve one demo at a time");
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
      ch.force(false);
      return new DemoLock(ch, lock);
    } catch (IOException e) {
      throw new DemoException("cannot take the demo lock " + file + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      channel.truncate(0);
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The kernel drops the lock with the process anyway.
    }
  }
}
