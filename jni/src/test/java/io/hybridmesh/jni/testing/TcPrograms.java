package io.hybridmesh.jni.testing;

import io.hybridmesh.jni.NativeBpf;
import io.hybridmesh.jni.TcHook;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TC programs on an interface hook, whichever way they were attached: tcx links (which `tc filter show`
 * does not list) as {@code "tcx:NAME"}, netlink filters as {@code "tc:NAME"}.
 */
public final class TcPrograms {

  private static final Pattern FILTER_PROGRAM = Pattern.compile(" bpf .* name (\\S+)");

  private TcPrograms() {}

  public static List<String> on(Path netns, String interfaceName, TcHook.Direction direction) {
    List<String> out = new ArrayList<>();
    for (String name : NativeBpf.load().tcxPrograms(new TcHook(netns, interfaceName, direction, 1, 1))) {
      out.add("tcx:" + name);
    }
    List<String> cmd = new ArrayList<>(List.of("tc"));
    if (netns != null) {
      cmd.addAll(List.of("-n", netns.getFileName().toString()));
    }
    cmd.addAll(List.of("filter", "show", "dev", interfaceName, direction == TcHook.Direction.INGRESS ? "ingress"
        : "egress"));
    Shell.Result r = Shell.runUnchecked(Duration.ofSeconds(10), cmd);
    for (String line : r.output().split("\n")) {
      Matcher m = FILTER_PROGRAM.matcher(line);
      if (m.find()) {
        out.add("tc:" + m.group(1));
      }
    }
    return out;
  }

  /** Ours only: programs named hm_*. */
  public static List<String> ours(Path netns, String interfaceName, TcHook.Direction direction) {
    return on(netns, interfaceName, direction).stream().filter(p -> p.contains(":hm_")).toList();
  }
}
