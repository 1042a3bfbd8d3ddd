package io.hybridmesh.agent.probe.binary;

import io.hybridmesh.agent.probe.binary.FileFacts.Marker;
import java.util.ArrayList;
import io.hybridmesh.agent.probe.site.ProbeSite;
import java.util.List;

/** Finds the TLS stacks among the files of a program, each with its uprobe targets. */
final class StackFinder {

  private StackFinder() {}

  static List<TlsLibrary> find(List<GraphNode> nodes) {
    List<TlsLibrary> out = new ArrayList<>();
    boolean nss = false;
    boolean jsse = false;
    for (GraphNode n : nodes) {
      FileFacts f = n.facts();
      Linkage link = n.depth() == 0 ? Linkage.STATIC : n.linkage();
      if (f.defines("SSL_write") || f.defines("SSL_read")) {
        boolean boring = f.has(Marker.BORINGSSL_API) || f.has(Marker.BORINGSSL_TEXT);
        out.add(new TlsLibrary(boring ? TlsLibraryKind.BORINGSSL : TlsLibraryKind.OPENSSL, n.display(), link,
            n.depth(), boring ? null : opensslVersion(n, nodes), targets(n, TlsSymbols.OPENSSL)));
      }
      if (f.defines("gnutls_record_send") || f.defines("gnutls_record_recv")) {
        out.add(new TlsLibrary(TlsLibraryKind.GNUTLS, n.display(), link, n.depth(), null,
            targets(n, TlsSymbols.GNUTLS)));
      }
      if (!nss && (f.has(Marker.NSS_API) || n.soname().startsWith("libnss3.so")
          || n.soname().startsWith("libssl3.so"))) {
        nss = true;
        out.add(new TlsLibrary(TlsLibraryKind.NSS, n.display(), link, n.depth(), null, nsprTargets(nodes)));
      }
      if (f.has(Marker.GO) && (f.defines(TlsSymbols.GO_WRITE) || f.defines(TlsSymbols.GO_READ)
          || f.goProblem() != null || f.goTls() != null)) {
        out.add(new TlsLibrary(TlsLibraryKind.GO_CRYPTO_TLS, n.display(), link, n.depth(),
            f.go() == null ? null : f.go().version(), GoTargets.of(n), f.goTls()));
      }
      if (f.has(Marker.RUSTLS_FFI) || f.has(Marker.RUSTLS_SYMBOLS)) {
        List<UprobeTarget> t = f.has(Marker.RUSTLS_FFI) ? targets(n, TlsSymbols.RUSTLS_FFI)
            : List.of(UprobeTarget.unresolved("rustls", n.display(), "rustls functions are Rust-mangled with "
                + "per-build hashes and often inlined; there is no stable function to probe"));
        out.add(new TlsLibrary(TlsLibraryKind.RUSTLS, n.display(), link, n.depth(), null, t));
      }
      if (!jsse && (f.has(Marker.JVM) || f.has(Marker.JAVA_LAUNCHER))) {
        jsse = true;
        out.add(new TlsLibrary(TlsLibraryKind.JSSE, n.display(), n.depth() == 0 ? Linkage.DYNAMIC : link,
            n.depth(), null, List.of(UprobeTarget.unresolved("JSSE", n.display(), "JSSE is Java code compiled "
                + "at run time into anonymous memory; there is no file offset a uprobe could use"))));
      }
    }
    // A stripped executable can carry its own TLS stack even when its dependencies bring others (a
    // browser with BoringSSL inside links NSS for certificates): it is the nearest, so it comes first.
    // Text naming a library the executable also links (the openssl tool prints libssl's version) is
    // about that library, not a copy inside.
    if (!nodes.isEmpty() && out.stream().noneMatch(l -> l.depth() == 0)) {
      staticStripped(nodes.get(0))
          .filter(own -> out.stream().noneMatch(l -> l.kind() == own.kind()))
          .ifPresent(own -> out.add(0, own));
    }
    return out;
  }

  /** A stripped executable whose read-only data names a TLS stack it carries inside. */
  private static java.util.Optional<TlsLibrary> staticStripped(GraphNode exe) {
    FileFacts f = exe.facts();
    TlsLibraryKind kind = f.has(Marker.BORINGSSL_TEXT) ? TlsLibraryKind.BORINGSSL
        : f.has(Marker.OPENSSL_TEXT) ? TlsLibraryKind.OPENSSL
        : f.has(Marker.RUSTLS_TEXT) ? TlsLibraryKind.RUSTLS : null;
    if (kind == null || !f.stripped()) {
      return java.util.Optional.empty();
    }
    List<String> names = kind == TlsLibraryKind.RUSTLS ? List.of("rustls") : TlsSymbols.OPENSSL;
    List<UprobeTarget> t = new ArrayList<>();
    for (String s : names) {
      t.add(UprobeTarget.unresolved(s, exe.display(), "the file is stripped: " + kind
          + " is compiled in but its functions have no symbols (not in .dynsym, no .symtab)"));
    }
    String version = kind == TlsLibraryKind.OPENSSL ? TextScanner.versionNumber(f.textVersion()) : null;
    return java.util.Optional.of(new TlsLibrary(kind, exe.display(), Linkage.STATIC, 0, version, t));
  }

  /** OpenSSL 3 keeps its version text in libcrypto: look there when libssl itself has none. */
  private static String opensslVersion(GraphNode ssl, List<GraphNode> nodes) {
    if (ssl.facts().textVersion() != null) {
      return TextScanner.versionNumber(ssl.facts().textVersion());
    }
    String suffix = ssl.soname().startsWith("libssl") ? ssl.soname().substring(6) : null;
    for (GraphNode n : nodes) {
      if (n.facts().textVersion() != null && n.soname().startsWith("libcrypto")
          && (suffix == null || n.soname().equals("libcrypto" + suffix))) {
        return TextScanner.versionNumber(n.facts().textVersion());
      }
    }
    return null;
  }

  static List<UprobeTarget> targets(GraphNode n, List<String> symbols) {
    List<UprobeTarget> out = new ArrayList<>();
    for (String s : symbols) {
      Long off = n.facts().functions().get(s);
      ProbeSite site = n.facts().sites().get(s);
      if (off != null) {
        UprobeTarget t = UprobeTarget.resolved(s, n.display(), off);
        out.add(site == null ? t : t.withSite(site));
      } else if (n.facts().unresolvedFunctions().containsKey(s)) {
        out.add(UprobeTarget.unresolved(s, n.display(), n.facts().unresolvedFunctions().get(s)));
      } else if (n.facts().stripped()) {
        out.add(UprobeTarget.unresolved(s, n.display(), s + " is not exported in .dynsym and the file is "
            + "stripped (no .symtab)"));
      } else {
        out.add(UprobeTarget.unresolved(s, n.display(), s + " is not defined in this file (absent from "
            + ".dynsym and .symtab; this build of the library may not have it)"));
      }
    }
    return out;
  }

  /** NSS does its record I/O through NSPR: the probe points are PR_Write/PR_Read in libnspr4. */
  private static List<UprobeTarget> nsprTargets(List<GraphNode> nodes) {
    for (GraphNode n : nodes) {
      if (n.facts().has(Marker.NSPR_API) || n.soname().startsWith("libnspr4")) {
        return targets(n, TlsSymbols.NSPR);
      }
    }
    List<UprobeTarget> out = new ArrayList<>();
    for (String s : TlsSymbols.NSPR) {
      out.add(UprobeTarget.unresolved(s, null, "libnspr4, which holds " + s + ", was not found"));
    }
    return out;
  }
}
