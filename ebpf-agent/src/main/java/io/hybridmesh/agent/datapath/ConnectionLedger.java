package io.hybridmesh.agent.datapath;

/**
 * How many connections the LRU connection table evicted, told from what went in and what came out.
 * Pure; one instance per table, fed once per sweep.
 *
 * <p>An LRU hash evicts without telling anyone (no error, no event; only a kprobe could see it, and
 * kprobes are not available everywhere). But every entry that was ever inserted is, at any moment,
 * either still in the table, removed by the programs (at a close they reported), removed by the sweeper
 * (timed out, or an end it reported for them), or evicted. The programs count their inserts and removals,
 * the sweeper its removals and the entries it walked past, so the evicted ones are what remains.
 *
 * <p>The table changes while the sweeper walks it, so one reading can be off; read in this order it can
 * only be low, never high: {@code inserted} before the walk (entries added during the walk are then
 * missing from it, while the walk may count them as present), the removals after it, and a walk that
 * restarts after a concurrent removal counts some entries twice. So evictions are reported late at worst,
 * never invented, and the count is exact whenever the table holds still for a sweep.
 */
public final class ConnectionLedger {

  /** Written by the sweeping thread, read by whoever asks for counters. */
  private volatile long reported;

  /**
   * The evictions not reported yet.
   *
   * @param inserted entries the programs inserted, read before the sweeper's walk
   * @param removedByPrograms entries the programs removed, read after it
   * @param removedBySweeper entries the sweeper removed, up to and including this walk
   * @param present entries the walk passed and left in the table
   */
  public long newEvictions(long inserted, long removedByPrograms, long removedBySweeper, long present) {
    long evicted = inserted - removedByPrograms - removedBySweeper - present;
    if (evicted <= reported) {
      return 0;
    }
    long fresh = evicted - reported;
    reported = evicted;
    return fresh;
  }

  /** Evictions reported so far. */
  public long total() {
    return reported;
  }
}
