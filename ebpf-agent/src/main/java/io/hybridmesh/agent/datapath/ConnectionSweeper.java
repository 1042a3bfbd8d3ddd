package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.abi.ConnEvent;
import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.jni.BpfMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Finishes what the kernel cannot: connections that went quiet without a close (UDP, ICMP, a TCP peer
 * that vanished) are reported TIMED_OUT, and a close or reset whose event was lost to a full ring buffer
 * (marked END_PENDING) is reported from the table. Both are then removed from the table.
 */
public final class ConnectionSweeper {

  private final BpfMap connections;
  private final TcSettings settings;
  private final Consumer<ConnEvent> out;
  private long removedTotal;
  private int remaining;

  public ConnectionSweeper(BpfMap connections, TcSettings settings, Consumer<ConnEvent> out) {
    this.connections = connections;
    this.settings = settings;
    this.out = out;
  }

  /**
   * One pass over the table.
   *
   * @param nowNs the current CLOCK_MONOTONIC time, the clock of the table's timestamps
   * @return the number of connections reported and removed
   */
  public int sweep(long nowNs) {
    int removed = 0;
    int left = 0;
    byte[] key = connections.nextKey(null);
    while (key != null) {
      // Read the successor first: deleting the current key must not end the walk.
      byte[] next = connections.nextKey(key);
      byte[] value = connections.lookup(key);
      if (value != null) {
        ConnEvent ended = endOf(key, value, nowNs);
        if (ended != null && connections.delete(key)) {
          out.accept(ended);
          removed++;
        } else {
          left++;
        }
      }
      key = next;
    }
    removedTotal += removed;
    remaining = left;
    return removed;
  }

  /** Entries the sweeps removed, all of them so far (for {@link ConnectionLedger}). */
  public long removedTotal() {
    return removedTotal;
  }

  /** Entries the last sweep walked past and left in the table (for {@link ConnectionLedger}). */
  public int remaining() {
    return remaining;
  }

  /** The event that ends this entry now, or {@code null} when it lives on. */
  ConnEvent endOf(byte[] keyBytes, byte[] valueBytes, long nowNs) {
    ByteBuffer k = ByteBuffer.wrap(keyBytes).order(ByteOrder.nativeOrder());
    ByteBuffer v = ByteBuffer.wrap(valueBytes).order(ByteOrder.nativeOrder());
    int state = v.get(HmAbi.ConnValue.STATE) & 0xff;
    int flags = v.get(HmAbi.ConnValue.CONN_FLAGS) & 0xff;
    long lastNs = v.getLong(HmAbi.ConnValue.LAST_NS);
    FlowTuple keyTuple = FlowTuple.read(k, HmAbi.ConnKey.TUPLE);
    // Keys order a connection's ends canonically; events name the initiator first.
    FlowTuple tuple = (flags & HmAbi.CONN_F_INITIATOR_IS_KEY_DST) != 0 ? keyTuple.reversed() : keyTuple;

    int endState;
    if ((flags & HmAbi.CONN_F_END_PENDING) != 0) {
      endState = state;
    } else {
      long idleNs = tuple.protocol() == HmAbi.IPPROTO_TCP
          ? settings.tcpIdleTimeout().toNanos()
          : settings.otherIdleTimeout().toNanos();
      if (nowNs - lastNs < idleNs) {
        return null;
      }
      endState = ConnEvent.STATE_TIMED_OUT;
    }
    return new ConnEvent(
        endState,
        flags,
        k.getInt(HmAbi.ConnKey.ENDPOINT_ID),
        endState == ConnEvent.STATE_TIMED_OUT ? nowNs : lastNs,
        v.getLong(HmAbi.ConnValue.FIRST_NS),
        tuple,
        ConnEvent.Traffic.read(v, HmAbi.ConnValue.TO_RESPONDER),
        ConnEvent.Traffic.read(v, HmAbi.ConnValue.TO_INITIATOR),
        v.getInt(HmAbi.ConnValue.IFINDEX),
        0,
        (flags & HmAbi.CONN_F_LOCAL_INITIATOR) != 0,
        true,
        v.get(HmAbi.ConnValue.FLAGS_TO_RESPONDER) & 0xff,
        v.get(HmAbi.ConnValue.FLAGS_TO_INITIATOR) & 0xff,
        0,
        0);
  }
}
