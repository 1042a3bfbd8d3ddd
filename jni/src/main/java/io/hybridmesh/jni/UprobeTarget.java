package io.hybridmesh.jni;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a uprobe goes: a function in an ELF file, by symbol name or by file offset.
 *
 * @param binary the ELF file (a library or an executable); a path as the kernel sees it
 * @param symbol the function's name, or {@code null} to use {@code offset} alone
 * @param offset the file offset, or the offset added to the symbol's address when a symbol is given
 * @param returnProbe a uretprobe (function return) rather than a uprobe (entry)
 * @param pid only this process, or -1 for every process that maps the file
 */
public record UprobeTarget(Path binary, String symbol, long offset, boolean returnProbe, int pid) {

  public UprobeTarget {
    Objects.requireNonNull(binary, "binary");
  }

  public static UprobeTarget entry(Path binary, String symbol) {
    return new UprobeTarget(binary, symbol, 0, false, -1);
  }

  public static UprobeTarget exit(Path binary, String symbol) {
    return new UprobeTarget(binary, symbol, 0, true, -1);
  }
}
