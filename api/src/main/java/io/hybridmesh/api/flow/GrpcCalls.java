package io.hybridmesh.api.flow;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How a flow's {@code grpc} record is read from an HTTP/2 exchange, as gRPC's HTTP/2 protocol description
 * defines it: which exchanges are gRPC calls, the service and method in the path, the status a client
 * takes from {@code grpc-status} or derives without it, and {@code grpc-message}'s encoding. One set of
 * rules for every source of flows (the HTTP/2 parser, the sidecar's access logs), so that a call reads
 * the same whichever path saw it. Pure; nothing here throws on what a peer sends.
 */
public final class GrpcCalls {

  private static final String GRPC_TYPE = "application/grpc";
  /** The status of a call that ended without saying one (a 200 whose trailers never came). */
  public static final int UNKNOWN = 2;

  private GrpcCalls() {}

  /** {@code application/grpc}, {@code application/grpc+proto}, {@code application/grpc-web...}; any case. */
  public static boolean isGrpc(String contentType) {
    return contentType != null && contentType.regionMatches(true, 0, GRPC_TYPE, 0, GRPC_TYPE.length());
  }

  /** {@code package.Service} of {@code /package.Service/Method}, or null for any other shape. */
  public static String service(String path) {
    int slash = split(path);
    return slash < 0 ? null : path.substring(1, slash);
  }

  /** {@code Method} of {@code /package.Service/Method}, or null for any other shape. */
  public static String method(String path) {
    int slash = split(path);
    return slash < 0 ? null : path.substring(slash + 1);
  }

  /** The second slash of {@code /a/b} with both parts non-empty and no third part or query; else -1. */
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

  /** A {@code grpc-status} value: a decimal of at most 9 digits, else -1 (not a status). */
  public static int parseStatus(String value) {
    if (value == null || value.isEmpty() || value.length() > 9) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * The status a gRPC client reports for a response whose HTTP status is not 200 and that carries no
   * {@code grpc-status}: 400 INTERNAL, 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 UNIMPLEMENTED,
   * 429/502/503/504 UNAVAILABLE, anything else UNKNOWN.
   */
  public static int fromHttpStatus(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> 13;
      case 401 -> 16;
      case 403 -> 7;
      case 404 -> 12;
      case 429, 502, 503, 504 -> 14;
      default -> 2;
    };
  }

  /**
   * The status a gRPC client reports for a stream reset with this HTTP/2 error code: REFUSED_STREAM
   * UNAVAILABLE, CANCEL CANCELLED, ENHANCE_YOUR_CALM RESOURCE_EXHAUSTED, INADEQUATE_SECURITY
   * PERMISSION_DENIED, anything else INTERNAL.
   */
  public static int fromResetCode(long http2ErrorCode) {
    if (http2ErrorCode == 0x7) {
      return 14;
    } else if (http2ErrorCode == 0x8) {
      return 1;
    } else if (http2ErrorCode == 0xb) {
      return 8;
    } else if (http2ErrorCode == 0xc) {
      return 7;
    }
    return 13;
  }

  /**
   * {@code grpc-message} with its percent-encoding undone (%XX of the UTF-8 bytes). A malformed escape is
   * kept as it is, never an error, as the protocol asks of decoders; null stays null.
   */
  public static String percentDecode(String raw) {
    if (raw == null || raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream(raw.length());
    byte[] utf8 = raw.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < utf8.length; i++) {
      int hi = utf8[i] == '%' && i + 2 < utf8.length ? Character.digit(utf8[i + 1], 16) : -1;
      int lo = hi >= 0 ? Character.digit(utf8[i + 2], 16) : -1;
      if (lo >= 0) {
        b.write(hi << 4 | lo);
        i += 2;
      } else {
        b.write(utf8[i]);
      }
    }
    return b.toString(StandardCharsets.UTF_8);
  }
}
