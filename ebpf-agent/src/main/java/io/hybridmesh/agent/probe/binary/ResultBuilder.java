package io.hybridmesh.agent.probe.binary;

import io.hybridmesh.agent.probe.binary.FileFacts.Marker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Picks the stack the program itself uses and writes the reasons. Pure. */
final class ResultBuilder {

  private ResultBuilder() {}

  static ProbeResult build(String path, List<GraphNode> nodes, List<String> missing) {
    GraphNode exe = nodes.get(0);
    FileFacts ef = exe.facts();
    List<TlsLibrary> found = new ArrayList<>(StackFinder.find(nodes));
    // Nearest first; a JVM's JSSE only when no native stack exists; ties keep discovery (DT_NEEDED) order.
    found.sort(Comparator.comparing((TlsLibrary t) -> t.kind() == TlsLibraryKind.JSSE)
        .thenComparingInt(t -> t.linkage() == Linkage.DLOPEN ? Integer.MAX_VALUE : t.depth()));
    List<Reason> reasons = new ArrayList<>();
    TlsLibraryKind library;
    String version = null;
    Linkage linkage = Linkage.NONE;
    List<UprobeTarget> targets = List.of();
    if (!found.isEmpty()) {
      TlsLibrary chosen = found.get(0);
      library = chosen.kind();
      version = chosen.version();
      linkage = chosen.linkage();
      targets = chosen.uprobeTargets();
      for (TlsLibrary t : found) {
        reasons.add(stackReason(t, ef, t == chosen));
      }
      if (ef.has(Marker.GO_BORING) && library == TlsLibraryKind.GO_CRYPTO_TLS) {
        reasons.add(Reason.of(ReasonCode.TLS_GO_BORINGCRYPTO, "Built with GOEXPERIMENT=boringcrypto: only the "
            + "crypto primitives moved to BoringSSL; TLS records still go through crypto/tls, so its probes apply."));
      }
      if (found.size() > 1) {
        reasons.add(Reason.of(ReasonCode.TLS_MULTIPLE, found.size() + " TLS stacks are present; " + library
            + " in " + chosen.file() + " is reported because it is nearest to the executable."));
      }
      reasons.add(targetsReason(chosen));
    } else if (ef.stripped() && ef.fullyStatic() && !ef.has(Marker.GO)) {
      library = TlsLibraryKind.UNKNOWN;
      reasons.add(Reason.of(ReasonCode.TLS_STATIC_STRIPPED, "The executable is static and stripped and names no "
          + "TLS library in its data: any TLS inside it cannot be recognised or probed."));
    } else if (ef.has(Marker.GO)) {
      library = TlsLibraryKind.NONE;
      reasons.add(Reason.of(ReasonCode.TLS_GO_NO_CRYPTO_TLS, "A Go program that does not link crypto/tls's "
          + "connection type: it does no TLS of its own."));
    } else {
      library = TlsLibraryKind.NONE;
      reasons.add(Reason.of(ReasonCode.TLS_NONE, "No TLS library is linked, loaded or compiled in."));
    }
    if (!missing.isEmpty()) {
      reasons.add(Reason.of(ReasonCode.LIBRARY_NOT_FOUND, "Needed libraries not found in the loader's search "
          + "path (a TLS stack inside them would be missed): " + String.join(", ",
              missing.subList(0, Math.min(8, missing.size()))) + (missing.size() > 8 ? ", …" : "")));
    }
    if (!ef.problems().isEmpty()) {
      reasons.add(Reason.of(ReasonCode.PARTIAL_ANALYSIS, "Parts of the executable could not be read: "
          + String.join("; ", ef.problems())));
    }
    String goVersion = ef.go() == null ? null : ef.go().version();
    return new ProbeResult(path, library, version, linkage, found, targets, goVersion, ef.has(Marker.GO_BORING),
        ef.stripped(), ef.buildId(), reasons, null);
  }

  private static Reason stackReason(TlsLibrary t, FileFacts exe, boolean chosen) {
    String where = (chosen ? "" : "Also present: ") + t.kind() + " in " + t.file();
    boolean noSymbols = t.uprobeTargets().stream().noneMatch(UprobeTarget::isResolved);
    return switch (t.kind()) {
      case OPENSSL -> switch (t.linkage()) {
        case DYNAMIC -> Reason.of(ReasonCode.TLS_DYNAMIC_OPENSSL, where + ", linked through DT_NEEDED"
            + (t.version() == null ? "" : " (OpenSSL " + t.version() + ")") + ".");
        case DLOPEN -> Reason.of(ReasonCode.TLS_DLOPEN_OPENSSL, where + ", loaded at run time (dlopen): it "
            + "shows in the process maps but in no DT_NEEDED, so probes must be attached after it loads.");
        default -> noSymbols && exe.stripped()
            ? Reason.of(ReasonCode.TLS_STATIC_STRIPPED, where + ": compiled into a stripped executable; its "
                + "functions have no symbols, so no uprobe can be placed without a per-build offset table.")
            : Reason.of(ReasonCode.TLS_STATIC_OPENSSL_SYMBOLS, where + ": compiled into the file with its "
                + "SSL_* symbols, so uprobes can attach to the executable itself.");
      };
      case BORINGSSL -> Reason.of(noSymbols && t.linkage() == Linkage.STATIC ? ReasonCode.TLS_STATIC_STRIPPED
          : ReasonCode.TLS_BORINGSSL, where + " (" + t.linkage() + "); BoringSSL's struct layout changes per "
          + "commit, so only offset-free connection tracking works with it.");
      case GNUTLS -> Reason.of(ReasonCode.TLS_GNUTLS, where + " (" + t.linkage() + "): probes on "
          + "gnutls_record_send/recv.");
      case NSS -> Reason.of(ReasonCode.TLS_NSS, where + " (" + t.linkage() + "): NSS does its I/O through NSPR, "
          + "so probes go on PR_Write/PR_Read in libnspr4, which also see non-TLS I/O.");
      case GO_CRYPTO_TLS -> Reason.of(ReasonCode.TLS_GO, GoReasons.stack(where, t));
      case JSSE -> Reason.of(ReasonCode.TLS_JSSE, where + ": a Java VM; Java's own TLS (JSSE) runs as JIT "
          + "code with no file to probe, so eBPF sees only TLS metadata and L4.");
      case RUSTLS -> Reason.of(ReasonCode.TLS_RUSTLS, where + " (" + t.linkage() + "): rustls is pure Rust; "
          + "only the rustls-ffi C API has stable functions to probe.");
      default -> Reason.of(ReasonCode.TLS_NONE, where);
    };
  }

  private static Reason targetsReason(TlsLibrary t) {
    List<UprobeTarget> ts = t.uprobeTargets();
    if (t.kind() == TlsLibraryKind.GO_CRYPTO_TLS && t.go() != null && !t.go().probeable()) {
      return Reason.of(ReasonCode.valueOf(t.go().refusal().name()), t.go().refusalReason());
    }
    boolean ok = switch (t.kind()) {
      case OPENSSL, BORINGSSL -> t.opensslProbesResolve();
      case JSSE -> false;
      default -> !ts.isEmpty() && ts.stream().allMatch(UprobeTarget::isResolved);
    };
    if (ok) {
      long n = ts.stream().filter(UprobeTarget::isResolved).count();
      String file = ts.stream().filter(UprobeTarget::isResolved).map(UprobeTarget::file).findFirst().orElse(t.file());
      return Reason.of(ReasonCode.UPROBE_TARGETS_OK, n + " of " + ts.size() + " probe functions resolve to file "
          + "offsets in " + file + ".");
    }
    String why = ts.stream().filter(x -> !x.isResolved()).map(UprobeTarget::unresolvedReason).findFirst()
        .orElse("no probe functions");
    return Reason.of(ReasonCode.UPROBE_TARGETS_MISSING, "The probe functions of " + t.kind()
        + " do not resolve: " + why);
  }
}
