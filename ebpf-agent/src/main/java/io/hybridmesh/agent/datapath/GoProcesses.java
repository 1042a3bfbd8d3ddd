package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.probe.go.GoStructOffsets;
import io.hybridmesh.agent.tls.TlsSite;
import io.hybridmesh.jni.BpfMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * What the Go programs know of each probed Go process (bpf/include/hm_go_tls.h): its struct offsets in
 * hm_go_procs, whether its Writes are reported at their send (then counted in hm_go_senders), and whether its
 * Reads are reported at their deferred unlock, with the frame slots that takes. A pid is
 * reused: an entry is removed only by the registration that wrote it.
 */
final class GoProcesses {

  static final String PROCS = "hm_go_procs";
  private static final Logger LOG = Logger.getLogger(GoProcesses.class.getName());

  private final BpfMap procs;
  private final GoSenders senders;
  private final AtomicInteger registrations = new AtomicInteger();
  private final AtomicInteger live = new AtomicInteger();

  GoProcesses(BpfMap procs, BpfMap senders) {
    this.procs = procs;
    this.senders = new GoSenders(senders);
  }

  /** The sites to probe: with Writes reported at their send, Write's rets are left out. */
  static List<TlsSite> probed(List<TlsSite> sites, boolean writesAtSend) {
    return writesAtSend ? sites.stream().filter(s -> !(s.write() && s.go() == TlsSite.GoRole.RETURN)).toList()
        : sites;
  }

  /** Where Read's frame keeps n and its closure, when Read's deferred unlock is among the sites; else null. */
  static TlsSite.ReadFrame readFrame(List<TlsSite> sites) {
    return sites.stream().filter(s -> s.go() == TlsSite.GoRole.READ_UNLOCK).map(TlsSite::readFrame).findFirst()
        .orElse(null);
  }

  /**
   * Tells the programs about the process; close the result when its probes go.
   *
   * @param readFrame where Read's results are read at its deferred unlock; null when only at its rets
   */
  Registration register(int pid, GoStructOffsets offsets, TlsSite.ReadFrame readFrame, boolean writesAtSend) {
    int id = registrations.incrementAndGet();
    live.incrementAndGet();
    procs.update(NativeBytes.u32(pid), encode(offsets, id, writesAtSend, readFrame), BpfMap.ANY);
    return new Registration(pid, id, writesAtSend ? senders.add(pid) : null);
  }

  /** Processes registered and not yet closed. */
  int live() {
    return live.get();
  }

  /** {@code struct hm_go_offsets}. */
  static byte[] encode(GoStructOffsets o, int attachId, boolean writesAtSend, TlsSite.ReadFrame readFrame) {
    int flags = (writesAtSend ? HmAbi.GoOffsetsLayout.F_WRITE_AT_SEND : 0)
        | (readFrame != null ? HmAbi.GoOffsetsLayout.F_READ_AT_UNLOCK : 0);
    ByteBuffer b = ByteBuffer.allocate(HmAbi.GoOffsetsLayout.SIZE).order(ByteOrder.nativeOrder())
        .putInt(HmAbi.GoOffsetsLayout.CONN_DATA, o.connData())
        .putInt(HmAbi.GoOffsetsLayout.TCPCONN_FD, o.tcpConnFd())
        .putInt(HmAbi.GoOffsetsLayout.NETFD_SYSFD, o.netFdSysfd())
        .putInt(HmAbi.GoOffsetsLayout.ATTACH_ID, attachId)
        .putInt(HmAbi.GoOffsetsLayout.FLAGS, flags);
    if (readFrame != null) {
      b.putShort(HmAbi.GoOffsetsLayout.READ_RESULT_SLOT, (short) readFrame.resultSlot())
          .putShort(HmAbi.GoOffsetsLayout.READ_CLOSURE_SLOT, (short) readFrame.closureSlot());
    }
    return b.array();
  }

  /** One process's entries, removed once. */
  final class Registration implements AutoCloseable {
    private final int pid;
    private final int id;
    private final GoSenders.Slot sender;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Registration(int pid, int id, GoSenders.Slot sender) {
      this.pid = pid;
      this.id = id;
      this.sender = sender;
    }

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      live.decrementAndGet();
      if (sender != null) {
        sender.release();
      }
      try {
        byte[] v = procs.lookup(NativeBytes.u32(pid));
        if (v != null && ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt(HmAbi.GoOffsetsLayout.ATTACH_ID)
            == id) {
          procs.delete(NativeBytes.u32(pid));
        }
      } catch (RuntimeException e) {
        LOG.fine(() -> "forgetting Go process " + pid + ": " + e.getMessage());
      }
    }
  }
}
