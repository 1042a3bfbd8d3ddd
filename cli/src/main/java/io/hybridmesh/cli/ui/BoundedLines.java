package io.hybridmesh.cli.ui;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The lines waiting for one browser, bounded in bytes: the Observer API stream is read at its own pace and
 * never waits for the browser, so when the browser reads too slowly the lines that do not fit are dropped
 * and their flows counted, to be told to the browser as lost events. A slow browser costs at most the
 * budget, never the server.
 */
final class BoundedLines {

  private final long maxChars;
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private long chars;
  private long droppedFlows;
  private boolean ended;

  BoundedLines(long maxChars) {
    this.maxChars = maxChars;
  }

  /** Queues a line, or drops it (counting its flows) when it would pass the budget; false when dropped. */
  synchronized boolean offer(String line, int flows) {
    if (ended) {
      return false;
    }
    if (chars + line.length() > maxChars) {
      droppedFlows += flows;
      return false;
    }
    lines.addLast(line);
    chars += line.length();
    notifyAll();
    return true;
  }

  /** No more lines will come (the stream ended); what is queued is still taken. */
  synchronized void end() {
    ended = true;
    notifyAll();
  }

  /**
   * The next line, waiting up to the timeout; null when none came in time or when the stream has ended and
   * nothing is left (see {@link #finished}).
   */
  synchronized String poll(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (lines.isEmpty() && !ended) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    String line = lines.pollFirst();
    if (line != null) {
      chars -= line.length();
    }
    return line;
  }

  /** Flows dropped since the last call. */
  synchronized long takeDropped() {
    long d = droppedFlows;
    droppedFlows = 0;
    return d;
  }

  synchronized boolean finished() {
    return ended && lines.isEmpty();
  }

  synchronized boolean isEmpty() {
    return lines.isEmpty();
  }

  synchronized long queuedChars() {
    return chars;
  }
}
