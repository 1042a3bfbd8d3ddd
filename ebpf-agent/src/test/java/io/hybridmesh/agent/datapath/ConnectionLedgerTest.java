package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ConnectionLedgerTest {

  @Test
  void evictionsAreWhatIsNeitherRemovedNorPresent() {
    ConnectionLedger ledger = new ConnectionLedger();
    assertEquals(0, ledger.newEvictions(10, 4, 2, 4));
    assertEquals(3, ledger.newEvictions(20, 6, 3, 8));
    assertEquals(0, ledger.newEvictions(20, 6, 3, 8), "reported once");
    assertEquals(0, ledger.newEvictions(20, 6, 3, 9), "a low reading takes nothing back");
    assertEquals(1, ledger.newEvictions(25, 6, 5, 10));
    assertEquals(4, ledger.total());
  }

  /**
   * A model of the kernel's LRU hash and of the sweeper's walk over it while the programs insert and
   * remove entries: a walk visits keys in table order, misses entries inserted behind it, and restarts
   * from the first key when the one it stands on disappears. Whatever happens during a walk, the ledger
   * never reports more evictions than happened, and after a walk over a quiet table exactly as many.
   */
  @Test
  void neverMoreThanHappenedAndExactWhenTheTableHoldsStill() {
    for (long seed = 1; seed <= 200; seed++) {
      Random random = new Random(seed);
      Table table = new Table(16 + random.nextInt(16));
      ConnectionLedger ledger = new ConnectionLedger();
      long sweptAway = 0;
      for (int round = 0; round < 30; round++) {
        boolean quiet = round % 5 == 4;
        for (int i = random.nextInt(40); i > 0; i--) {
          table.programsAct(random);
        }
        long inserted = table.inserted;
        int present = 0;
        Integer cursor = table.first();
        int steps = 0;
        while (cursor != null && steps++ < 10_000) {
          if (!quiet && random.nextInt(3) == 0) {
            table.programsAct(random);
          }
          Integer next = table.next(cursor);
          if (table.contains(cursor)) {
            if (random.nextInt(4) == 0 && table.remove(cursor)) {
              sweptAway++;
            } else {
              present++;
            }
          }
          cursor = next;
        }
        ledger.newEvictions(inserted, table.removedByPrograms, sweptAway, present);
        assertTrue(ledger.total() <= table.evicted, "seed " + seed + ": " + ledger.total() + " > " + table.evicted);
        if (quiet) {
          assertEquals(table.evicted, ledger.total(), "seed " + seed + ", a walk over a quiet table");
        }
      }
    }
  }

  /** An LRU hash of int keys in a fixed order (the buckets), with the programs' counters. */
  private static final class Table {
    private final int capacity;
    private final TreeMap<Integer, Boolean> byBucket = new TreeMap<>();
    private final Map<Integer, Boolean> byUse = new LinkedHashMap<>(16, 0.75f, true);
    long inserted;
    long removedByPrograms;
    long evicted;

    Table(int capacity) {
      this.capacity = capacity;
    }

    void programsAct(Random random) {
      int key = random.nextInt(200);
      if (byBucket.containsKey(key)) {
        byUse.get(key); // a packet of a known connection: recently used
        if (random.nextInt(3) == 0) {
          byBucket.remove(key); // its close, reported
          byUse.remove(key);
          removedByPrograms++;
        }
        return;
      }
      if (byBucket.size() == capacity) {
        Integer oldest = byUse.keySet().iterator().next();
        byUse.remove(oldest);
        byBucket.remove(oldest);
        evicted++;
      }
      byBucket.put(key, true);
      byUse.put(key, true);
      inserted++;
    }

    Integer first() {
      return byBucket.isEmpty() ? null : byBucket.firstKey();
    }

    /** Like bpf_map_get_next_key: the key after this one, or the first one when this one is gone. */
    Integer next(Integer key) {
      return byBucket.containsKey(key) ? byBucket.higherKey(key) : first();
    }

    boolean contains(Integer key) {
      return byBucket.containsKey(key);
    }

    boolean remove(Integer key) {
      byUse.remove(key);
      return byBucket.remove(key) != null;
    }
  }
}
