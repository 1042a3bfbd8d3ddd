package io.hybridmesh.agent.kubernetes;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which pod and container a process belongs to, read from its {@code /proc/<pid>/cgroup}. The kubelet
 * names a pod's cgroup after the pod's UID and the runtime names the container's after its id, in one of a
 * few spellings:
 * <ul>
 *   <li>cgroup v2, systemd driver: {@code 0::/kubepods.slice/kubepods-burstable.slice/
 *       kubepods-burstable-pod<uid_with_underscores>.slice/cri-containerd-<id>.scope} (also
 *       {@code crio-<id>.scope}, {@code docker-<id>.scope});
 *   <li>cgroupfs driver (v1 or v2): {@code .../kubepods/burstable/pod<uid>/<id>}.
 * </ul>
 * Pure: takes the file's text, returns what it names. Anything else (a host process, a garbled file) is
 * empty, never an exception.
 */
public final class ContainerCgroup {

  /** The pod's UID (with dashes) and the container id (64 hex digits, no runtime prefix). */
  public record Ids(String podUid, String containerId) {}

  private static final Pattern SYSTEMD = Pattern.compile(
      "kubepods[^/]*?-pod([0-9a-fA-F_]{36})\\.slice/(?:cri-containerd|crio|docker|containerd)-([0-9a-f]{64})\\.scope");
  private static final Pattern CGROUPFS = Pattern.compile(
      "kubepods(?:/[a-z]+)?/pod([0-9a-fA-F-]{36})/([0-9a-f]{64})(?:/|$)");
  /** Bounded: a cgroup file is a few lines; a larger one is not the kernel's. */
  private static final int MAX_LENGTH = 64 * 1024;

  private ContainerCgroup() {}

  public static Optional<Ids> parse(String cgroupFile) {
    if (cgroupFile == null || cgroupFile.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    for (String line : cgroupFile.split("\n")) {
      // hierarchy-id:controllers:path; the path may itself contain ':' only in theory, so split twice.
      int first = line.indexOf(':');
      int second = first < 0 ? -1 : line.indexOf(':', first + 1);
      if (second < 0) {
        continue;
      }
      String path = line.substring(second + 1).strip();
      Matcher m = SYSTEMD.matcher(path);
      if (m.find()) {
        return Optional.of(new Ids(m.group(1).replace('_', '-').toLowerCase(Locale.ROOT), m.group(2)));
      }
      m = CGROUPFS.matcher(path);
      if (m.find()) {
        return Optional.of(new Ids(m.group(1).toLowerCase(Locale.ROOT), m.group(2)));
      }
    }
    return Optional.empty();
  }

  /** {@code containerd://<id>} as a pod's status reports it, to the bare id; null when not an id. */
  public static String bareId(String statusContainerId) {
    if (statusContainerId == null) {
      return null;
    }
    int sep = statusContainerId.indexOf("://");
    String id = sep < 0 ? statusContainerId : statusContainerId.substring(sep + 3);
    return id.matches("[0-9a-f]{64}") ? id : null;
  }
}
