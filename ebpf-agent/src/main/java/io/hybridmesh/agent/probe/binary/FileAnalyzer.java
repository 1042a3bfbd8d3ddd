package io.hybridmesh.agent.probe.binary;

import io.hybridmesh.agent.probe.binary.FileFacts.Marker;
import io.hybridmesh.agent.probe.elf.DynamicInfo;
import io.hybridmesh.agent.probe.elf.ElfDynamic;
import io.hybridmesh.agent.probe.elf.ElfException;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.elf.ElfSymbol;
import io.hybridmesh.agent.probe.elf.ProgramHeader;
import io.hybridmesh.agent.probe.elf.SymbolTable;
import io.hybridmesh.agent.probe.go.GoBuildInfo;
import io.hybridmesh.agent.probe.go.GoBuildInfoReader;
import io.hybridmesh.agent.probe.go.GoPclntab;
import io.hybridmesh.agent.probe.go.GoTls;
import io.hybridmesh.agent.probe.go.GoTlsAnalyzer;
import io.hybridmesh.agent.probe.site.ProbeSite;
import io.hybridmesh.agent.probe.site.ProbeSiteSelector;
import io.hybridmesh.api.kernel.KernelRelease;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns one ELF file into {@link FileFacts}. Every sub-step that fails is noted, not fatal. */
final class FileAnalyzer {

  private static final int MAX_RUST_MATCHES = 8;

  private FileAnalyzer() {}

  /**
   * @param executable whether this is the program itself (stripped executables get a text scan)
   * @param kernel the kernel the probes will run on: which instructions it emulates decides the sites
   */
  static FileFacts analyze(ElfFile elf, boolean executable, KernelRelease kernel) {
    List<String> problems = new ArrayList<>();
    if (elf.sectionProblem() != null) {
      problems.add("section table ignored: " + elf.sectionProblem());
    }
    boolean interp = elf.programHeaders().stream().anyMatch(p -> p.type() == ProgramHeader.PT_INTERP);
    boolean dynamicSeg = elf.programHeaders().stream().anyMatch(p -> p.type() == ProgramHeader.PT_DYNAMIC);
    DynamicInfo dyn = DynamicInfo.NONE;
    try {
      dyn = ElfDynamic.read(elf);
    } catch (ElfException e) {
      problems.add("dynamic section unreadable: " + e.getMessage());
    }
    String buildId = null;
    try {
      buildId = ElfDynamic.buildId(elf).orElse(null);
    } catch (ElfException e) {
      problems.add("notes unreadable: " + e.getMessage());
    }
    Map<String, Long> functions = new LinkedHashMap<>();
    Map<String, String> unresolved = new LinkedHashMap<>();
    Set<Marker> markers = EnumSet.noneOf(Marker.class);
    boolean stripped = true;
    int[] rust = {0};
    try {
      SymbolTable symtab = elf.symtab();
      stripped = symtab == null;
      for (SymbolTable t : new SymbolTable[] {elf.dynsym(), symtab}) {
        if (t != null) {
          collect(elf, t, functions, unresolved, markers, rust);
        }
      }
    } catch (ElfException e) {
      problems.add("symbol table unreadable: " + e.getMessage());
    }
    if (rust[0] > 0) {
      markers.add(Marker.RUSTLS_SYMBOLS);
    }
    if (functions.containsKey("rustls_connection_write")) {
      markers.add(Marker.RUSTLS_FFI);
    }
    GoBuildInfo go = null;
    String goProblem = null;
    try {
      go = GoBuildInfoReader.read(elf).orElse(null);
    } catch (ElfException e) {
      goProblem = "Go build info unreadable: " + e.getMessage();
    }
    boolean goFile = go != null || elf.section(".gopclntab").isPresent() || goProblem != null;
    GoTls goTls = null;
    if (goFile) {
      markers.add(Marker.GO);
      Map<String, Long> symbols = new LinkedHashMap<>();
      for (String f : TlsSymbols.GO) {
        if (functions.containsKey(f)) {
          symbols.put(f, functions.get(f));
        }
      }
      GoPclntab tab = null;
      String tabProblem = null;
      try {
        tab = GoPclntab.find(elf).orElse(null);
        if (tab == null) {
          tabProblem = "no Go function table (.gopclntab) found";
        }
      } catch (ElfException e) {
        tabProblem = "Go function table unreadable: " + e.getMessage();
      }
      Set<String> inTable = Set.of();
      if (tab != null && symbols.size() < TlsSymbols.GO.size()) {
        try {
          inTable = fromPclntab(elf, tab, functions);
        } catch (ElfException e) {
          tabProblem = "Go function table unreadable: " + e.getMessage();
        }
      }
      goProblem = goProblem != null ? goProblem : tabProblem;
      // A table that cannot be read may hide crypto/tls: that is a refusal to report, not a program without TLS.
      boolean tableBroken = tabProblem != null && tabProblem.startsWith("Go function table unreadable");
      if (tableBroken || functions.containsKey(TlsSymbols.GO_WRITE) || functions.containsKey(TlsSymbols.GO_READ)
          || inTable.contains(TlsSymbols.GO_WRITE) || inTable.contains(TlsSymbols.GO_READ)) {
        goTls = GoTlsAnalyzer.analyze(elf, go, tableBroken ? null : tab, tabProblem, symbols, kernel);
      }
      if ((go != null && go.boringCrypto()) || functions.containsKey(TlsSymbols.GO_BORING_SIG)) {
        markers.add(Marker.GO_BORING);
      }
    }
    String version = null;
    boolean sslFunctions = functions.containsKey("SSL_write") || functions.containsKey("SSL_read")
        || unresolved.containsKey("SSL_write");
    boolean libcrypto = dyn.soname() != null && dyn.soname().startsWith("libcrypto");
    boolean nothingFound = functions.isEmpty() && unresolved.isEmpty() && !goFile && markers.isEmpty();
    if (!goFile && (sslFunctions || libcrypto || (executable && stripped && nothingFound))) {
      try {
        TextScanner.Found f = TextScanner.scan(elf, executable && stripped);
        version = f.opensslVersion();
        if (f.boringssl()) {
          markers.add(Marker.BORINGSSL_TEXT);
        } else if (version != null) {
          markers.add(Marker.OPENSSL_TEXT);
        }
        if (f.rustls()) {
          markers.add(Marker.RUSTLS_TEXT);
        }
      } catch (ElfException e) {
        problems.add("read-only data unreadable: " + e.getMessage());
      }
    }
    if (dyn.needed().stream().anyMatch(n -> n.startsWith("libjli.so"))) {
      markers.add(Marker.JAVA_LAUNCHER);
    }
    if (dyn.soname() != null && dyn.soname().startsWith("libjvm.so")) {
      markers.add(Marker.JVM);
    }
    return new FileFacts(elf.is64(), elf.machine(), interp, dynamicSeg || !dyn.needed().isEmpty(), stripped,
        buildId, dyn, Map.copyOf(functions), Map.copyOf(unresolved), sites(elf, functions, kernel),
        Set.copyOf(markers), version, go, goProblem, goTls, List.copyOf(problems));
  }

  /** The probe site of every function found (see ProbeSiteSelector). */
  private static Map<String, ProbeSite> sites(ElfFile elf, Map<String, Long> functions, KernelRelease kernel) {
    Map<String, Long> probed = new LinkedHashMap<>(functions);
    probed.remove(TlsSymbols.GO_BORING_SIG); // a marker, not a probe target
    TlsSymbols.GO.forEach(probed::remove); // Go's sites are chosen by GoTlsAnalyzer, entry and returns
    return Map.copyOf(ProbeSiteSelector.select(elf, probed, kernel));
  }

  private static void collect(ElfFile elf, SymbolTable t, Map<String, Long> functions,
      Map<String, String> unresolved, Set<Marker> markers, int[] rust) throws ElfException {
    List<ElfSymbol> found = t.find(name -> {
      if (TlsSymbols.interesting(name)) {
        return true;
      }
      if (rust[0] < MAX_RUST_MATCHES && name.contains("rustls")) {
        rust[0]++;
      }
      return false;
    }, 4096);
    for (ElfSymbol s : found) {
      if (!s.defined()) {
        continue; // an import: the stack lives in another file
      }
      String n = s.name();
      if (TlsSymbols.ALL_FUNCTIONS.contains(n)) {
        if (s.fileOffset() >= 0) {
          functions.putIfAbsent(n, s.fileOffset());
          unresolved.remove(n);
        } else if (!functions.containsKey(n)) {
          unresolved.put(n, "symbol " + n + " in " + t.sectionName() + " has address 0x"
              + Long.toHexString(s.value()) + ", which no loadable segment of the file backs");
        }
      }
      if (TlsSymbols.BORINGSSL_ONLY.contains(n)) {
        markers.add(Marker.BORINGSSL_API);
      } else if (TlsSymbols.NSS_API.contains(n)) {
        markers.add(Marker.NSS_API);
      } else if (TlsSymbols.JVM_API.contains(n)) {
        markers.add(Marker.JVM);
      } else if (TlsSymbols.JLI_API.contains(n)) {
        markers.add(Marker.JAVA_LAUNCHER);
      } else if (n.startsWith("_goboringcrypto_")) {
        markers.add(Marker.GO_BORING);
      } else if (n.equals("PR_Write")) {
        markers.add(Marker.NSPR_API);
      }
    }
  }

  /**
   * Fills the Go functions .symtab lacks from .gopclntab, where the file backs them; returns every name the
   * table has, placed or not (a table that names Write but puts it nowhere is for GoTlsAnalyzer to refuse).
   */
  private static Set<String> fromPclntab(ElfFile elf, GoPclntab tab, Map<String, Long> functions)
      throws ElfException {
    Map<String, Long> pcs = tab.entries(Set.of(TlsSymbols.GO_WRITE, TlsSymbols.GO_READ, TlsSymbols.GO_BORING_SIG));
    for (Map.Entry<String, Long> e : pcs.entrySet()) {
      long off = elf.vaddrToOffset(e.getValue());
      if (off >= 0) {
        functions.putIfAbsent(e.getKey(), off);
      }
    }
    return pcs.keySet();
  }
}
