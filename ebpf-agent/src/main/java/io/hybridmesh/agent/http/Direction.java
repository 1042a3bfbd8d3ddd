package io.hybridmesh.agent.http;

/** Which way plaintext moved through the observed process: written by it, or read by it. */
public enum Direction {
  SENT,
  RECEIVED;

  public Direction opposite() {
    return this == SENT ? RECEIVED : SENT;
  }
}
