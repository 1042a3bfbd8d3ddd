package io.hybridmesh.jni;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a TC program goes: an interface's clsact ingress or egress hook inside a network namespace.
 *
 * @param netns a network namespace file ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}), or {@code
 *     null} for the caller's own
 * @param interfaceName the interface's name inside that namespace
 * @param direction ingress (packets arriving at the interface) or egress (leaving it)
 * @param handle the filter handle; with {@code priority} it names the filter, so attaching again with the
 *     same pair replaces a filter a previous run left behind
 * @param priority the filter priority (1..65535)
 */
public record TcHook(Path netns, String interfaceName, Direction direction, int handle, int priority) {

  public enum Direction {
    INGRESS,
    EGRESS
  }

  public TcHook {
    Objects.requireNonNull(interfaceName, "interfaceName");
    Objects.requireNonNull(direction, "direction");
    if (priority < 1 || priority > 0xffff) {
      throw new IllegalArgumentException("TC priority must be 1..65535: " + priority);
    }
  }
}
