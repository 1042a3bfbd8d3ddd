package io.hybridmesh.agent.datapath;

import io.hybridmesh.jni.BpfMap;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * hm_go_senders (bpf/include/hm_go_tls.h): per pid slot ({@code tgid & 0xffff}), how many probed Go processes
 * there have their Writes reported at their send. The send tracepoint runs for every socket send on the node
 * and reads this slot first, so that sends of every other process stop at one inlined array load. Two
 * processes may share a slot: the count keeps it set until both are gone.
 */
final class GoSenders {

  static final String MAP = "hm_go_senders";
  private static final Logger LOG = Logger.getLogger(GoSenders.class.getName());
  private static final int SLOTS = 1 << 16;

  private final BpfMap map;
  private final Map<Integer, Integer> counts = new HashMap<>();

  GoSenders(BpfMap map) {
    this.map = map;
  }

  /** One more process in {@code pid}'s slot; release it when the process's probes go. */
  synchronized Slot add(int pid) {
    int slot = pid & (SLOTS - 1);
    write(slot, counts.merge(slot, 1, Integer::sum));
    return new Slot(slot);
  }

  private synchronized void remove(int slot) {
    int n = counts.getOrDefault(slot, 0) - 1;
    if (n <= 0) {
      counts.remove(slot);
    } else {
      counts.put(slot, n);
    }
    write(slot, Math.max(0, n));
  }

  private void write(int slot, int count) {
    try {
      map.update(NativeBytes.u32(slot), NativeBytes.u32(count), BpfMap.ANY);
    } catch (RuntimeException e) {
      LOG.fine(() -> "hm_go_senders[" + slot + "] = " + count + ": " + e.getMessage());
    }
  }

  /** A process's place in the count, released once. */
  final class Slot {
    private final int slot;
    private boolean released;

    private Slot(int slot) {
      this.slot = slot;
    }

    void release() {
      synchronized (GoSenders.this) {
        if (released) {
          return;
        }
        released = true;
      }
      remove(slot);
    }
  }
}
