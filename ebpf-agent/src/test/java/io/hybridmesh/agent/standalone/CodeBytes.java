package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.agent.probe.binary.TlsLibrary;
import io.hybridmesh.agent.tls.TlsSite;
import io.hybridmesh.agent.tls.TlsSites;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the code a running process executes at a file offset of a library it maps: int3 means a uprobe. */
final class CodeBytes {

  private CodeBytes() {}

  /** The first file the process maps whose name contains {@code name}. */
  static Path mappedFile(int pid, String name) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "maps"))) {
      String[] f = line.trim().split("\\s+", 6);
      if (f.length == 6 && f[5].contains(name)) {
        return Path.of(f[5]);
      }
    }
    throw new AssertionError("process " + pid + " maps no " + name);
  }

  /** The TLS probe sites the agent chooses in this library. */
  static List<TlsSite> sitesOf(Path library) {
    return new BinaryProber().probeFile(library).libraries().stream()
        .filter(l -> l.file().equals(library.toString())).map(TlsLibrary::uprobeTargets).map(TlsSites::of)
        .findFirst().orElse(List.of());
  }

  static int fileByte(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      f.seek(offset);
      return f.read();
    }
  }

  /** The byte the process sees at this file offset of its executable mapping of the file. */
  static int processByte(int pid, Path file, long fileOffset) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "maps"))) {
      String[] f = line.trim().split("\\s+", 6);
      if (f.length < 6 || !f[5].equals(file.toString()) || f[1].charAt(2) != 'x') {
        continue;
      }
      String[] range = f[0].split("-");
      long start = Long.parseUnsignedLong(range[0], 16);
      long end = Long.parseUnsignedLong(range[1], 16);
      long mapOffset = Long.parseUnsignedLong(f[2], 16);
      if (fileOffset >= mapOffset && fileOffset < mapOffset + (end - start)) {
        try (RandomAccessFile mem = new RandomAccessFile("/proc/" + pid + "/mem", "r")) {
          mem.seek(start + fileOffset - mapOffset);
          return mem.read();
        }
      }
    }
    throw new AssertionError("process " + pid + " has no executable mapping of " + file + " at 0x"
        + Long.toHexString(fileOffset));
  }
}
