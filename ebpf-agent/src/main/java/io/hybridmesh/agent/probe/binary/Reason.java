package io.hybridmesh.agent.probe.binary;

/** A stable code and a sentence a person can act on. */
public record Reason(String code, String message) {

  public static Reason of(ReasonCode code, String message) {
    return new Reason(code.name(), message);
  }
}
