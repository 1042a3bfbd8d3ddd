package io.hybridmesh.api.annotation;

import java.util.List;

/**
 * A TLS library a binary loads (linked, or dlopen'ed), with the functions that would be probed in it.
 *
 * @param depth how far down the chain of needed libraries it was found (0: the binary itself)
 */
public record LibraryEntry(String library, String file, String linkage, Integer depth, String version,
    List<UprobeTargetEntry> uprobeTargets) {

  public LibraryEntry {
    FieldRules.matching("library", library, FieldRules.WORD, "a library kind (OPENSSL, GNUTLS, ...)");
    file = FieldRules.text("file", file, ProbeEntry.MAX_PATH);
    FieldRules.matching("linkage", linkage, FieldRules.WORD, "a linkage (DYNAMIC, STATIC, DLOPEN, ...)");
    if (depth != null && (depth < 0 || depth > 64)) {
      throw new IllegalArgumentException("depth is " + depth + ", not 0 to 64");
    }
    version = FieldRules.text("version", version, ProbeEntry.MAX_VERSION);
    uprobeTargets = FieldRules.list(uprobeTargets);
  }
}
