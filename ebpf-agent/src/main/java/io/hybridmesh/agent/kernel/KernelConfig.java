package io.hybridmesh.agent.kernel;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** The kernel build options that matter to the data path, from /proc/config.gz or /boot/config-*. */
public final class KernelConfig {

  static final List<String> OPTIONS = List.of("CONFIG_BPF", "CONFIG_BPF_SYSCALL", "CONFIG_BPF_JIT",
      "CONFIG_DEBUG_INFO_BTF", "CONFIG_NET_CLS_BPF", "CONFIG_NET_SCH_INGRESS", "CONFIG_NET_CLS_ACT",
      "CONFIG_UPROBES", "CONFIG_UPROBE_EVENTS", "CONFIG_KPROBES", "CONFIG_KPROBE_EVENTS",
      "CONFIG_FTRACE_SYSCALLS", "CONFIG_CGROUP_BPF", "CONFIG_BPF_EVENTS", "CONFIG_FUNCTION_TRACER");
  private static final int MAX_BYTES = 8 << 20;

  private KernelConfig() {}

  /** The options above as set in a config text ("y", "m", or "n" for "is not set"); others ignored. */
  public static Map<String, String> parse(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      line = line.trim();
      if (line.startsWith("# CONFIG_") && line.endsWith(" is not set")) {
        String name = line.substring(2, line.length() - " is not set".length());
        if (OPTIONS.contains(name)) {
          out.put(name, "n");
        }
      } else {
        int eq = line.indexOf('=');
        if (eq > 0 && OPTIONS.contains(line.substring(0, eq))) {
          out.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    }
    return out;
  }

  /** Reads the first readable source; returns {source, text} or null. */
  static String[] read(Path proc, Path boot, String release) {
    Path gz = proc.resolve("config.gz");
    try {
      if (Files.isReadable(gz)) {
        byte[] compressed = Files.readAllBytes(gz);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
          return new String[] {gz.toString(), new String(in.readNBytes(MAX_BYTES), StandardCharsets.UTF_8)};
        }
      }
      Path plain = boot.resolve("config-" + release);
      if (Files.isReadable(plain) && Files.size(plain) < MAX_BYTES) {
        return new String[] {plain.toString(), Files.readString(plain)};
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }
}
