package io.hybridmesh.agent.datapath;

import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.BpfException;
import io.hybridmesh.jni.BpfLink;
import io.hybridmesh.jni.BpfObject;
import io.hybridmesh.jni.TcHook;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Attaches an interface's two TC programs the way the settings and the kernel allow: tcx links where the
 * kernel has them (they go with the agent's process, so a crash leaves nothing running), else netlink
 * filters at a fixed handle and priority, which replace what a crashed run left on the same hook.
 *
 * <p>Where tcx is used, a legacy filter of ours that an earlier run left on the hook (an agent that
 * crashed on this node before it was upgraded, or ran with {@code --tc-attach legacy}) is removed, so that
 * no second copy of the programs keeps running on every packet for a ring buffer nobody reads. A filter is
 * ours only when its handle, its priority and its program's name all are.
 */
final class TcLinker {

  private static final Logger LOG = Logger.getLogger(TcLinker.class.getName());
  static final String INGRESS = "hm_tc_ingress";
  static final String EGRESS = "hm_tc_egress";
  /** Filter handle and priority of the legacy path: attaching again replaces what a crashed run left. */
  static final int HANDLE = 0x484d;
  static final int PRIORITY = 0x484d;
  /** What a kernel without tcx answers: the attach type is unknown to it. */
  private static final int EINVAL = 22;
  private static final int EOPNOTSUPP = 95;
  private static final int ENOTSUPP = 524;

  private final Bpf bpf;
  private final TcAttach wanted;
  private final AtomicInteger leftoversRemoved = new AtomicInteger();
  private volatile TcAttach inUse;

  TcLinker(Bpf bpf, TcAttach wanted) {
    this.bpf = bpf;
    this.wanted = wanted;
    this.inUse = wanted == TcAttach.LEGACY ? TcAttach.LEGACY : TcAttach.AUTO;
  }

  /** tcx or legacy once an interface was attached; {@link TcAttach#AUTO} before that. */
  TcAttach inUse() {
    return inUse;
  }

  /** Legacy filters of an earlier run removed so far. */
  int leftoversRemoved() {
    return leftoversRemoved.get();
  }

  /** The two links of one loaded instance on one interface (ingress first). */
  List<BpfLink> attach(BpfObject o, Path netns, String interfaceName) {
    if (inUse != TcAttach.LEGACY) {
      try {
        List<BpfLink> links = both(o, netns, interfaceName, true);
        inUse = TcAttach.TCX;
        removeLeftovers(netns, interfaceName);
        return links;
      } catch (BpfException e) {
        if (wanted == TcAttach.TCX || !kernelLacksTcx(e)) {
          throw e;
        }
        inUse = TcAttach.LEGACY;
        LOG.info("This kernel has no tcx (" + e.getMessage() + "): the TC programs are attached as netlink "
            + "filters, which stay attached if the agent dies until its next start replaces them or "
            + "'hmesh agent --cleanup' removes them.");
      }
    }
    return both(o, netns, interfaceName, false);
  }

  private static boolean kernelLacksTcx(BpfException e) {
    return e.errno() == EINVAL || e.errno() == EOPNOTSUPP || e.errno() == ENOTSUPP;
  }

  private static List<BpfLink> both(BpfObject o, Path netns, String interfaceName, boolean tcx) {
    List<BpfLink> links = new ArrayList<>(2);
    try {
      for (TcHook hook : hooks(netns, interfaceName)) {
        String program = hook.direction() == TcHook.Direction.INGRESS ? INGRESS : EGRESS;
        links.add(tcx ? o.attachTcx(program, hook) : o.attachTc(program, hook));
      }
      return links;
    } catch (RuntimeException e) {
      links.forEach(BpfLink::close);
      throw e;
    }
  }

  /** The interface's ingress and egress hooks at our legacy handle and priority. */
  static List<TcHook> hooks(Path netns, String interfaceName) {
    return List.of(new TcHook(netns, interfaceName, TcHook.Direction.INGRESS, HANDLE, PRIORITY),
        new TcHook(netns, interfaceName, TcHook.Direction.EGRESS, HANDLE, PRIORITY));
  }

  private void removeLeftovers(Path netns, String interfaceName) {
    for (TcHook hook : hooks(netns, interfaceName)) {
      String program = hook.direction() == TcHook.Direction.INGRESS ? INGRESS : EGRESS;
      try {
        if (bpf.removeLegacyTc(hook, program)) {
          leftoversRemoved.incrementAndGet();
          LOG.info("Removed the legacy TC filter an earlier run left on " + interfaceName
              + (netns == null ? "" : " in " + netns) + " (" + hook.direction() + ").");
        }
      } catch (BpfException e) {
        LOG.warning("Cannot check " + interfaceName + " for a legacy TC filter an earlier run left: "
            + e.getMessage());
      }
    }
  }
}
