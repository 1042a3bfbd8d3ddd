package io.hybridmesh.agent.http;

/**
 * Walks a chunked body (sizes, extensions, data, CRLFs, trailers) byte-exactly without storing any
 * of it: only the framing is inspected, data is skipped in bulk, trailers are never kept.
 */
final class ChunkFramer {

  private enum Step { SIZE, DATA, END, TRAILERS, DONE }

  private final Limits limits;
  private Step step = Step.DONE;
  private long remaining;
  private long size;
  private int digits;
  private int lineBytes;
  private boolean inExtension;
  private boolean sawCr;
  private boolean lineHasContent;
  private int trailerBytes;
  /** Why the framing broke, or null. */
  String error;

  ChunkFramer(Limits limits) {
    this.limits = limits;
  }

  void begin() {
    error = null;
    trailerBytes = 0;
    sizeLine();
  }

  boolean done() {
    return step == Step.DONE;
  }

  /**
   * Consumes [p, e) until the body ends or the framing breaks; returns where it stopped. On a break
   * {@link #error} is set and the offending byte is not consumed.
   */
  int advance(byte[] d, int p, int e) {
    while (p < e && step != Step.DONE) {
      if (step == Step.DATA) {
        int n = (int) Math.min(remaining, e - p);
        p += n;
        remaining -= n;
        if (remaining == 0) {
          step = Step.END;
          sawCr = false;
        }
        continue;
      }
      byte b = d[p];
      error = switch (step) {
        case SIZE -> sizeByte(b);
        case END -> endByte(b);
        default -> trailerByte(b);
      };
      if (error != null) {
        return p;
      }
      p++;
    }
    return p;
  }

  /** Skips up to {@code g} uncaptured bytes if they are chunk data; returns how many it could. */
  long skipGap(long g) {
    if (step != Step.DATA) {
      return 0;
    }
    long n = Math.min(g, remaining);
    remaining -= n;
    if (remaining == 0) {
      step = Step.END;
      sawCr = false;
    }
    return n;
  }

  private void sizeLine() {
    step = Step.SIZE;
    size = 0;
    digits = 0;
    lineBytes = 0;
    inExtension = false;
  }

  private String sizeByte(byte b) {
    if (b == '\n') {
      if (digits == 0) {
        return "malformed chunk size";
      }
      if (size == 0) {
        step = Step.TRAILERS;
        lineHasContent = false;
      } else {
        step = Step.DATA;
        remaining = size;
      }
      return null;
    }
    if (++lineBytes > limits.maxStartLineBytes()) {
      return "chunk size line longer than " + limits.maxStartLineBytes() + " bytes";
    }
    if (inExtension) {
      return null;
    }
    int h = Character.digit(b & 0xff, 16);
    if (h >= 0) {
      // 15 hex digits cannot overflow a long.
      if (++digits > 15) {
        return "malformed chunk size";
      }
      size = size << 4 | h;
      return null;
    }
    if (digits == 0) {
      return "malformed chunk size";
    }
    // Extensions (and the CR) are skipped up to the LF; they may carry anything.
    inExtension = true;
    return null;
  }

  private String endByte(byte b) {
    if (b == '\r' && !sawCr) {
      sawCr = true;
      return null;
    }
    if (b == '\n') {
      sizeLine();
      return null;
    }
    return "malformed chunk end";
  }

  private String trailerByte(byte b) {
    if (++trailerBytes > limits.maxHeaderBytes()) {
      return "trailers larger than " + limits.maxHeaderBytes() + " bytes";
    }
    if (b == '\n') {
      if (!lineHasContent) {
        step = Step.DONE;
      }
      lineHasContent = false;
    } else if (b != '\r') {
      lineHasContent = true;
    }
    return null;
  }
}
