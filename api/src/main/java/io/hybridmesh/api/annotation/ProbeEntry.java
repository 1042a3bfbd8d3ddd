package io.hybridmesh.api.annotation;

import java.util.ArrayList;
import java.util.List;

/**
 * One container's probe result: one element of {@code hmesh probe --output json}, and the value of one
 * container in the pod annotation {@code hybridmesh.io/probe}. The one definition both the agent (which
 * writes it) and the controller (which decides with it) use; {@link ProbeAnnotation} reads and writes it.
 *
 * @param path the binary probed (in the container's file system)
 * @param error set when the binary could not be analysed; then only {@code path} and {@code reasons} say more
 * @param library the TLS library found (OPENSSL, BORINGSSL, GNUTLS, NSS, GO_CRYPTO_TLS, JSSE, RUSTLS, NONE,
 *     UNKNOWN; a newer agent may name more, which readers treat as a library they cannot probe)
 * @param verdict the data path {@code hmesh probe} would pick on a capable kernel (EBPF, SIDECAR, ...)
 * @param l7Visibility what that data path sees (FULL, L4_ONLY, ...)
 * @param uprobeTargets the functions probed in the binary itself
 * @param libraries the TLS libraries it loads, each with its own targets
 * @param goFunctionsFrom for Go's crypto/tls, how Write and Read were found: SYMBOLS (.symtab) or PCLNTAB
 *     (.gopclntab, a stripped binary)
 * @param goStructOffsets for Go's crypto/tls, where the offsets from a *tls.Conn to its socket came from:
 *     "DWARF", or "table go1.22" (the project's table for that release)
 */
public record ProbeEntry(String path, String error, String library, String libraryVersion, String linkage,
    String verdict, String l7Visibility, List<UprobeTargetEntry> uprobeTargets, String goVersion,
    Boolean goBoringCrypto, Boolean stripped, String buildId, List<LibraryEntry> libraries,
    List<ProbeReasonEntry> reasons, String goFunctionsFrom, String goStructOffsets) {

  /** Linux's PATH_MAX. */
  public static final int MAX_PATH = 4096;
  /** Longer than any sentence the agent writes (a site's reason, an error, an unresolved reason). */
  public static final int MAX_SENTENCE = 2000;
  /** Library and Go versions ("3.0.11", "go1.22.1 X:boringcrypto"). */
  public static final int MAX_VERSION = 128;

  public ProbeEntry {
    path = FieldRules.required("path", FieldRules.text("path", path, MAX_PATH));
    error = FieldRules.text("error", error, MAX_SENTENCE);
    FieldRules.matching("library", library, FieldRules.WORD, "a library kind (OPENSSL, GNUTLS, ...)");
    libraryVersion = FieldRules.text("libraryVersion", libraryVersion, MAX_VERSION);
    FieldRules.matching("linkage", linkage, FieldRules.WORD, "a linkage (DYNAMIC, STATIC, ...)");
    FieldRules.matching("verdict", verdict, FieldRules.WORD, "a data path (EBPF, SIDECAR, ...)");
    FieldRules.matching("l7Visibility", l7Visibility, FieldRules.WORD, "a visibility (FULL, L4_ONLY, ...)");
    uprobeTargets = FieldRules.list(uprobeTargets);
    goVersion = FieldRules.text("goVersion", goVersion, MAX_VERSION);
    buildId = FieldRules.matching("buildId", buildId, FieldRules.SYMBOL, "a build id (no spaces, up to 256)");
    libraries = FieldRules.list(libraries);
    reasons = FieldRules.list(reasons);
    FieldRules.matching("goFunctionsFrom", goFunctionsFrom, FieldRules.WORD, "SYMBOLS or PCLNTAB");
    goStructOffsets = FieldRules.text("goStructOffsets", goStructOffsets, MAX_VERSION);
  }

  /** An entry without Go's details (not Go, or from an agent that did not read Go's crypto/tls). */
  public ProbeEntry(String path, String error, String library, String libraryVersion, String linkage,
      String verdict, String l7Visibility, List<UprobeTargetEntry> uprobeTargets, String goVersion,
      Boolean goBoringCrypto, Boolean stripped, String buildId, List<LibraryEntry> libraries,
      List<ProbeReasonEntry> reasons) {
    this(path, error, library, libraryVersion, linkage, verdict, l7Visibility, uprobeTargets, goVersion,
        goBoringCrypto, stripped, buildId, libraries, reasons, null, null);
  }

  /** A binary the agent could not analyse. */
  public static ProbeEntry failed(String path, String error, List<ProbeReasonEntry> reasons) {
    return new ProbeEntry(path, error, null, null, null, null, null, List.of(), null, null, null, null, List.of(),
        reasons);
  }

  /** This entry with more targets in the binary itself (the custom targets of {@code hybridmesh.io/tls-probe}). */
  public ProbeEntry withMoreTargets(List<UprobeTargetEntry> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<UprobeTargetEntry> all = new ArrayList<>(uprobeTargets);
    all.addAll(more);
    return new ProbeEntry(path, error, library, libraryVersion, linkage, verdict, l7Visibility, all, goVersion,
        goBoringCrypto, stripped, buildId, libraries, reasons, goFunctionsFrom, goStructOffsets);
  }
}
