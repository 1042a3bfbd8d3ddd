package io.hybridmesh.agent.probe.binary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Paths inside a root directory ({@code /} or {@code /proc/<pid>/root}), resolved component by component
 * with our own symlink handling: an absolute link restarts at the root, {@code ..} stops at the root, and
 * after {@link #MAX_HOPS} links the lookup fails. So a container's symlinks can never point the agent at a
 * host file, and a symlink loop costs at most a few dozen lstat calls.
 */
public final class RootedFs {

  static final int MAX_HOPS = 40;
  private static final int MAX_COMPONENTS = 4096;
  private static final int MAX_PATH = 4096;

  private final Path root;
  private final boolean hostRoot;

  /** A path resolved inside the root: its name inside the root and the host path to open. */
  public record Resolved(String inner, Path host) {}

  public RootedFs(Path root) {
    this.root = root;
    this.hostRoot = root.toString().equals("/");
  }

  public static RootedFs host() {
    return new RootedFs(Path.of("/"));
  }

  public Path root() {
    return root;
  }

  /** How a file inside the root is named in reports: the host path the agent (and a uprobe) can open. */
  public String display(String inner) {
    return hostRoot ? inner : root + inner;
  }

  /** Resolves {@code path} (relative paths start at the root) to a regular file or directory, or empty. */
  public Optional<Resolved> resolve(String path) {
    if (path == null || path.isEmpty() || path.length() > MAX_PATH || path.indexOf('\0') >= 0) {
      return Optional.empty();
    }
    Deque<String> todo = new ArrayDeque<>();
    push(todo, path);
    List<String> done = new ArrayList<>();
    int hops = 0;
    int steps = 0;
    while (!todo.isEmpty()) {
      if (++steps > MAX_COMPONENTS) {
        return Optional.empty();
      }
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!done.isEmpty()) {
          done.remove(done.size() - 1);
        }
        continue;
      }
      Path host;
      BasicFileAttributes a;
      try {
        host = hostPath(done, c);
        a = Files.readAttributes(host, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException | InvalidPathException | SecurityException e) {
        return Optional.empty();
      }
      if (a.isSymbolicLink()) {
        if (++hops > MAX_HOPS) {
          return Optional.empty();
        }
        String target;
        try {
          target = Files.readSymbolicLink(host).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
          return Optional.empty();
        }
        if (target.startsWith("/")) {
          done.clear();
        }
        if (target.length() > MAX_PATH || todo.size() > MAX_COMPONENTS) {
          return Optional.empty();
        }
        push(todo, target);
        continue;
      }
      if (!todo.isEmpty() && !a.isDirectory() && todo.stream().anyMatch(x -> !x.isEmpty() && !x.equals("."))) {
        return Optional.empty(); // a file used as a directory
      }
      done.add(c);
    }
    String inner = "/" + String.join("/", done);
    try {
      return Optional.of(new Resolved(inner, done.isEmpty() ? root : root.resolve(String.join("/", done))));
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  private Path hostPath(List<String> done, String next) {
    Path p = root;
    for (String d : done) {
      p = p.resolve(d);
    }
    return p.resolve(next);
  }

  /** Puts the components of {@code path} at the front of {@code todo}, in order. */
  private static void push(Deque<String> todo, String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      todo.addFirst(parts[i]);
    }
  }

  /** The directory part of an inner path ({@code /usr/bin/curl} gives {@code /usr/bin}). */
  public static String dirname(String inner) {
    int slash = inner.lastIndexOf('/');
    return slash <= 0 ? "/" : inner.substring(0, slash);
  }
}
