package io.hybridmesh.api.kernel;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An upstream kernel version read from a release string ({@code uname -r}, Kubernetes'
 * {@code nodeInfo.kernelVersion}, "v5.4"). Only the leading numbers count: what a distribution appends
 * ("-1-cloud-amd64", "-513.el8.x86_64") says nothing reliable about what it backported. The one parser
 * for kernel versions in the project.
 */
public record KernelRelease(int major, int minor, int patch) implements Comparable<KernelRelease> {

  /** Major and minor are required; the patch level is optional (0 when absent). Nine digits at most. */
  private static final Pattern LEADING_VERSION =
      Pattern.compile("^\\s*v?(\\d{1,9})\\.(\\d{1,9})(?!\\d)(?:\\.(\\d{1,9})(?!\\d))?");

  private static final Comparator<KernelRelease> ORDER =
      Comparator.comparingInt(KernelRelease::major)
          .thenComparingInt(KernelRelease::minor)
          .thenComparingInt(KernelRelease::patch);

  public KernelRelease {
    if (major < 0 || minor < 0 || patch < 0) {
      throw new IllegalArgumentException("negative kernel version " + major + "." + minor + "." + patch);
    }
  }

  /** Convenience for tables and tests: {@code of(6, 16)} is 6.16.0. */
  public static KernelRelease of(int major, int minor) {
    return new KernelRelease(major, minor, 0);
  }

  /**
   * The version at the start of {@code release}, or empty when it does not start with one (null, "",
   * "linux", "-1.2", numbers too long to be a version).
   */
  public static Optional<KernelRelease> parse(String release) {
    if (release == null) {
      return Optional.empty();
    }
    Matcher m = LEADING_VERSION.matcher(release);
    if (!m.find()) {
      return Optional.empty();
    }
    int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    return Optional.of(
        new KernelRelease(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), patch));
  }

  /** True when this release is {@code major.minor} or newer (any patch level). */
  public boolean atLeast(int major, int minor) {
    return this.major > major || (this.major == major && this.minor >= minor);
  }

  @Override
  public int compareTo(KernelRelease other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
