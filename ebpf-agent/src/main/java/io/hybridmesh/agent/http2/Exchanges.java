package io.hybridmesh.agent.http2;

import io.hybridmesh.api.flow.GrpcCalls;

import io.hybridmesh.agent.http2.Http2Event.ExchangeEnded;
import io.hybridmesh.agent.http2.Http2Event.RequestSeen;

/**
 * Requests and responses paired per stream, once the connection knows which end is the client: request
 * headers open a stream, response headers, DATA, trailers, RST_STREAM and GOAWAY advance and end it.
 * At most {@link Http2Limits#maxStreams()} streams are tracked; the exchange is reported when the
 * response ends (END_STREAM, so a streaming call ends at its trailers) or the stream is cut.
 */
final class Exchanges {

  private final StreamTable streams;
  private final Http2Connection owner;
  /** The highest stream id a client request opened; new ones must be above it. */
  private int highestClientStream;

  Exchanges(Http2Limits limits, Http2Connection owner) {
    this.streams = new StreamTable(limits.maxStreams());
    this.owner = owner;
  }

  int open() {
    return streams.size();
  }

  long retainedBytes() {
    long b = streams.retainedBytes();
    for (int i = 0; i < streams.slots(); i++) {
      Http2Stream s = streams.slot(i);
      if (s != null) {
        b += s.retainedBytes();
      }
    }
    return b;
  }

  /** A header block from the client: request headers on a new stream, else the request's trailers. */
  void fromClient(int id, HeaderBlock h, Http2Unknown unknown, boolean endStream, long ns) {
    Http2Stream s = streams.get(id);
    if (s == null) {
      // A new stream: odd, above every earlier one (RFC 9113 §5.1.1), and a request we could read.
      if ((id & 1) == 0 || id <= highestClientStream || h == null || h.get(KeptNames.METHOD) == null) {
        owner.drop(Http2Drop.IMPLAUSIBLE_STREAM);
        return;
      }
      highestClientStream = id;
      s = open(id, ns);
      if (s == null) {
        return;
      }
      s.request = request(id, h, unknown, ns, false);
      s.grpc = s.request.grpc();
      owner.emit(new RequestSeen(s.request, owner.role()));
    }
    if (endStream) {
      s.requestEnded = true;
    }
  }

  /**
   * Stream 1 of a connection upgraded from HTTP/1.1 (h2c, RFC 7540 §3.2): the request that asked for the
   * upgrade, sent in full as HTTP/1.1; its response comes as HTTP/2 on this stream.
   */
  void upgraded(Http2Request request) {
    highestClientStream = 1;
    Http2Stream s = open(1, request.startNs());
    if (s != null) {
      s.request = request;
      s.requestEnded = true;
      s.grpc = request.grpc();
    }
  }

  /** Request headers the server promised for a stream it will push on. */
  void pushPromise(int promisedId, HeaderBlock h, Http2Unknown unknown, long ns) {
    if ((promisedId & 1) != 0 || promisedId == 0 || streams.get(promisedId) != null || h == null
        || h.get(KeptNames.METHOD) == null) {
      owner.drop(Http2Drop.IMPLAUSIBLE_STREAM);
      return;
    }
    Http2Stream s = open(promisedId, ns);
    if (s != null) {
      s.request = request(promisedId, h, unknown, ns, true);
      s.requestEnded = true;
      owner.emit(new RequestSeen(s.request, owner.role()));
    }
  }

  /**
   * A header block from the server: the response headers (after any 1xx), else the trailers. {@code
   * resynced}: the server's framing was found again after a loss (or mid-stream), so a block opening a
   * stream above every request seen is more likely misread bytes than a response to a lost request.
   */
  void fromServer(int id, HeaderBlock h, Http2Unknown unknown, boolean endStream, boolean resynced, long ns) {
    Http2Stream s = streams.get(id);
    if (s == null) {
      // A stream that began before capture (or whose request was dropped): the response is still told,
      // if it is one (:status) for a stream a request could have opened.
      if ((id & 1) == 0 || (resynced && highestClientStream > 0 && id > highestClientStream) || h == null
          || h.get(KeptNames.STATUS) == null) {
        owner.drop(Http2Drop.IMPLAUSIBLE_STREAM);
        return;
      }
      s = open(id, ns);
      if (s == null) {
        return;
      }
    }
    Http2Unknown why = h == null ? unknown : h.unknownReason;
    if (s.response == null && h != null && h.get(KeptNames.STATUS) == null && h.unknownFields == 0) {
      // No :status in a block decoded in full: trailers, after response headers that went by unseen.
      s.response = new Http2Response(0, null, ns, Http2Unknown.HEADERS_NOT_SEEN, false);
      trailers(s, h, why);
    } else if (s.response == null) {
      String statusText = h == null ? null : h.get(KeptNames.STATUS);
      int status = statusText == null ? 0 : GrpcCalls.parseStatus(statusText);
      if (status >= 100 && status < 200 && !endStream) {
        return; // interim: the final response follows
      }
      s.response = new Http2Response(Math.max(status, 0), h == null ? null : h.headers(), ns, why,
          h != null && h.truncated);
      s.grpc |= h != null && GrpcCalls.isGrpc(h.get(KeptNames.CONTENT_TYPE));
      if (endStream) {
        s.trailersOnly = true;
        trailers(s, h, why);
      }
    } else {
      trailers(s, h, why);
    }
    if (endStream) {
      end(s, Http2End.COMPLETE, -1, ns);
    }
  }

  private static void trailers(Http2Stream s, HeaderBlock h, Http2Unknown why) {
    if (h != null) {
      s.grpcStatus = h.get(KeptNames.GRPC_STATUS);
      s.grpcMessage = h.get(KeptNames.GRPC_MESSAGE);
    }
    if (s.grpcStatus == null && why != null) {
      s.trailersUnknown = why; // grpc-status may have been among what could not be decoded
    }
  }

  void data(boolean fromClient, int id, int bytes, boolean endStream, long ns) {
    Http2Stream s = streams.get(id);
    if (s == null) {
      owner.drop(Http2Drop.UNTRACKED_STREAM);
      return;
    }
    if (fromClient) {
      s.requestBytes += bytes;
      s.requestEnded |= endStream;
    } else {
      s.responseBytes += bytes;
      if (endStream) {
        end(s, Http2End.COMPLETE, -1, ns);
      }
    }
  }

  void reset(boolean byClient, int id, long code, long ns) {
    Http2Stream s = streams.get(id);
    if (s != null) {
      end(s, byClient ? Http2End.RESET_BY_CLIENT : Http2End.RESET_BY_SERVER, code, ns);
    }
  }

  /** Streams the GOAWAY's sender never processed: those its peer opened above {@code lastStreamId}. */
  void goAway(boolean fromServer, int lastStreamId, long code, long ns) {
    // Client streams are odd, server (push) streams even.
    for (Http2Stream s : snapshot()) {
      if (s.id > lastStreamId && (s.id & 1) == (fromServer ? 1 : 0)) {
        end(s, Http2End.REFUSED_BY_GOAWAY, code, ns);
      }
    }
  }

  /** The open streams, by id (removing while walking the table's slots would skip some). */
  private java.util.List<Http2Stream> snapshot() {
    java.util.List<Http2Stream> all = new java.util.ArrayList<>(streams.size());
    for (int i = 0; i < streams.slots(); i++) {
      Http2Stream s = streams.slot(i);
      if (s != null) {
        all.add(s);
      }
    }
    all.sort((a, b) -> Integer.compare(a.id, b.id));
    return all;
  }

  /** Framing was lost: any open stream may have ended unseen. */
  void lostSync() {
    for (int i = 0; i < streams.slots(); i++) {
      Http2Stream s = streams.slot(i);
      if (s != null) {
        s.suspect = true;
      }
    }
  }

  /** Ends every open stream, {@code how} saying why (the connection closed, or was dropped). */
  void closeAll(long ns, Http2End how) {
    for (Http2Stream s : snapshot()) {
      end(s, how, -1, ns);
    }
    streams.clear();
  }

  /** A new stream; at the limit, one open across lost bytes makes room, else the new one is dropped. */
  private Http2Stream open(int id, long ns) {
    if (streams.full()) {
      Http2Stream oldest = null;
      for (int i = 0; i < streams.slots(); i++) {
        Http2Stream s = streams.slot(i);
        if (s != null && s.suspect && (oldest == null || s.id < oldest.id)) {
          oldest = s;
        }
      }
      if (oldest == null) {
        owner.drop(Http2Drop.STREAM_LIMIT);
        return null;
      }
      owner.drop(Http2Drop.STREAM_EVICTED);
      end(oldest, Http2End.EVICTED, -1, ns);
    }
    Http2Stream s = new Http2Stream(id);
    streams.put(s);
    return s;
  }

  private static Http2Request request(int id, HeaderBlock h, Http2Unknown unknown, long ns, boolean pushed) {
    if (h == null) {
      return new Http2Request(id, null, null, null, null, null, ns, unknown, false, pushed, false, null, null);
    }
    String path = h.get(KeptNames.PATH);
    String authority = h.get(KeptNames.AUTHORITY);
    boolean grpc = GrpcCalls.isGrpc(h.get(KeptNames.CONTENT_TYPE));
    return new Http2Request(id, h.get(KeptNames.METHOD), path, authority != null ? authority : h.get(KeptNames.HOST),
        h.get(KeptNames.SCHEME), h.headers(), ns, h.unknownReason, h.truncated, pushed, grpc,
        grpc ? GrpcCalls.service(path) : null, grpc ? GrpcCalls.method(path) : null);
  }

  private void end(Http2Stream s, Http2End how, long code, long ns) {
    streams.remove(s.id);
    Http2Request req = s.request;
    Http2Response resp = s.response;
    long latency = req != null && resp != null ? Math.max(0, resp.startNs() - req.startNs()) : 0;
    long duration = req != null ? Math.max(0, ns - req.startNs()) : 0;
    boolean grpc = s.grpc || s.grpcStatus != null;
    GrpcStatus status = grpc ? grpcStatus(s, how, code) : null;
    owner.emit(new ExchangeEnded(new Http2Exchange(s.id, req, resp, s.requestEnded, s.requestBytes, s.responseBytes,
        ns, latency, duration, how, code, grpc, status, s.trailersUnknown), owner.role()));
  }

  /** grpc-status if sent; else what a gRPC client derives; null when it cannot be known. */
  private static GrpcStatus grpcStatus(Http2Stream s, Http2End how, long code) {
    String message = GrpcCalls.percentDecode(s.grpcMessage);
    int sent = GrpcCalls.parseStatus(s.grpcStatus);
    if (sent >= 0) {
      return status(sent, message, s.trailersOnly ? GrpcStatus.Source.TRAILERS_ONLY : GrpcStatus.Source.TRAILERS);
    }
    if (how == Http2End.RESET_BY_CLIENT || how == Http2End.RESET_BY_SERVER) {
      return status(GrpcCalls.fromResetCode(code), message, GrpcStatus.Source.RST_STREAM);
    }
    if (how != Http2End.COMPLETE || s.trailersUnknown != null || s.response == null) {
      return null;
    }
    int http = s.response.status();
    if (http != 0 && http != 200) {
      return status(GrpcCalls.fromHttpStatus(http), message, GrpcStatus.Source.HTTP_STATUS);
    }
    return http == 200 ? status(GrpcCalls.UNKNOWN, message, GrpcStatus.Source.MISSING) : null;
  }

  private static GrpcStatus status(int code, String message, GrpcStatus.Source source) {
    return new GrpcStatus(code, io.hybridmesh.api.flow.GrpcStatus.name(code), message, source);
  }
}
