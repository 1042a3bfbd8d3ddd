package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.datapath.TcSettings;
import java.time.Duration;
import java.util.List;

/**
 * What {@code hmesh agent --standalone} was asked to do.
 *
 * @param namespaces names of the network namespaces to watch
 * @param nodeName the node name flows carry
 * @param rescanInterval how often interfaces and addresses of the namespaces are looked at again
 */
public record StandaloneOptions(
    List<String> namespaces, String nodeName, TcSettings tc, Duration rescanInterval) {

  public StandaloneOptions {
    if (namespaces.isEmpty()) {
      throw new IllegalArgumentException("name at least one network namespace to watch (--netns NAME)");
    }
    namespaces = List.copyOf(namespaces);
  }
}
