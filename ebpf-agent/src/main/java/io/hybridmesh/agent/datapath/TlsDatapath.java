package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.probe.go.GoStructOffsets;
import io.hybridmesh.agent.tls.TlsProbes;
import io.hybridmesh.agent.tls.TlsSite;
import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.BpfException;
import io.hybridmesh.jni.BpfLink;
import io.hybridmesh.jni.BpfMap;
import io.hybridmesh.jni.BpfObject;
import io.hybridmesh.jni.UprobeMultiTarget;
import io.hybridmesh.jni.UprobeTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The TLS uprobes ({@code bpf/tls_uprobe.bpf.c}): one loaded object, reporting through the ring buffer and
 * counters it is given. Probes are attached per process ({@link #attach}), so only the processes of watched
 * workloads trap; the sched tracepoints report those processes' forks, execs and exits so that user space
 * keeps the probes in step with them.
 */
public final class TlsDatapath implements TlsProbes, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TlsDatapath.class.getName());

  static final String WATCHED_NETNS = "hm_watched_netns";

  /** Programs on the sched raw tracepoints: forks, execs and exits of watched processes. */
  private static final List<String> PROCESS_PROGRAMS =
      List.of("hm_process_fork", "hm_process_exec", "hm_process_exit");

  /** Go's crypto/tls: entry programs for Write and Read, one program for every ret (TlsSite.entryProgram). */
  static final List<String> GO_PROGRAMS = List.of("hm_go_write_enter", "hm_go_read_enter", "hm_go_return",
      "hm_go_read_unlock", "hm_go_handshake_enter");

  private final BpfObject object;
  private final List<BpfLink> links = new ArrayList<>();
  private final boolean followsProcesses;
  /** SESSION, MULTI or PER_SITE: how each process's TLS sites are linked to the programs. */
  private final UprobeLinks linkStyle;
  private final SocketHooks socketHooks;
  /** Apart from {@link #links}: they come and go ({@link #socketNotes()}). */
  private final SocketNoteLinks notes;
  private final GoProcesses goProcesses;
  private final TlsUprobeLinks uprobes;

  /**
   * @param output the ring buffer and counters the programs report through
   * @param hooks how probes are attached; with {@link UprobeLinks#AUTO}, a kernel that refuses the session
   *     program gets uprobe_multi link pairs, one that refuses those a link per site, and with
   *     {@link SocketHooks#AUTO} a kernel without the socket tracepoints gets the syscall tracepoints
   */
  public TlsDatapath(Bpf bpf, byte[] elf, EventOutput output, TlsHooks hooks) {
    List<UprobeLinks> styles = switch (hooks.uprobes()) {
      case AUTO -> List.of(UprobeLinks.SESSION, UprobeLinks.MULTI, UprobeLinks.PER_SITE);
      case SESSION, MULTI, PER_SITE -> List.of(hooks.uprobes());
    };
    BpfObject o = null;
    UprobeLinks style = null;
    for (UprobeLinks candidate : styles) {
      try {
        o = open(bpf, elf, output, candidate);
        style = candidate;
        break;
      } catch (BpfException e) {
        if (candidate == styles.get(styles.size() - 1)) {
          throw e;
        }
        LOG.info(() -> "the TLS programs do not load for " + describe(candidate) + " (" + e.getMessage().lines()
            .findFirst().orElse("") + "); trying the next older way");
      }
    }
    boolean follows = true;
    SocketNoteLinks attachedNotes = null;
    try {
      attachedNotes = SocketNoteLinks.attach(o, hooks.sockets());
      for (String program : PROCESS_PROGRAMS) {
        try {
          links.add(o.attachTracing(program));
        } catch (BpfException e) {
          follows = false;
          LOG.warning("cannot follow new processes as they start (" + e.getMessage() + "); they are found by "
              + "the periodic rescan, so the first TLS calls of a short-lived process may be missed");
        }
      }
    } catch (RuntimeException e) {
      if (attachedNotes != null) {
        attachedNotes.detach();
      }
      links.forEach(BpfLink::close);
      o.close();
      throw e;
    }
    this.notes = attachedNotes;
    this.socketHooks = attachedNotes.kind();
    this.object = o;
    this.goProcesses = new GoProcesses(o.map(GoProcesses.PROCS), o.map(GoSenders.MAP));
    this.uprobes = new TlsUprobeLinks(o);
    this.followsProcesses = follows;
    this.linkStyle = style;
  }

  private static String describe(UprobeLinks style) {
    return switch (style) {
      case SESSION -> "uprobe session links (Linux 6.13 brought them)";
      case MULTI -> "uprobe_multi links (Linux 6.6 brought them)";
      default -> style.name();
    };
  }

  /**
   * The programs that name each call's socket, attached at load. They run at every socket send and receive on
   * the node (before Linux 6.3, at every read and write syscall), whichever process makes it; the agent's
   * {@code TlsSocketNotes} detaches them while no watched process makes TLS calls.
   */
  public SocketNotes socketNotes() {
    return notes;
  }

  /** Brings the socket notes back before a process is probed; a failure leaves them to the next housekeeping. */
  private void notesForNewProcess() {
    try {
      notes.attach();
    } catch (BpfException e) {
      LOG.warning("the TLS probes' socket tracepoints do not attach (" + e.getMessage() + "); TLS flows have "
          + "their connection's addresses only where SSL_set_fd was seen");
    }
  }

  /** Go processes probed now: their Writes are reported at their send, which the socket notes see. */
  public int goProcesses() {
    return goProcesses.live();
  }

  private static BpfObject open(Bpf bpf, byte[] elf, EventOutput output, UprobeLinks style) {
    BpfObject o = bpf.open("tls_uprobe", elf);
    try {
      output.shareWith(o);
      boolean multi = style != UprobeLinks.PER_SITE;
      for (String program : List.of(TlsUprobeLinks.MULTI_ENTRY, TlsUprobeLinks.MULTI_RETURN)) {
        if (style == UprobeLinks.MULTI) {
          o.setProgramAttachType(program, UprobeMultiTarget.ATTACH_TYPE);
        } else {
          o.setProgramAutoload(program, false);
        }
      }
      if (style == UprobeLinks.SESSION) {
        o.setProgramAttachType(TlsUprobeLinks.SESSION, UprobeMultiTarget.SESSION_ATTACH_TYPE);
      } else {
        o.setProgramAutoload(TlsUprobeLinks.SESSION, false);
      }
      if (multi) {
        // Go's programs read no cookie: with uprobe_multi links each is one link for all its sites.
        GO_PROGRAMS.forEach(program -> o.setProgramAttachType(program, UprobeMultiTarget.ATTACH_TYPE));
      }
      o.load();
      return o;
    } catch (RuntimeException e) {
      o.close();
      throw e;
    }
  }

  /** How each process's TLS sites are linked: {@link UprobeLinks#SESSION}, {@code MULTI} or {@code PER_SITE}. */
  public UprobeLinks linkStyle() {
    return linkStyle;
  }

  /** Which tracepoints name the socket of each TLS call. */
  public SocketHooks socketHooks() {
    return socketHooks;
  }

  /** Whether forks, execs and exits are reported as they happen (else only the rescan finds processes). */
  public boolean followsProcesses() {
    return followsProcesses;
  }

  /** One of this object's maps, for another object to share ({@link PlaintextDatapath#SHARED_WITH_TLS}). */
  public BpfMap map(String name) {
    return object.map(name);
  }

  @Override
  public void watchNetns(long netnsInode, int endpointId) {
    object.map(WATCHED_NETNS).update(NativeBytes.u32((int) netnsInode), NativeBytes.u32(endpointId), BpfMap.ANY);
  }

  @Override
  public void unwatchNetns(long netnsInode) {
    object.map(WATCHED_NETNS).delete(NativeBytes.u32((int) netnsInode));
  }

  /** The socket notes are attached first: the process's first calls may be on connections made before. */
  @Override
  public Attachment attach(int pid, Path file, List<TlsSite> sites) {
    notesForNewProcess();
    return switch (linkStyle) {
      case SESSION -> uprobes.session(pid, file, sites);
      case MULTI -> uprobes.multi(pid, file, sites);
      default -> uprobes.perSite(pid, file, sites);
    };
  }

  /**
   * Where the socket tracepoints name each send (Linux 6.3+), a Go Write is reported at its first successful
   * send and its ret instructions get no probe: each would be a single step. Elsewhere every ret is probed.
   */
  @Override
  public Attachment attachGo(int pid, Path file, List<TlsSite> sites, GoStructOffsets offsets) {
    boolean atSend = socketHooks == SocketHooks.SOCKET_TRACEPOINTS;
    notesForNewProcess(); // a Go Write is reported at its send, a Read's socket taken at its receives
    List<TlsSite> probed = GoProcesses.probed(sites, atSend);
    GoProcesses.Registration registration = goProcesses.register(pid, offsets, GoProcesses.readFrame(probed),
        atSend);
    Attachment a = linkStyle != UprobeLinks.PER_SITE ? uprobes.goMulti(pid, file, probed)
        : uprobes.perSite(pid, file, probed);
    GoLinks go = new GoLinks(a, registration);
    if (a.sites().isEmpty()) {
      go.close();
    }
    return go;
  }

  /** A Go process's links and what the programs know of it, which goes with them. */
  private record GoLinks(Attachment links, GoProcesses.Registration registration) implements Attachment {
    @Override
    public List<TlsSite> sites() {
      return links.sites();
    }

    @Override
    public void close() {
      links.close();
      registration.close();
    }
  }

  /**
   * Attaches one of this object's programs at a site of the caller's choosing (a symbol or a file offset,
   * optionally one process): for probe sites picked by instruction class, and for measuring what the
   * programs cost there. The link is also closed with this datapath.
   */
  public BpfLink attachProgram(String program, UprobeTarget target) {
    BpfLink link = object.attachUprobe(program, target);
    links.add(link);
    return link;
  }

  @Override
  public void close() {
    notes.detach();
    links.forEach(BpfLink::close);
    links.clear();
    object.close();
  }
}
