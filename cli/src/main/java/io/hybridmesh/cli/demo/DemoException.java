package io.hybridmesh.cli.demo;

/** Something the demo needs is missing or failed; the message says what and what to do. */
public final class DemoException extends RuntimeException {
  public DemoException(String message) {
    super(message);
  }
}
