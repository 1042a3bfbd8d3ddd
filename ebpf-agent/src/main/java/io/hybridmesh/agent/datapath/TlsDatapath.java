package io.hybridmesh.agent.datapath;

import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.BpfException;
import io.hybridmesh.jni.BpfLink;
import io.hybridmesh.jni.BpfMap;
import io.hybridmesh.jni.BpfObject;
import io.hybridmesh.jni.UprobeTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The TLS uprobes ({@code bpf/tls_uprobe.bpf.c}): one loaded object, reporting through the ring buffer
 * and counters it is given. Libraries are attached once per file, for every process that maps them;
 * the programs themselves report only processes of watched network namespaces.
 */
public final class TlsDatapath implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TlsDatapath.class.getName());

  static final String WATCHED_NETNS = "hm_watched_netns";

  /** Function, entry program, return program: OpenSSL 1.1 and 3 export all four. */
  private static final List<String[]> OPENSSL_PROBES = List.of(
      new String[] {"SSL_write", "hm_ssl_write", "hm_ssl_write_ret"},
      new String[] {"SSL_read", "hm_ssl_read", "hm_ssl_read_ret"},
      new String[] {"SSL_write_ex", "hm_ssl_write_ex", "hm_ssl_write_ex_ret"},
      new String[] {"SSL_read_ex", "hm_ssl_read_ex", "hm_ssl_read_ex_ret"});

  /** The syscalls whose file descriptor names the socket behind a TLS call. */
  private static final List<String> SYSCALLS =
      List.of("sys_enter_write", "sys_enter_sendto", "sys_enter_read", "sys_enter_recvfrom");

  private final BpfObject object;
  private final List<BpfLink> links = new ArrayList<>();

  /** @param wakeupBytes waiting bytes at which the programs wake the reader */
  public TlsDatapath(Bpf bpf, byte[] elf, BpfMap events, BpfMap stats, long wakeupBytes) {
    BpfObject o = bpf.open("tls_uprobe", elf);
    try {
      o.setRodata("hm_wakeup_bytes", NativeBytes.u64(wakeupBytes));
      o.reuseMap("hm_events", events);
      o.reuseMap("hm_stats", stats);
      o.load();
      for (String syscall : SYSCALLS) {
        links.add(o.attachTracepoint("hm_" + syscall.substring(4), "syscalls", syscall));
      }
    } catch (RuntimeException e) {
      links.forEach(BpfLink::close);
      o.close();
      throw e;
    }
    this.object = o;
  }

  /** Reports TLS calls of processes in this network namespace (its inode number) as this endpoint. */
  public void watchNetns(long netnsInode, int endpointId) {
    object.map(WATCHED_NETNS).update(NativeBytes.u32((int) netnsInode), NativeBytes.u32(endpointId), BpfMap.ANY);
  }

  public void unwatchNetns(long netnsInode) {
    object.map(WATCHED_NETNS).delete(NativeBytes.u32((int) netnsInode));
  }

  /**
   * Attaches the OpenSSL probes to a library or executable. Functions it does not export are skipped
   * (OpenSSL 1.1.0 has no _ex forms).
   *
   * @return the functions probed; empty when none could be
   */
  public List<String> attachOpenSsl(Path binary) {
    List<String> probed = new ArrayList<>();
    for (String[] p : OPENSSL_PROBES) {
      BpfLink entry = null;
      try {
        entry = object.attachUprobe(p[1], UprobeTarget.entry(binary, p[0]));
        links.add(object.attachUprobe(p[2], UprobeTarget.exit(binary, p[0])));
        links.add(entry);
        probed.add(p[0]);
      } catch (BpfException e) {
        if (entry != null) {
          entry.close();
        }
        LOG.fine(() -> "no probe on " + p[0] + " in " + binary + ": " + e.getMessage());
      }
    }
    return probed;
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
    links.forEach(BpfLink::close);
    links.clear();
    object.close();
  }
}
