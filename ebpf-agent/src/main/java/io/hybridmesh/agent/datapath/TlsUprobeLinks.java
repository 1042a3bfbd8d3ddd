package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.tls.TlsProbes.Attachment;
import io.hybridmesh.agent.tls.TlsSite;
import io.hybridmesh.jni.BpfException;
import io.hybridmesh.jni.BpfLink;
import io.hybridmesh.jni.BpfObject;
import io.hybridmesh.jni.UprobeMultiTarget;
import io.hybridmesh.jni.UprobeTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * How {@link TlsDatapath} puts one process's TLS sites under its programs: one uprobe session link for all of a
 * library's sites (Linux 6.13; the site's kind in its cookie), or two uprobe_multi links (entry and return,
 * Linux 6.6), one uprobe_multi link per Go program, or, where the kernel has no uprobe_multi (before 6.6), a
 * link per site and direction. A site that cannot be
 * attached is left out of the returned {@link Attachment}, never half attached.
 */
final class TlsUprobeLinks {

  private static final Logger LOG = Logger.getLogger(TlsUprobeLinks.class.getName());

  /** The programs for uprobe_multi links: one entry and one return program for every site (by cookie). */
  static final String MULTI_ENTRY = "hm_tls_enter";
  static final String MULTI_RETURN = "hm_tls_leave";
  /** The program for session links: entry and return of every site, by cookie. */
  static final String SESSION = "hm_tls_session";

  private final BpfObject object;

  TlsUprobeLinks(BpfObject object) {
    this.object = object;
  }

  /** One uprobe_multi link per Go program: Write's entries, Read's entries, and every ret. */
  Attachment goMulti(int pid, Path file, List<TlsSite> sites) {
    List<BpfLink> made = new ArrayList<>();
    try {
      for (String program : TlsDatapath.GO_PROGRAMS) {
        long[] offsets = sites.stream().filter(s -> s.entryProgram().equals(program))
            .mapToLong(TlsSite::fileOffset).toArray();
        if (offsets.length > 0) {
          made.add(object.attachUprobeMulti(program, new UprobeMultiTarget(file, offsets, new long[offsets.length],
              UprobeMultiTarget.Kind.ENTRY, pid)));
        }
      }
      return new Links(List.copyOf(made), made.isEmpty() ? List.of() : sites);
    } catch (BpfException e) {
      made.forEach(BpfLink::close);
      LOG.fine(() -> "no Go probes at " + sites + " in " + file + " for pid " + pid + ": " + e.getMessage());
      return new Links(List.of(), List.of());
    }
  }

  /** Every site in one session link: the program decides at each entry whether the call's return is probed. */
  Attachment session(int pid, Path file, List<TlsSite> sites) {
    if (sites.isEmpty()) {
      return new Links(List.of(), List.of());
    }
    long[] offsets = sites.stream().mapToLong(TlsSite::fileOffset).toArray();
    long[] cookies = sites.stream().mapToLong(TlsUprobeLinks::cookie).toArray();
    try {
      return new Links(List.of(object.attachUprobeMulti(SESSION,
          new UprobeMultiTarget(file, offsets, cookies, UprobeMultiTarget.Kind.SESSION, pid))), sites);
    } catch (BpfException e) {
      LOG.fine(() -> "no probes at " + sites + " in " + file + " for pid " + pid + ": " + e.getMessage());
      return new Links(List.of(), List.of());
    }
  }

  /** Every site in one entry and one return link. */
  Attachment multi(int pid, Path file, List<TlsSite> sites) {
    if (sites.isEmpty()) {
      return new Links(List.of(), List.of());
    }
    long[] offsets = sites.stream().mapToLong(TlsSite::fileOffset).toArray();
    long[] cookies = sites.stream().mapToLong(TlsUprobeLinks::cookie).toArray();
    // SSL_set_fd has an entry probe only.
    List<TlsSite> calls = sites.stream().filter(s -> !s.bindsSocket()).toList();
    long[] returnOffsets = calls.stream().mapToLong(TlsSite::fileOffset).toArray();
    long[] returnCookies = calls.stream().mapToLong(TlsUprobeLinks::cookie).toArray();
    BpfLink entry = null;
    try {
      entry = object.attachUprobeMulti(MULTI_ENTRY,
          new UprobeMultiTarget(file, offsets, cookies, UprobeMultiTarget.Kind.ENTRY, pid));
      BpfLink ret = object.attachUprobeMulti(MULTI_RETURN,
          new UprobeMultiTarget(file, returnOffsets, returnCookies, UprobeMultiTarget.Kind.RETURN, pid));
      return new Links(List.of(ret, entry), sites);
    } catch (BpfException e) {
      if (entry != null) {
        entry.close();
      }
      LOG.fine(() -> "no probes at " + sites + " in " + file + " for pid " + pid + ": " + e.getMessage());
      return new Links(List.of(), List.of());
    }
  }

  static long cookie(TlsSite site) {
    if (site.bindsSocket()) {
      return HmAbi.TLS_COOKIE_SET_FD;
    }
    return (site.write() ? HmAbi.TLS_COOKIE_WRITE : 0) | (site.exConvention() ? HmAbi.TLS_COOKIE_EX : 0);
  }

  Attachment perSite(int pid, Path file, List<TlsSite> sites) {
    List<BpfLink> made = new ArrayList<>();
    List<TlsSite> attached = new ArrayList<>();
    for (TlsSite site : sites) {
      BpfLink entry = null;
      try {
        entry = object.attachUprobe(site.entryProgram(), at(file, site, false, pid));
        if (site.returnProgram() != null) { // Go's sites are single probes, never uretprobes
          made.add(object.attachUprobe(site.returnProgram(), at(file, site, true, pid)));
        }
        made.add(entry);
        attached.add(site);
      } catch (BpfException e) {
        if (entry != null) {
          entry.close();
        }
        LOG.fine(() -> "no probe at " + site + " in " + file + " for pid " + pid + ": " + e.getMessage());
      }
    }
    return new Links(List.copyOf(made), List.copyOf(attached));
  }

  private static UprobeTarget at(Path file, TlsSite site, boolean ret, int pid) {
    return new UprobeTarget(file, null, site.fileOffset(), ret, pid);
  }

  private record Links(List<BpfLink> links, List<TlsSite> sites) implements Attachment {
    @Override
    public void close() {
      for (BpfLink l : links) {
        try {
          l.close();
        } catch (RuntimeException e) {
          LOG.fine(() -> "detaching a TLS probe: " + e.getMessage());
        }
      }
    }
  }

}
