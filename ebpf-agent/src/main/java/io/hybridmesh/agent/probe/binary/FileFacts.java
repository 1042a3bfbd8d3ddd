package io.hybridmesh.agent.probe.binary;

import io.hybridmesh.agent.probe.elf.DynamicInfo;
import io.hybridmesh.agent.probe.go.GoBuildInfo;
import io.hybridmesh.agent.probe.go.GoTls;
import io.hybridmesh.agent.probe.site.ProbeSite;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one ELF file says about TLS, independent of where it sits in a dependency graph; cached per file.
 *
 * @param functions defined uprobe-target functions of this file → file offset (-1: no PT_LOAD backs it)
 * @param unresolvedFunctions target functions that exist but cannot be placed, with why
 * @param sites where the probe of each function in {@code functions} goes and what a hit costs there
 * @param markers the evidence found: symbols or text that identify a stack or a runtime
 * @param textVersion a version text found in read-only data ("OpenSSL 3.0.13 30 Jan 2024"), or null
 * @param go Go build info, or null when the file is not Go (or has none)
 * @param goProblem why the Go function table could not be used, or null
 * @param goTls crypto/tls's functions, sites and struct offsets, or why they cannot be probed; null when the
 *     file is not Go or does not link crypto/tls's connection type
 * @param problems non-fatal trouble met while reading (ignored sections, unreadable tables)
 */
record FileFacts(
    boolean is64,
    int machine,
    boolean hasInterp,
    boolean hasDynamic,
    boolean stripped,
    String buildId,
    DynamicInfo dynamic,
    Map<String, Long> functions,
    Map<String, String> unresolvedFunctions,
    Map<String, ProbeSite> sites,
    Set<Marker> markers,
    String textVersion,
    GoBuildInfo go,
    String goProblem,
    GoTls goTls,
    List<String> problems) {

  /** Evidence kinds; each is cheap to find and specific to one stack or runtime. */
  enum Marker {
    BORINGSSL_API, BORINGSSL_TEXT, OPENSSL_TEXT, NSS_API, NSPR_API, JVM, JAVA_LAUNCHER, GO, GO_BORING,
    RUSTLS_SYMBOLS, RUSTLS_TEXT, RUSTLS_FFI
  }

  boolean has(Marker m) {
    return markers.contains(m);
  }

  boolean defines(String function) {
    return functions.containsKey(function) || unresolvedFunctions.containsKey(function);
  }

  /** No interpreter and no dynamic section: nothing is loaded besides the file itself. */
  boolean fullyStatic() {
    return !hasInterp && !hasDynamic;
  }
}
