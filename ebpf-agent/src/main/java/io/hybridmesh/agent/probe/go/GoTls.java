package io.hybridmesh.agent.probe.go;

import java.util.List;

/**
 * What the probes need of a Go binary that does TLS in crypto/tls, or why it cannot be probed.
 *
 * @param version the release it was built with, or null when unknown
 * @param functionsFrom how Write and Read were found: {@code SYMBOLS} (.symtab) or {@code PCLNTAB}
 *     (.gopclntab, the binary being stripped); null when they were not
 * @param functions Write and Read with their sites; empty when refused before the sites were chosen
 * @param offsets the path from a {@code *tls.Conn} to its socket, or null when not known
 * @param refusal why it is not probed, or null when it can be
 * @param refusalReason that, in a sentence
 * @param notes what else a person should know (DWARF that could not be used, ...)
 * @param handshakes {@code (*Conn).serverHandshake} and {@code clientHandshake}, those found, probed at their
 *     entry only (they run once per connection): the socket a handshake receives from and sends to names the
 *     connection before its first Read, for a {@code *tls.Conn} on a wrapper the struct offsets do not describe
 */
public record GoTls(GoVersion version, String functionsFrom, List<GoTlsFunction> functions,
    GoStructOffsets offsets, GoRefusal refusal, String refusalReason, List<String> notes, List<GoTlsFunction> handshakes) {

  public static final String FROM_SYMBOLS = "SYMBOLS";
  public static final String FROM_PCLNTAB = "PCLNTAB";

  public GoTls {
    functions = List.copyOf(functions);
    notes = List.copyOf(notes);
    handshakes = List.copyOf(handshakes);
  }

  public GoTls(GoVersion version, String functionsFrom, List<GoTlsFunction> functions, GoStructOffsets offsets,
      GoRefusal refusal, String refusalReason, List<String> notes) {
    this(version, functionsFrom, functions, offsets, refusal, refusalReason, notes, List.of());
  }

  public boolean probeable() {
    return refusal == null;
  }
}
