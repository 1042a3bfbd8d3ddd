package io.hybridmesh.peers.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A small gRPC service with one method of each shape the agent must follow, its messages UTF-8 text (no
 * protobuf: what is on the wire is gRPC framing either way, and no code generator is needed):
 *
 * <ul>
 *   <li>{@code Say} (unary): answers {@code said:TEXT}; a request {@code fail:TEXT} ends with NOT_FOUND and
 *       the message TEXT, as a trailers-only response
 *   <li>{@code Count} (server streaming): the request is a number N; answers 1..N, then OK in the trailers
 *   <li>{@code Chat} (bidirectional): answers each message with {@code echo:TEXT}, ends when the client does
 * </ul>
 */
final class EchoService {

  static final String SERVICE = "hmesh.peer.v1.Echo";

  static final MethodDescriptor<String, String> SAY = method(MethodType.UNARY, "Say");
  static final MethodDescriptor<String, String> COUNT = method(MethodType.SERVER_STREAMING, "Count");
  static final MethodDescriptor<String, String> CHAT = method(MethodType.BIDI_STREAMING, "Chat");

  private EchoService() {}

  static ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(SAY, ServerCalls.asyncUnaryCall(EchoService::say))
        .addMethod(COUNT, ServerCalls.asyncServerStreamingCall(EchoService::count))
        .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(EchoService::chat))
        .build();
  }

  private static void say(String request, StreamObserver<String> out) {
    if (request.startsWith("fail:")) {
      out.onError(Status.NOT_FOUND.withDescription(request.substring("fail:".length())).asRuntimeException());
      return;
    }
    out.onNext("said:" + request);
    out.onCompleted();
  }

  private static void count(String request, StreamObserver<String> out) {
    int n;
    try {
      n = Integer.parseInt(request.trim());
    } catch (NumberFormatException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("not a number: " + request).asRuntimeException());
      return;
    }
    for (int i = 1; i <= n; i++) {
      out.onNext(Integer.toString(i));
    }
    out.onCompleted();
  }

  private static StreamObserver<String> chat(StreamObserver<String> out) {
    return new StreamObserver<>() {
      @Override
      public void onNext(String message) {
        out.onNext("echo:" + message);
      }

      @Override
      public void onError(Throwable t) {
        // The client cancelled: nothing left to answer.
      }

      @Override
      public void onCompleted() {
        out.onCompleted();
      }
    };
  }

  private static MethodDescriptor<String, String> method(MethodType type, String name) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(Utf8.INSTANCE)
        .setResponseMarshaller(Utf8.INSTANCE)
        .build();
  }

  /** Messages as UTF-8 text. */
  private enum Utf8 implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
