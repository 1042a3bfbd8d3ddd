package io.hybridmesh.xds.als;

import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.Status;
import io.hybridmesh.api.flow.v1.Flow;
import io.grpc.stub.StreamObserver;
import io.hybridmesh.xds.auth.AuthCounters;
import io.hybridmesh.xds.auth.CallerContext;
import io.hybridmesh.xds.auth.SidecarAuthenticator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Envoy's gRPC access-log service: every sidecar streams its entries here and they leave as flows.
 *
 * <p>The sidecar's identity arrives only in a stream's first message, so each stream keeps it. Entries are
 * converted on the gRPC thread as they arrive: with grpc-java's flow control a sidecar that sends faster
 * than we convert is slowed down rather than buffered, so memory stays bounded per stream, and the number
 * of streams is capped. Bad input is dropped and counted without ending the stream; a caller that is not
 * the pod its identifier names ({@link SidecarAuthenticator}) has its stream closed with the reason, and
 * nothing it sent becomes a flow.
 */
public final class AccessLogReceiver extends AccessLogServiceGrpc.AccessLogServiceImplBase {

  /**
   * Limits.
   *
   * @param maxStreams open streams at most (a sidecar opens one per logger: about four)
   * @param maxEntriesPerMessage entries converted per message; Envoy batches about 16 KiB, far fewer
   */
  public record Limits(int maxStreams, int maxEntriesPerMessage) {
    public static final Limits DEFAULTS = new Limits(20_000, 10_000);
  }

  private final SidecarAuthenticator authenticator;
  private final SidecarFlowSink sink;
  private final AccessLogFlows flows;
  private final Limits limits;
  private final AlsCounters counters;
  private final AtomicInteger open = new AtomicInteger();

  public AccessLogReceiver(SidecarAuthenticator authenticator, SidecarFlowSink sink, AccessLogFlows flows,
      Limits limits, AlsCounters counters) {
    this.authenticator = authenticator;
    this.sink = sink;
    this.flows = flows;
    this.limits = limits;
    this.counters = counters;
  }

  public AlsCounters counters() {
    return counters;
  }

  @Override
  public StreamObserver<StreamAccessLogsMessage> streamAccessLogs(
      StreamObserver<StreamAccessLogsResponse> responses) {
    if (open.incrementAndGet() > limits.maxStreams()) {
      open.decrementAndGet();
      counters.streamRefused();
      responses.onError(Status.RESOURCE_EXHAUSTED
          .withDescription("too many access-log streams open (" + limits.maxStreams() + ")").asRuntimeException());
      return new Discard();
    }
    counters.streamOpened();
    return new LogStream(responses, CallerContext.current());
  }

  /** One sidecar logger's stream. gRPC delivers its messages one at a time, so no locking. */
  private final class LogStream implements StreamObserver<StreamAccessLogsMessage> {

    private final StreamObserver<StreamAccessLogsResponse> responses;
    private final CallerContext.Caller caller;
    private StreamAccessLogsMessage.Identifier identifier;
    private AccessLogOrigin origin;
    private boolean closed;
    /** Refused: what still arrives before the caller sees the error is counted, never converted. */
    private boolean refused;

    LogStream(StreamObserver<StreamAccessLogsResponse> responses, CallerContext.Caller caller) {
      this.responses = responses;
      this.caller = caller;
    }

    @Override
    public void onNext(StreamAccessLogsMessage message) {
      int count = switch (message.getLogEntriesCase()) {
        case HTTP_LOGS -> message.getHttpLogs().getLogEntryCount();
        case TCP_LOGS -> message.getTcpLogs().getLogEntryCount();
        default -> 0;
      };
      counters.message(count);
      if (refused) {
        counters.dropped(DropCause.REFUSED_CALLER, count, "after the refusal");
        return;
      }
      if (message.hasIdentifier()) {
        identifier = message.getIdentifier();
        origin = null;
      }
      if (count == 0) {
        drop(DropCause.EMPTY_MESSAGE, 0, identifier == null ? "no identifier" : identifier.getNode().getId());
        return;
      }
      if (identifier == null) {
        drop(DropCause.NO_IDENTIFIER, count, "first message without identifier");
        return;
      }
      if (origin == null) {
        var verdict = authenticator.authenticate(AuthCounters.Plane.ACCESS_LOG, identifier.getNode().getId(),
            null, caller);
        if (!verdict.accepted()) {
          refuse(verdict, count);
          return;
        }
        origin = AccessLogOrigin.of(identifier, verdict.identity());
      }
      int limit = Math.min(count, limits.maxEntriesPerMessage());
      if (message.hasHttpLogs()) {
        List<HTTPAccessLogEntry> entries = message.getHttpLogs().getLogEntryList();
        for (int i = 0; i < limit; i++) {
          HTTPAccessLogEntry entry = entries.get(i);
          emit(() -> flows.http(entry, origin));
        }
      } else {
        List<TCPAccessLogEntry> entries = message.getTcpLogs().getLogEntryList();
        for (int i = 0; i < limit; i++) {
          TCPAccessLogEntry entry = entries.get(i);
          emit(() -> flows.tcp(entry, origin));
        }
      }
      if (count > limit) {
        drop(DropCause.OVER_MESSAGE_LIMIT, count - limit, count + " entries from " + origin.nodeId());
      }
    }

    private void emit(Supplier<Flow> conversion) {
      Flow flow;
      try {
        flow = conversion.get();
      } catch (RuntimeException e) {
        drop(DropCause.MALFORMED_ENTRY, 1, origin.nodeId() + ": " + e);
        return;
      }
      try {
        sink.accept(flow);
        counters.flow();
      } catch (RuntimeException e) {
        counters.dropped(DropCause.SINK_FAILED, 1, e.toString());
      }
    }

    /**
     * Ends the stream with the reason. Its entries are counted as dropped but not reported as lost events:
     * they are not the named pod's traffic, and a reader must not take them for lost flows of it.
     */
    private void refuse(SidecarAuthenticator.Verdict verdict, int count) {
      refused = true;
      counters.dropped(DropCause.REFUSED_CALLER, count, verdict.sentence());
      close();
      responses.onError(verdict.refusal().status(verdict.sentence()).asRuntimeException());
    }

    private void drop(DropCause cause, long entries, String detail) {
      // An empty message loses no entry, but is still worth counting: as one occurrence.
      counters.dropped(cause, cause == DropCause.EMPTY_MESSAGE ? 1 : entries, detail);
      if (entries > 0) {
        sink.lost(entries);
      }
    }

    @Override
    public void onError(Throwable t) {
      close();
    }

    @Override
    public void onCompleted() {
      if (refused) {
        return; // already ended with the refusal
      }
      close();
      // The API says no response is ever sent; a client-streaming call still needs one to end cleanly.
      responses.onNext(StreamAccessLogsResponse.getDefaultInstance());
      responses.onCompleted();
    }

    private void close() {
      if (!closed) {
        closed = true;
        open.decrementAndGet();
        counters.streamClosed();
      }
    }
  }

  private static final class Discard implements StreamObserver<StreamAccessLogsMessage> {
    @Override
    public void onNext(StreamAccessLogsMessage value) { }

    @Override
    public void onError(Throwable t) { }

    @Override
    public void onCompleted() { }
  }
}
