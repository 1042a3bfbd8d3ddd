package io.hybridmesh.agent.kubernetes;

import io.hybridmesh.agent.probe.binary.RootedFs;
import io.hybridmesh.agent.probe.binary.UprobeTarget;
import io.hybridmesh.agent.probe.elf.ElfException;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.elf.ElfSymbol;
import io.hybridmesh.agent.probe.elf.SymbolTable;
import io.hybridmesh.agent.probe.site.ProbeSite;
import io.hybridmesh.agent.probe.site.ProbeSiteSelector;
import io.hybridmesh.api.annotation.TlsProbeAnnotation;
import io.hybridmesh.api.kernel.KernelRelease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The custom uprobe target of {@code hybridmesh.io/tls-probe}, resolved in the container's file system
 * (through {@code /proc/<pid>/root}) to file offsets. Every symbol gives a target, resolved or with the reason
 * it is not; the controller quotes that reason to the user.
 */
public final class CustomTlsTargets {

  private CustomTlsTargets() {}

  /**
   * The knob, parsed by its one parser ({@link TlsProbeAnnotation}); empty when absent, malformed or in a
   * newer format: the controller, which reads the same value with the same parser, tells the user why.
   */
  public static Optional<TlsProbeAnnotation> parse(String raw) {
    return raw == null || raw.isBlank() ? Optional.empty() : TlsProbeAnnotation.parse(raw).value();
  }

  /**
   * Resolves each symbol in the knob's file as seen from {@code root} (a container's root), with the probe
   * site and its cost chosen as for the TLS libraries the prober finds (the entry where the kernel emulates
   * it; for OpenSSL's wrapper pairs the internal function both call).
   */
  public static List<UprobeTarget> resolve(Path root, TlsProbeAnnotation knob, KernelRelease kernel) {
    Optional<RootedFs.Resolved> r = new RootedFs(root).resolve(knob.file());
    if (r.isEmpty() || !Files.isRegularFile(r.get().host())) {
      return all(knob, knob.file() + " is not a file in the container's image");
    }
    List<UprobeTarget> out = new ArrayList<>();
    try (ElfFile elf = ElfFile.open(r.get().host())) {
      for (String symbol : knob.symbols()) {
        out.add(resolve(elf, knob.file(), symbol));
      }
      return withSites(elf, out, kernel);
    } catch (ElfException e) {
      return all(knob, knob.file() + " is not a readable ELF file: " + e.getMessage());
    }
  }

  private static List<UprobeTarget> withSites(ElfFile elf, List<UprobeTarget> targets, KernelRelease kernel) {
    Map<String, Long> entries = new LinkedHashMap<>();
    targets.stream().filter(UprobeTarget::isResolved).forEach(t -> entries.putIfAbsent(t.symbol(), t.offset()));
    Map<String, ProbeSite> sites = ProbeSiteSelector.select(elf, entries, kernel);
    List<UprobeTarget> out = new ArrayList<>();
    for (UprobeTarget t : targets) {
      ProbeSite site = t.isResolved() ? sites.get(t.symbol()) : null;
      out.add(site == null ? t : t.withSite(site));
    }
    return out;
  }

  private static UprobeTarget resolve(ElfFile elf, String file, String symbol) throws ElfException {
    ElfSymbol s = find(elf.dynsym(), symbol);
    if (s == null) {
      s = find(elf.symtab(), symbol);
    }
    if (s == null) {
      return UprobeTarget.unresolved(symbol, file, "no defined symbol " + symbol + " in " + file
          + (elf.symtab() == null ? " (the file is stripped; only its dynamic symbols were searched)" : ""));
    }
    long offset = elf.vaddrToOffset(s.value());
    return offset < 0 ? UprobeTarget.unresolved(symbol, file, "symbol " + symbol + " has address 0x"
        + Long.toHexString(s.value()) + ", which no loadable segment of the file backs")
        : UprobeTarget.resolved(symbol, file, offset);
  }

  private static ElfSymbol find(SymbolTable table, String symbol) throws ElfException {
    if (table == null) {
      return null;
    }
    ElfSymbol s = table.exact(symbol);
    return s != null && s.defined() && s.value() != 0 ? s : null;
  }

  private static List<UprobeTarget> all(TlsProbeAnnotation knob, String reason) {
    return knob.symbols().stream().map(s -> UprobeTarget.unresolved(s, knob.file(), reason)).toList();
  }
}
