package io.hybridmesh.cli.ui;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hybridmesh.cli.ObserveCommand;

/** The Observer API's failures in the sentences {@code hmesh observe} uses, with the HTTP status for each. */
final class UiErrors {

  private UiErrors() {}

  static String describe(StatusRuntimeException e, String server) {
    Status s = e.getStatus();
    String why = s.getDescription() != null ? s.getDescription() : s.getCode().name();
    return switch (s.getCode()) {
      case INVALID_ARGUMENT -> "the server refused the request: " + why;
      case UNAVAILABLE -> "cannot reach the Observer API at " + server + ": " + ObserveCommand.reason(s)
          + "; is `hmesh demo` or `hmesh agent --serve` running?";
      case DEADLINE_EXCEEDED -> "the Observer API at " + server + " did not answer in time";
      default -> "the Observer API at " + server + " failed: " + s.getCode() + ": " + why;
    };
  }

  /** 400 for a request the server refused, 504 for a timeout, 502 for any other failure behind the gateway. */
  static int httpStatus(StatusRuntimeException e) {
    return switch (e.getStatus().getCode()) {
      case INVALID_ARGUMENT -> 400;
      case DEADLINE_EXCEEDED -> 504;
      default -> 502;
    };
  }
}
