package io.hybridmesh.agent.http;

/** Which end of the HTTP exchange the observed process is. */
public enum Role {
  CLIENT,
  SERVER;

  /** The process is the client exactly when it is the one writing the requests. */
  static Role of(Direction requestDirection) {
    return requestDirection == Direction.SENT ? CLIENT : SERVER;
  }
}
