package io.hybridmesh.agent.netns;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every network namespace of a node, each once: the ones named under /run/netns and the ones of every
 * process under /proc (pods' namespaces are often named nowhere). Told apart by the namespace's inode.
 */
public final class NodeNamespaces {

  private final Path proc;
  private final Path named;

  public NodeNamespaces() {
    this(Path.of("/proc"), Path.of("/run/netns"));
  }

  public NodeNamespaces(Path proc, Path named) {
    this.proc = proc;
    this.named = named;
  }

  public List<Path> all() throws IOException {
    Set<Object> seen = new HashSet<>();
    List<Path> out = new ArrayList<>();
    if (Files.isDirectory(named)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(named)) {
        for (Path f : files) {
          add(f, seen, out);
        }
      }
    }
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> p.getFileName().toString()
        .chars().allMatch(Character::isDigit))) {
      for (Path pid : pids) {
        add(pid.resolve("ns/net"), seen, out);
      }
    }
    return out;
  }

  private static void add(Path netns, Set<Object> seen, List<Path> out) {
    try {
      if (seen.add(Files.getAttribute(netns, "unix:ino"))) {
        out.add(netns);
      }
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // a process that ended meanwhile, or a stale name: nothing of it to clean
    }
  }
}
