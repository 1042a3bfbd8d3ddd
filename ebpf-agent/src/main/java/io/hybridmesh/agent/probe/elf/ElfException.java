package io.hybridmesh.agent.probe.elf;

/**
 * The only exception the ELF reader lets escape: the file is not ELF, cannot be read, or is malformed in a
 * way that stops the requested analysis. The message is a plain sentence meant for a report, so callers
 * never need a stack trace.
 */
public final class ElfException extends Exception {

  private static final long serialVersionUID = 1L;

  /** What kind of failure this is, so callers can map it onto stable reason codes. */
  public enum Kind { NOT_ELF, UNREADABLE, MALFORMED, TOO_LARGE }

  private final Kind kind;

  public ElfException(Kind kind, String message) {
    super(message, null, false, false); // no stack trace: these are expected conditions
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static ElfException malformed(String message) {
    return new ElfException(Kind.MALFORMED, message);
  }

  public static ElfException tooLarge(String message) {
    return new ElfException(Kind.TOO_LARGE, message);
  }
}
