package io.hybridmesh.agent.abi;

/** A ring-buffer record that cannot be decoded; counted and dropped, never fatal. */
public class MalformedEventException extends RuntimeException {

  public MalformedEventException(String message) {
    super(message);
  }
}
