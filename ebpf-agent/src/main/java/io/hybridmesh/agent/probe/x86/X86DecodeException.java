package io.hybridmesh.agent.probe.x86;

/**
 * The bytes at an offset are not an instruction the decoder can measure: truncated, undefined in 64-bit
 * mode, longer than the architectural 15 bytes, or an encoding it deliberately does not decode (XOP,
 * APX). Checked, because callers walking machine code meet it routinely (data in .text, padding).
 */
public final class X86DecodeException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int offset;

  public X86DecodeException(int offset, String message) {
    super(message + " at offset " + offset);
    this.offset = offset;
  }

  /** Where the instruction that could not be decoded starts. */
  public int offset() {
    return offset;
  }
}
