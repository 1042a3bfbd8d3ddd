package io.hybridmesh.agent.probe.binary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/** Identity of a file's content for caching: device, inode, size and modification time. */
public record FileKey(long dev, long ino, long size, long mtimeNanos) {

  /** Stats {@code p} (following symlinks), or returns null when it cannot be stat'ed. */
  public static FileKey of(Path p) {
    try {
      Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,size,lastModifiedTime");
      FileTime t = (FileTime) a.get("lastModifiedTime");
      long nanos = t.to(java.util.concurrent.TimeUnit.NANOSECONDS);
      return new FileKey(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue(),
          ((Number) a.get("size")).longValue(), nanos);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
