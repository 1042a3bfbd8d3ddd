package io.hybridmesh.agent.probe.go;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Go release as a binary names it ({@code go1.22.5}, {@code go1.21rc2}, {@code go1.25-20250209-RC00},
 * {@code go1.16.5b7}, {@code go1.22.1 X:boringcrypto}): what decides the calling convention and which row of
 * the struct-offset table applies. Only the major and minor numbers matter for either.
 *
 * @param text the version as the binary wrote it
 */
public record GoVersion(int major, int minor, String text) {

  private static final Pattern RELEASE = Pattern.compile("go(\\d{1,3})\\.(\\d{1,4})(?![0-9]).*", Pattern.DOTALL);

  /** The release in {@code text}, or empty when it names none ({@code devel +abc}, garbage). */
  public static Optional<GoVersion> parse(String text) {
    if (text == null || text.length() > 256) {
      return Optional.empty();
    }
    Matcher m = RELEASE.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new GoVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), text.trim()));
  }

  public boolean atLeast(int major, int minor) {
    return this.major > major || (this.major == major && this.minor >= minor);
  }

  /** {@code go1.22}: the release line, as the offset table and the reports name it. */
  public String line() {
    return "go" + major + "." + minor;
  }

  /**
   * Arguments and results in registers (Go's internal ABI, "regabi") on amd64 from Go 1.17; before it every
   * argument and result lives on the goroutine's stack.
   */
  public boolean registerAbiOnAmd64() {
    return atLeast(1, 17);
  }

  /**
   * The {@code .gopclntab} layouts this release writes, as the magic numbers {@link GoPclntab} knows: a
   * binary whose table has another layout is not the release it claims to be.
   */
  public String expectedPclntabLayout() {
    if (atLeast(1, 20)) {
      return "go1.20+";
    }
    if (atLeast(1, 18)) {
      return "go1.18";
    }
    return atLeast(1, 16) ? "go1.16" : "go1.2";
  }
}
