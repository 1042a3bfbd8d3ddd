package io.hybridmesh.peers.grpc;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's steps, run in order over one channel:
 *
 * <ul>
 *   <li>{@code say=TEXT}: a unary call; prints {@code say OK said:TEXT}
 *   <li>{@code fail=TEXT}: a unary call the server fails; prints {@code fail NOT_FOUND TEXT}
 *   <li>{@code count=N}: a server-streaming call; prints {@code count OK N} (messages received)
 *   <li>{@code chat=N}: a bidirectional call of N messages each way; prints {@code chat OK N}
 *   <li>{@code parallel=N}: N unary calls at once, each its own stream on the one connection; prints {@code
 *       parallel OK N} (calls that succeeded)
 *   <li>{@code sleep=MS}: waits
 *   <li>{@code await}: prints {@code waiting} and waits for a line on stdin (a test starts its agent then)
 * </ul>
 *
 * At the end it prints {@code connection LOCAL_PORT}: the client port of the connection every call used.
 */
final class ClientScript {

  private final Channel channel;
  private final BufferedReader stdin;
  private final PrintStream out;
  private volatile SocketAddress local;

  ClientScript(Channel channel, BufferedReader stdin, PrintStream out) {
    this.channel = ClientInterceptors.intercept(channel, new LocalAddress());
    this.stdin = stdin;
    this.out = out;
  }

  void run(String[] steps) throws Exception {
    for (String step : steps) {
      int eq = step.indexOf('=');
      String name = eq < 0 ? step : step.substring(0, eq);
      String arg = eq < 0 ? "" : step.substring(eq + 1);
      switch (name) {
        case "say" -> print("say", unary(arg));
        case "fail" -> print("fail", unary("fail:" + arg));
        case "count" -> print("count", count(arg));
        case "chat" -> print("chat", chat(Integer.parseInt(arg)));
        case "parallel" -> print("parallel", parallel(Integer.parseInt(arg)));
        case "sleep" -> Thread.sleep(Long.parseLong(arg));
        case "await" -> {
          print("waiting", "");
          if (stdin.readLine() == null) {
            throw new IOException("stdin closed while waiting");
          }
        }
        default -> throw new IllegalArgumentException("unknown step: " + step);
      }
    }
    print("connection", local instanceof InetSocketAddress a ? Integer.toString(a.getPort()) : "unknown");
  }

  private String unary(String text) {
    try {
      return "OK " + ClientCalls.blockingUnaryCall(channel, EchoService.SAY, options(), text);
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() + " " + e.getStatus().getDescription();
    }
  }

  private String count(String n) {
    int received = 0;
    try {
      Iterator<String> it = ClientCalls.blockingServerStreamingCall(channel, EchoService.COUNT, options(), n);
      while (it.hasNext()) {
        it.next();
        received++;
      }
      return "OK " + received;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() + " " + received;
    }
  }

  private String chat(int n) throws Exception {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    int[] answers = {0};
    StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(
        channel.newCall(EchoService.CHAT, options()), new StreamObserver<>() {
          @Override
          public void onNext(String value) {
            answers[0]++;
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(answers[0]);
          }
        });
    for (int i = 1; i <= n; i++) {
      requests.onNext("m" + i);
    }
    requests.onCompleted();
    try {
      return "OK " + done.get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return Status.fromThrowable(e.getCause()).getCode() + " " + answers[0];
    }
  }

  private String parallel(int n) throws Exception {
    List<CompletableFuture<String>> calls = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      CompletableFuture<String> f = new CompletableFuture<>();
      ClientCalls.asyncUnaryCall(channel.newCall(EchoService.SAY, options()), "p" + i, new StreamObserver<>() {
        @Override
        public void onNext(String value) {
          f.complete(value);
        }

        @Override
        public void onError(Throwable t) {
          f.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {}
      });
      calls.add(f);
    }
    int ok = 0;
    for (CompletableFuture<String> f : calls) {
      try {
        f.get(20, TimeUnit.SECONDS);
        ok++;
      } catch (java.util.concurrent.ExecutionException e) {
        // counted as not OK
      }
    }
    return (ok == n ? "OK " : "FAILED ") + ok;
  }

  private static CallOptions options() {
    return CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private void print(String step, String result) {
    out.println(result.isEmpty() ? step : step + " " + result);
    out.flush();
  }

  /** Remembers the local address of the connection calls go over. */
  private final class LocalAddress implements ClientInterceptor {
    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
      ClientCall<Q, A> call = next.newCall(method, options);
      return new SimpleForwardingClientCall<>(call) {
        @Override
        public void start(Listener<A> listener, Metadata headers) {
          super.start(new SimpleForwardingClientCallListener<>(listener) {
            @Override
            public void onHeaders(Metadata h) {
              Attributes a = call.getAttributes();
              SocketAddress addr = a == null ? null : a.get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
              if (addr != null) {
                local = addr;
              }
              super.onHeaders(h);
            }
          }, headers);
        }
      };
    }
  }
}
