package io.hybridmesh.agent.tls;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code /proc/<pid>/maps} text; pure. */
public final class ProcMaps {

  /** libssl.so, libssl.so.3, libssl.so.1.1 and the like. */
  private static final Pattern OPENSSL_LIBSSL = Pattern.compile("libssl\\.so(\\.[0-9]+)*");

  private ProcMaps() {}

  /**
   * Paths of the OpenSSL libssl files mapped by a process, in order of appearance, once each. Files
   * replaced on disk since they were mapped ({@code (deleted)}) are left out: a probe on the new file
   * would not fire in the old mapping.
   */
  public static Set<String> openSslLibraries(String maps) {
    Set<String> out = new LinkedHashSet<>();
    for (String line : maps.split("\n")) {
      int slash = line.indexOf('/');
      if (slash < 0 || line.endsWith(" (deleted)")) {
        continue;
      }
      String path = line.substring(slash).trim();
      String file = path.substring(path.lastIndexOf('/') + 1);
      if (OPENSSL_LIBSSL.matcher(file).matches()) {
        out.add(path);
      }
    }
    return out;
  }
}
