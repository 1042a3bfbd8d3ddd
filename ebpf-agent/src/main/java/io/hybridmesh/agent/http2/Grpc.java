package io.hybridmesh.agent.http2;

import io.hybridmesh.api.flow.GrpcStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * gRPC over HTTP/2 as its protocol description (PROTOCOL-HTTP2) defines it: which streams are gRPC, the
 * service and method in the path, status codes and names, and the mappings a client applies when a
 * response carries no grpc-status.
 */
final class Grpc {

  private Grpc() {}

  static final int OK = 0;
  static final int CANCELLED = 1;
  static final int UNKNOWN = 2;
  static final int PERMISSION_DENIED = 7;
  static final int RESOURCE_EXHAUSTED = 8;
  static final int UNIMPLEMENTED = 12;
  static final int INTERNAL = 13;
  static final int UNAVAILABLE = 14;
  static final int UNAUTHENTICATED = 16;

  private static final String GRPC_TYPE = "application/grpc";

  /** {@code application/grpc}, {@code application/grpc+proto}, {@code application/grpc-web...}. */
  static boolean isGrpc(String contentType) {
    return contentType != null && contentType.regionMatches(true, 0, GRPC_TYPE, 0, GRPC_TYPE.length());
  }

  /** {@code package.Service} of {@code /package.Service/Method}, or null for any other shape. */
  static String service(String path) {
    int slash = split(path);
    return slash < 0 ? null : path.substring(1, slash);
  }

  /** {@code Method} of {@code /package.Service/Method}, or null for any other shape. */
  static String method(String path) {
    int slash = split(path);
    return slash < 0 ? null : path.substring(slash + 1);
  }

  private static int split(String path) {
    if (path == null || path.length() < 4 || path.charAt(0) != '/') {
      return -1;
    }
    int slash = path.indexOf('/', 1);
    if (slash <= 1 || slash == path.length() - 1 || path.indexOf('/', slash + 1) >= 0
        || path.indexOf('?') >= 0) {
      return -1;
    }
    return slash;
  }

  /** A grpc-status value: a decimal of at most 9 digits, else -1. */
  static int parseStatus(String s) {
    if (s == null || s.isEmpty() || s.length() > 9) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  static String name(int code) {
    return GrpcStatus.name(code);
  }

  /** The status a client derives from a non-200 :status without grpc-status. */
  static int fromHttpStatus(int status) {
    return switch (status) {
      case 400 -> INTERNAL;
      case 401 -> UNAUTHENTICATED;
      case 403 -> PERMISSION_DENIED;
      case 404 -> UNIMPLEMENTED;
      case 429, 502, 503, 504 -> UNAVAILABLE;
      default -> UNKNOWN;
    };
  }

  /** The status a client derives from an RST_STREAM error code. */
  static int fromResetCode(long code) {
    if (code == 0x7) {
      return UNAVAILABLE; // REFUSED_STREAM
    } else if (code == 0x8) {
      return CANCELLED;
    } else if (code == 0xb) {
      return RESOURCE_EXHAUSTED; // ENHANCE_YOUR_CALM
    } else if (code == 0xc) {
      return PERMISSION_DENIED; // INADEQUATE_SECURITY
    }
    return INTERNAL;
  }

  /**
   * grpc-message's percent-encoding undone (%XX of the UTF-8 bytes). A malformed escape is kept as it is,
   * never an error, as the protocol asks of decoders.
   */
  static String percentDecode(String raw) {
    if (raw == null || raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      int hi = c == '%' && i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
      int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
      if (lo >= 0) {
        b.write(hi << 4 | lo);
        i += 2;
      } else {
        b.write(c & 0xff);
      }
    }
    return b.toString(StandardCharsets.UTF_8);
  }
}
