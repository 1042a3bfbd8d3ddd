package io.hybridmesh.api.flow;

import java.util.Locale;

/**
 * gRPC status codes and their names (0 OK ... 16 UNAUTHENTICATED), one table for the HTTP/2 parser that
 * names what it reads and the flow filters that take either form.
 */
public final class GrpcStatus {

  private static final String[] NAMES = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
    "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
    "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
  };

  private GrpcStatus() {}

  /** The name of a code; codes outside the table (servers may send any) read {@code CODE_<n>}. */
  public static String name(int code) {
    return code >= 0 && code < NAMES.length ? NAMES[code] : "CODE_" + code;
  }

  /**
   * A code from its number ("5") or its name, case-insensitive ("not_found").
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static int parse(String text) {
    String t = text.trim();
    if (!t.isEmpty() && t.length() <= 3 && t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Integer.parseInt(t);
    }
    String upper = t.toUpperCase(Locale.ROOT);
    for (int i = 0; i < NAMES.length; i++) {
      if (NAMES[i].equals(upper)) {
        return i;
      }
    }
    throw new IllegalArgumentException("\"" + text + "\" is not a gRPC status: give a code (0-16, \"5\") or a "
        + "name (\"NOT_FOUND\", \"unavailable\")");
  }
}
