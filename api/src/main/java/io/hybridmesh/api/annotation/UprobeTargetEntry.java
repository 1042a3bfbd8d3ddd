package io.hybridmesh.api.annotation;

/**
 * One function a uprobe would attach to, as {@code hmesh probe --output json} and the pod annotation
 * {@code hybridmesh.io/probe} carry it: resolved (a file {@code offset}, and where the probe really goes when
 * the agent analysed the site) or unresolved (the {@code unresolvedReason}), never both.
 *
 * @param file the file that holds the function; may be absent when it does not resolve
 * @param offset the function's entry as a file offset
 * @param probeOffset the file offset probed: the entry, or an internal function both forms of an OpenSSL
 *     pair call; absent when the site was not analysed
 * @param instruction the instruction probed ("push %r14")
 * @param cost how the kernel handles a hit there (EMULATED, SINGLE_STEPPED; a newer agent may name more)
 * @param site why the probe goes there, in the agent's words
 */
public record UprobeTargetEntry(String symbol, String file, Long offset, Long probeOffset, String instruction,
    String cost, String site, String unresolvedReason) {

  public static final int MAX_INSTRUCTION = 80;
  /**
   * OpenSSL's SSL_set_fd: probed at its entry once per connection (where the application ties its socket to
   * the SSL object, so that calls served from the library's buffer keep their connection), not per TLS call.
   */
  public static final String SSL_SET_FD = "SSL_set_fd";

  /** Whether a function of this name is hit once per TLS call (SSL_write, SSL_read, ...), not per connection. */
  public static boolean perCall(String symbol) {
    return !SSL_SET_FD.equals(symbol);
  }

  public UprobeTargetEntry {
    FieldRules.matching("symbol", FieldRules.required("symbol", symbol), FieldRules.SYMBOL,
        "a symbol (1 to 256 characters, no spaces)");
    file = FieldRules.text("file", file, ProbeEntry.MAX_PATH);
    FieldRules.offset("offset", offset);
    FieldRules.offset("probeOffset", probeOffset);
    instruction = FieldRules.text("instruction", instruction, MAX_INSTRUCTION);
    FieldRules.matching("cost", cost, FieldRules.WORD, "a cost class (EMULATED, SINGLE_STEPPED)");
    site = FieldRules.text("site", site, ProbeEntry.MAX_SENTENCE);
    unresolvedReason = FieldRules.text("unresolvedReason", unresolvedReason, ProbeEntry.MAX_SENTENCE);
    if ((offset == null) == (unresolvedReason == null)) {
      throw new IllegalArgumentException("target " + FieldRules.shown(symbol) + " must have either an offset "
          + "(resolved) or an unresolvedReason, exactly one");
    }
    if (offset == null && (probeOffset != null || instruction != null || cost != null || site != null)) {
      throw new IllegalArgumentException("target " + FieldRules.shown(symbol) + " does not resolve, yet names "
          + "a probe site");
    }
  }

  public static UprobeTargetEntry resolved(String symbol, String file, long offset) {
    return new UprobeTargetEntry(symbol, file, offset, null, null, null, null, null);
  }

  public static UprobeTargetEntry unresolved(String symbol, String file, String reason) {
    return new UprobeTargetEntry(symbol, file, null, null, null, null, null, reason);
  }

  public boolean resolved() {
    return offset != null;
  }
}
