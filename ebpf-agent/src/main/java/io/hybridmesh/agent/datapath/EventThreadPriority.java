package io.hybridmesh.agent.datapath;

import java.util.Locale;

/**
 * How the agent's event thread shares the CPU with the processes it observes ({@code --event-thread}).
 * The thread decodes events in batches; at normal priority a batch that lands on the CPU a server or
 * client is about to run on makes that request wait for it, which is where most of the agent's added
 * tail latency came from (one connection back to back over HTTPS: p99 +354 us at normal priority, +40 us
 * yielding, on this project's 2-CPU benchmark machine).
 */
public enum EventThreadPriority {
  /**
   * {@code SCHED_IDLE} while the ring buffer has room: the thread runs on CPU time no workload wants, and a
   * workload's thread preempts it at once. It is raised to normal priority when its backlog grows or it has
   * not been able to run for a while ({@link BacklogYieldPolicy}), so a busy node delays flows a little but
   * does not lose them; lowered again once it has caught up and its raise's hold (1 s, doubled for each
   * raise soon after a lowering, up to 32 s) has passed, so a saturated node keeps it at normal priority
   * rather than starving it and then draining a pile in one burst. Needs {@code CAP_SYS_NICE} to raise it:
   * without it the thread stays at normal priority and the agent says so.
   */
  YIELD,
  /** Always normal priority ({@code SCHED_OTHER}), like the rest of the agent. */
  NORMAL;

  /** From the command line's {@code --event-thread} value. */
  public static EventThreadPriority parse(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "yield" -> YIELD;
      case "normal" -> NORMAL;
      default -> throw new IllegalArgumentException("--event-thread takes yield or normal, not '" + value + "'");
    };
  }
}
