package io.hybridmesh.xds.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What the transport says about the caller of a sidecar stream, put into the call's {@link Context} where the
 * xDS callbacks and the access-log receiver read it: the peer's IP address (null when the transport has none,
 * as in-process calls) and the bearer token of its {@code authorization} metadata, if any.
 */
public final class CallerContext {

  /** The peer's address as the kernel gave it to the server's socket. */
  public static final Context.Key<InetAddress> PEER = Context.key("hmesh-sidecar-peer");
  /** The bearer token the caller presented, or null. */
  public static final Context.Key<String> BEARER = Context.key("hmesh-sidecar-bearer");

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final String BEARER_PREFIX = "Bearer ";
  /** A service-account JWT is about 1 KiB; anything much larger is not one and is not reviewed. */
  static final int MAX_TOKEN_CHARS = 16 * 1024;

  private CallerContext() {}

  /** Reads the peer address and token of every call from the transport and its headers. */
  public static ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        InetAddress peer = remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
        Context ctx = Context.current().withValue(PEER, peer).withValue(BEARER, bearer(headers));
        return Contexts.interceptCall(ctx, call, headers, next);
      }
    };
  }

  /** Stands in for the transport: every call comes from {@code peer} (in-process tests). */
  public static ServerInterceptor fixedPeer(InetAddress peer) {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        Context ctx = Context.current().withValue(PEER, peer).withValue(BEARER, bearer(headers));
        return Contexts.interceptCall(ctx, call, headers, next);
      }
    };
  }

  static String bearer(Metadata headers) {
    String value = headers.get(AUTHORIZATION);
    if (value == null || value.length() > MAX_TOKEN_CHARS || !value.regionMatches(true, 0, BEARER_PREFIX, 0,
        BEARER_PREFIX.length())) {
      return null;
    }
    String token = value.substring(BEARER_PREFIX.length()).trim();
    return token.isEmpty() ? null : token;
  }

  /** The current call's caller, as the interceptor recorded it. */
  public static Caller current() {
    return new Caller(PEER.get(), BEARER.get());
  }

  /** @param peer null when unknown; @param token null when none was presented */
  public record Caller(InetAddress peer, String token) {}
}
