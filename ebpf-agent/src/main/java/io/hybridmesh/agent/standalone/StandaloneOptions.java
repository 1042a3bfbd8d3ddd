package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.datapath.TcSettings;
import java.time.Duration;
import java.util.List;

/**
 * What {@code hmesh agent --standalone} was asked to do.
 *
 * @param namespaces names of the network namespaces to watch
 * @param nodeName the node name flows carry
 * @param rescanInterval how often interfaces, addresses and TLS libraries of the namespaces are looked
 *     at again
 * @param readTls whether to read HTTP inside TLS with uprobes, besides the L3/L4 connections
 */
public record StandaloneOptions(
    List<String> namespaces, String nodeName, TcSettings tc, Duration rescanInterval, boolean readTls) {

  public StandaloneOptions {
    if (namespaces.isEmpty()) {
      throw new IllegalArgumentException("name at least one network namespace to watch (--netns NAME)");
    }
    namespaces = List.copyOf(namespaces);
  }
}
