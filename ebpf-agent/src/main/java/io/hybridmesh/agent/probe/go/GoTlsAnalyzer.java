package io.hybridmesh.agent.probe.go;

import io.hybridmesh.agent.probe.elf.ElfException;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.site.CodeView;
import io.hybridmesh.agent.probe.site.ElfCode;
import io.hybridmesh.agent.probe.site.GoDeferredUnlock;
import io.hybridmesh.agent.probe.site.GoSiteSelector;
import io.hybridmesh.agent.probe.site.ProbeSite;
import io.hybridmesh.agent.probe.x86.GeneralRegisters;
import io.hybridmesh.api.kernel.KernelRelease;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether the crypto/tls of a Go binary can be read by the kernel, and where: the release and its
 * calling convention, Write and Read located and checked against the code, their probe sites, and the struct
 * offsets from a {@code *tls.Conn} to its socket. Reads only the file. Anything the binary says that does not
 * hold together (a release its function table contradicts, functions outside the code, a body that does not
 * decode) refuses it with the reason; nothing is guessed.
 */
public final class GoTlsAnalyzer {

  public static final String WRITE = "crypto/tls.(*Conn).Write";
  public static final String READ = "crypto/tls.(*Conn).Read";
  /** Read's deferred c.in.Unlock(), by the names Go gave that closure (deferwrap from go1.22). */
  static final List<String> READ_UNLOCK = List.of(READ + ".func1", READ + ".deferwrap1");
  /**
   * Where a connection's handshake runs, only when one does (Read, Write and Handshake all pass through
   * handshakeContext first, so that would be a probe hit on every call).
   */
  public static final List<String> HANDSHAKES = List.of("crypto/tls.(*Conn).serverHandshake",
      "crypto/tls.(*Conn).clientHandshake");
  static final Set<String> STRUCTS = Set.of("crypto/tls.Conn", "net.TCPConn", "net.conn", "net.netFD",
      "internal/poll.FD");
  private static final int EM_X86_64 = 62;
  private static final int HANDSHAKE_REGISTERS = GeneralRegisters.bit(GeneralRegisters.RAX)
      | GeneralRegisters.bit(GeneralRegisters.R14);

  private GoTlsAnalyzer() {}

  /**
   * @param buildInfo the binary's Go build info, or null when it has none
   * @param tab its function table, or null when none was found or it could not be read
   * @param tabProblem why there is no table, or null
   * @param symbols the file offsets .symtab gives Write and Read (empty when stripped)
   */
  public static GoTls analyze(ElfFile elf, GoBuildInfo buildInfo, GoPclntab tab, String tabProblem,
      Map<String, Long> symbols, KernelRelease kernel) {
    return analyze(elf, new ElfCode(elf), buildInfo, tab, tabProblem, symbols, kernel);
  }

  static GoTls analyze(ElfFile elf, CodeView code, GoBuildInfo buildInfo, GoPclntab tab, String tabProblem,
      Map<String, Long> symbols, KernelRelease kernel) {
    List<String> notes = new ArrayList<>();
    GoVersion version = buildInfo == null ? null : GoVersion.parse(buildInfo.version()).orElse(null);
    if (version == null) {
      return refused(null, null, GoRefusal.GO_VERSION_UNKNOWN, "The binary names no Go release in its build "
          + "info (" + (buildInfo == null ? "it has none: Go before 1.13, or damaged" : "'" + buildInfo.version()
          + "'") + "), so neither its calling convention nor its struct layout is known.", notes);
    }
    if (elf.machine() != EM_X86_64) {
      return refused(version, null, GoRefusal.GO_ARCH_UNSUPPORTED, "Go's register arguments are read the "
          + "x86-64 way only, and this binary is for machine " + elf.machine() + ".", notes);
    }
    if (!version.registerAbiOnAmd64()) {
      return refused(version, null, GoRefusal.GO_STACK_ABI_UNSUPPORTED, version.text() + " passes arguments on "
          + "the goroutine's stack (the register ABI came with Go 1.17); such binaries are not read.", notes);
    }
    if (tab == null) {
      return refused(version, null, GoRefusal.GO_FUNCTION_TABLE_INVALID, "The binary has no usable Go function "
          + "table (" + (tabProblem == null ? "no .gopclntab" : tabProblem) + "), so Write and Read cannot be "
          + "placed or bounded.", notes);
    }
    if (!tab.formatName().equals(version.expectedPclntabLayout())) {
      return refused(version, null, GoRefusal.GO_VERSION_INCONSISTENT, "The build info claims " + version.text()
          + ", whose function table has the " + version.expectedPclntabLayout() + " layout, but this one has the "
          + tab.formatName() + " layout: the binary is not what it says.", notes);
    }
    Map<String, GoFunction> found;
    try {
      Set<String> names = new HashSet<>(READ_UNLOCK);
      names.addAll(List.of(WRITE, READ));
      names.addAll(HANDSHAKES);
      found = tab.functions(names);
    } catch (ElfException e) {
      return refused(version, null, GoRefusal.GO_FUNCTION_TABLE_INVALID, "The Go function table cannot be read: "
          + e.getMessage(), notes);
    }
    String from = symbols.containsKey(WRITE) && symbols.containsKey(READ) ? GoTls.FROM_SYMBOLS : GoTls.FROM_PCLNTAB;
    List<GoTlsFunction> functions = new ArrayList<>();
    for (String name : List.of(WRITE, READ)) {
      GoFunction f = found.get(name);
      if (f == null) {
        return refused(version, from, GoRefusal.GO_FUNCTION_TABLE_INVALID, name + " is not in the Go function "
            + "table" + (symbols.containsKey(name) ? ", although .symtab names it" : "") + ".", notes);
      }
      long entry = code.textOffset(f.entry());
      long last = f.size() > 0 ? code.textOffset(f.end() - 1) : -1;
      if (entry < 0 || last < 0 || last - entry != f.size() - 1) {
        return refused(version, from, GoRefusal.GO_FUNCTION_TABLE_INVALID, "The Go function table places " + name
            + " at 0x" + Long.toHexString(f.entry()) + "-0x" + Long.toHexString(f.end()) + ", which is not all in"
            + " the binary's code.", notes);
      }
      Long symbol = symbols.get(name);
      if (symbol != null && symbol != entry) {
        return refused(version, from, GoRefusal.GO_FUNCTION_TABLE_INVALID, ".symtab puts " + name + " at file "
            + "offset 0x" + Long.toHexString(symbol) + " and the Go function table at 0x" + Long.toHexString(entry)
            + ": the two disagree.", notes);
      }
      GoSiteSelector.GoSites s = GoSiteSelector.select(code, name, entry, f.size(), kernel);
      if (s.refusal() != null) {
        return refused(version, from, GoRefusal.GO_BODY_UNDECODABLE, s.refusal() + ".", notes);
      }
      GoDeferredUnlock.Unlock unlock = name.equals(READ) ? unlock(code, f, entry, found, kernel, notes) : null;
      List<ProbeSite> returns = unlock == null ? s.returns()
          : s.returns().stream().filter(r -> !unlock.replacedReturns().contains(r.offset()))
              .map(r -> new ProbeSite(r.offset(), r.instruction(), r.cost(), r.reason() + "; one of the returns "
                  + "that do not run the deferred unlock (before Read takes its lock: an empty buffer, a failed "
                  + "handshake; or after the runtime ran its defers itself), so rarely reached")).toList();
      functions.add(new GoTlsFunction(name, name.equals(WRITE), entry, f.size(), s.entry(), returns, unlock));
    }
    Optional<GoDwarf.Layout> dwarf;
    try {
      dwarf = GoDwarf.read(elf, STRUCTS);
    } catch (ElfException e) {
      dwarf = Optional.empty();
      notes.add("DWARF unusable (" + e.getMessage() + "); the table is used instead.");
    }
    String producer = dwarf.map(GoDwarf.Layout::producer).orElse(null);
    String release = version.text().split(" ")[0];
    if (producer != null && !producer.contains(release + ";") && !producer.endsWith(release)) {
      return refused(version, from, GoRefusal.GO_VERSION_INCONSISTENT, "The build info claims " + version.text()
          + " but the DWARF says the code was compiled by '" + producer + "': the binary is not what it says.",
          notes);
    }
    GoStructOffsets offsets = dwarf.map(GoTlsAnalyzer::fromDwarf).orElse(null);
    if (offsets == null && dwarf.isPresent()) {
      notes.add("DWARF lacks a member of tls.Conn, net.TCPConn, net.conn, net.netFD or poll.FD (the linker "
          + "drops types nothing uses); the table is used instead.");
    }
    if (offsets == null) {
      offsets = GoOffsetTable.lookup(version).orElse(null);
    }
    if (offsets == null) {
      return new GoTls(version, from, functions, null, GoRefusal.GO_VERSION_UNKNOWN_OFFSETS, "The binary has no "
          + "usable DWARF and the project's table has no struct offsets for " + version.line() + " (it has them "
          + "for " + GoOffsetTable.claimed() + "), so its connections could not be told apart; they are not "
          + "guessed.", notes);
    }
    return new GoTls(version, from, functions, offsets, null, null, notes,
        handshakes(code, found, kernel, notes));
  }

  /** Read's deferred unlock, where most of its results are read without a single-stepped ret; else a note. */
  private static GoDeferredUnlock.Unlock unlock(CodeView code, GoFunction read, long readEntry,
      Map<String, GoFunction> found, KernelRelease kernel, List<String> notes) {
    GoFunction closure = READ_UNLOCK.stream().map(found::get).filter(Objects::nonNull).findFirst()
        .orElse(null);
    long closureEntry = closure == null ? -1 : code.textOffset(closure.entry());
    if (closure == null || closureEntry < 0) {
      notes.add("Read's deferred unlock is not in the function table; each of its returns is probed.");
      return null;
    }
    GoDeferredUnlock.Result r = GoDeferredUnlock.find(code,
        new GoDeferredUnlock.Function(READ, readEntry, read.entry(), read.size()),
        new GoDeferredUnlock.Function(closure.name(), closureEntry, closure.entry(), closure.size()), kernel);
    if (r.unlock() == null) {
      notes.add("Read's results are read at its returns, not at its deferred unlock: " + r.why() + ".");
    }
    return r.unlock();
  }

  /** The handshakes' entry sites (receiver and g read there); a note for each not found or not probeable. */
  private static List<GoTlsFunction> handshakes(CodeView code, Map<String, GoFunction> found, KernelRelease kernel,
      List<String> notes) {
    List<GoTlsFunction> out = new ArrayList<>();
    for (String name : HANDSHAKES) {
      GoFunction f = found.get(name);
      long entry = f == null ? -1 : code.textOffset(f.entry());
      ProbeSite site = entry < 0 ? null : GoSiteSelector.entrySite(code, name, entry, f.size(), kernel,
          HANDSHAKE_REGISTERS);
      if (site == null) {
        notes.add(name + " was not found or cannot be probed; a connection it would set up on a wrapper the "
            + "struct offsets do not describe has no addresses until its first Write.");
      } else {
        out.add(new GoTlsFunction(name, false, entry, f.size(), site, List.of()));
      }
    }
    return out;
  }

  static GoStructOffsets fromDwarf(GoDwarf.Layout l) {
    Long conn = member(l, "crypto/tls.Conn", "conn");
    Long embedded = member(l, "net.TCPConn", "conn");
    Long fd = member(l, "net.conn", "fd");
    Long pfd = member(l, "net.netFD", "pfd");
    Long sysfd = member(l, "internal/poll.FD", "Sysfd");
    if (conn == null || embedded == null || fd == null || pfd == null || sysfd == null) {
      return null;
    }
    long data = conn + 8;
    long tcpFd = embedded + fd;
    long netFdSysfd = pfd + sysfd;
    if (data > GoStructOffsets.MAX_OFFSET || tcpFd > GoStructOffsets.MAX_OFFSET
        || netFdSysfd > GoStructOffsets.MAX_OFFSET || conn < 0 || embedded < 0 || fd < 0 || pfd < 0 || sysfd < 0) {
      return null;
    }
    return new GoStructOffsets((int) data, (int) tcpFd, (int) netFdSysfd, "DWARF");
  }

  private static Long member(GoDwarf.Layout l, String struct, String member) {
    Map<String, Long> m = l.structs().get(struct);
    return m == null ? null : m.get(member);
  }

  private static GoTls refused(GoVersion v, String from, GoRefusal why, String reason, List<String> notes) {
    return new GoTls(v, from, List.of(), null, why, reason, notes);
  }
}
