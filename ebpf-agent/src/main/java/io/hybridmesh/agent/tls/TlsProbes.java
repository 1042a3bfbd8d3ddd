package io.hybridmesh.agent.tls;

import io.hybridmesh.agent.probe.go.GoStructOffsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Places the TLS probes of one file for one process only: the kernel then installs breakpoints in that
 * process's memory and nowhere else, so other processes mapping the same library never trap. The BPF side
 * implements it ({@code TlsDatapath}); tests use a fake.
 */
public interface TlsProbes {

  /** Reports TLS calls of processes in this network namespace (its inode number) as this endpoint. */
  void watchNetns(long netnsInode, int endpointId);

  void unwatchNetns(long netnsInode);

  /**
   * Attaches an entry and a return probe at each site, scoped to {@code pid}. Sites that cannot be attached
   * are left out of the result; it is empty when none could be.
   *
   * @param file the file as this process can open it (through {@code /proc/<pid>/root} for containers)
   */
  Attachment attach(int pid, Path file, List<TlsSite> sites);

  /**
   * As {@link #attach}, for a Go binary's crypto/tls: first tells the programs how this process's
   * {@code *tls.Conn} reach their socket; the attachment forgets that again when closed.
   */
  Attachment attachGo(int pid, Path file, List<TlsSite> sites, GoStructOffsets offsets);

  /** The probes of one file in one process. */
  interface Attachment extends AutoCloseable {

    /** The sites that were attached. */
    List<TlsSite> sites();

    /** Detaches them; a process that is already gone is not an error. */
    @Override
    void close();
  }
}
