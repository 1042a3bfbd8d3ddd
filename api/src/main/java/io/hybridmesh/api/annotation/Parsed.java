package io.hybridmesh.api.annotation;

import java.util.Objects;
import java.util.Optional;

/**
 * What one of the annotation parsers made of a value: the typed value, or the refusal that says why there is
 * none. Parsers never throw on bad input; a reader decides what a refusal means for it (the controller
 * reports it, the agent rewrites what it owns).
 */
public final class Parsed<T> {

  /** Why a value was refused: broken, or written in a format version this build does not read. */
  public enum Refusal {
    /** Not the format: bad JSON or syntax, a wrong type, a value out of range, too long. */
    MALFORMED,
    /** A well-formed version field naming a version newer than this build reads. */
    UNSUPPORTED_VERSION
  }

  private final T value;
  private final Refusal refusal;
  private final String reason;

  private Parsed(T value, Refusal refusal, String reason) {
    this.value = value;
    this.refusal = refusal;
    this.reason = reason;
  }

  public static <T> Parsed<T> of(T value) {
    return new Parsed<>(Objects.requireNonNull(value), null, null);
  }

  public static <T> Parsed<T> refused(Refusal refusal, String reason) {
    return new Parsed<>(null, Objects.requireNonNull(refusal), Objects.requireNonNull(reason));
  }

  public boolean ok() {
    return refusal == null;
  }

  /** The value; empty when refused. */
  public Optional<T> value() {
    return Optional.ofNullable(value);
  }

  /** Why it was refused; null when it was not. */
  public Refusal refusal() {
    return refusal;
  }

  /** What is wrong, in a clause a message can quote ("symbol '1x' is not a C identifier"); null when ok. */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return ok() ? "Parsed[" + value + "]" : "Refused[" + refusal + ": " + reason + "]";
  }
}
