package io.hybridmesh.agent.http;

/** How a TLS call's captured bytes are read by every parser fed with them (HTTP/1.x and HTTP/2). */
public final class CapturedBytes {

  private CapturedBytes() {}

  /**
   * How many of {@code capturedLength} bytes from {@code offset} can be read from {@code data}: out-of-range
   * arguments are clamped, not rejected, so a malformed event reads as a shorter capture.
   */
  public static int readable(byte[] data, int offset, int capturedLength) {
    if (data == null || offset < 0 || offset > data.length || capturedLength <= 0) {
      return 0;
    }
    return Math.min(capturedLength, data.length - offset);
  }
}
