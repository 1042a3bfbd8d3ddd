package io.hybridmesh.agent.tls;

import io.hybridmesh.agent.tls.ProcessView.TlsFile;
import io.hybridmesh.agent.tls.TlsProbes.Attachment;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One watched process as {@link TlsProcessWatch} keeps it: which of its TLS files carry probes, which could
 * not be probed, which it maps itself. Not thread-safe: the watch's lock guards it.
 */
final class TrackedProcess {

  /** One file's probes in this process. */
  record Attached(TlsFile file, Attachment attachment) {}

  final long netns;
  /** With the pid, what tells this process from a later one that reuses its pid. */
  final long startTime;
  final String root;
  /** By file identity. */
  final Map<String, Attached> files = new LinkedHashMap<>();
  final Set<String> failed = new HashSet<>();
  /** Files found in the process itself (maps, DT_NEEDED), not only handed down from its parent or root. */
  final Set<String> own = new HashSet<>();
  /** The maps fingerprint when every TLS file of the process was last settled; UNKNOWN before. */
  long mapsSeen = MapsFingerprint.UNKNOWN;

  TrackedProcess(long netns, long startTime, String root) {
    this.netns = netns;
    this.startTime = startTime;
    this.root = root;
  }

  /** Hands every attachment to the detacher: closing one waits for a kernel grace period. */
  void close(Detacher detacher) {
    files.values().forEach(a -> detacher.detach(a.attachment()));
    files.clear();
  }
}
