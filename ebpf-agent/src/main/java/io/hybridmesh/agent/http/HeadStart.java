package io.hybridmesh.agent.http;

import java.util.Arrays;

/**
 * Reads what the TC programs keep of an exchange ({@code --plaintext tc}): the first bytes of the segment that
 * began a request, and of the one that began its response. Whole lines among them are parsed as any head is
 * (the same allow-list of headers, the same Host and target rules); a request line cut by the end of the bytes
 * keeps its method and the start of its target. Pure; one instance per thread (its parser is scratch space).
 *
 * <p>Requests are remembered by their bytes ({@link #SLOTS} of them, direct-mapped): clients send the same
 * heads over and over, and a repeat then yields the same {@link Request}, whose Strings let the flows' HTTP
 * records be shared ({@code l7.HttpRecords}) instead of built per exchange. A request's times are the event's,
 * not its head's: {@code startNs} is 0.
 */
public final class HeadStart {

  private static final int SLOTS = 64;

  /** Longest method read from a cut request line, as in a whole one. */
  private static final int MAX_METHOD = 16;

  /**
   * A request's start.
   *
   * @param lineCut the request line did not end within the bytes: the target is its start, the protocol unknown
   * @param headersCut the head did not end within the bytes: headers past them were not read
   */
  public record Request(HttpRequestHead head, boolean lineCut, boolean headersCut) {}

  private final HeadParser parser = new HeadParser(Limits.DEFAULT);
  private final byte[][] keys = new byte[SLOTS][];
  private final Request[] values = new Request[SLOTS];

  /** The request that {@code b} starts, or null when it does not start with a request line. */
  public Request request(byte[] b) {
    int h = Arrays.hashCode(b);
    int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
    if (keys[slot] != null && Arrays.equals(keys[slot], b)) {
      return values[slot];
    }
    Request r = parse(b);
    if (r != null) {
      keys[slot] = b.clone();
      values[slot] = r;
    }
    return r;
  }

  private Request parse(byte[] b) {
    int lf = Ascii.indexOfLf(b, 0, b.length);
    if (lf < 0) {
      return cutLine(b);
    }
    int lastLf = lf;
    boolean ended = false;
    for (int i = lf + 1; i < b.length && !ended; i++) {
      if (b[i] == '\n') {
        ended = i - lastLf == 1 || (i - lastLf == 2 && b[i - 1] == '\r');
        lastLf = i;
      }
    }
    HeadParser.Parsed p = parser.parse(b, 0, lastLf + 1);
    if (p.kind() != HeadParser.Kind.REQUEST) {
      return null;
    }
    return new Request(p.request(0), false, !ended);
  }

  /** A request line the bytes end inside: its method, and its target as far as it goes. */
  private static Request cutLine(byte[] b) {
    int m = 0;
    while (m < b.length && m <= MAX_METHOD && Ascii.tchar(b[m])) m++;
    if (m == 0 || m > MAX_METHOD || m >= b.length - 1 || b[m] != ' ') {
      return null;
    }
    int e = m + 1;
    while (e < b.length && (b[e] & 0xff) > ' ' && b[e] != 0x7f) e++;
    if (e < b.length && b[e] != ' ' && b[e] != '\r') {
      return null; // a control character inside the target: not a request line
    }
    if (e == m + 1) {
      return null;
    }
    String target = Ascii.latin1(b, m + 1, e);
    String method = Ascii.latin1(b, 0, m);
    return new Request(new HttpRequestHead(method, target, HeadParser.authorityOf(target), "", null, 0), true,
        true);
  }

  /** The response that {@code b} starts ("HTTP/1.d NNN"), or null. */
  public HttpResponseHead response(byte[] b, long startNs) {
    if (b.length < 12) {
      return null;
    }
    int status = Ascii.statusLine(b, 0, 12);
    if (status < 0) {
      return null;
    }
    String protocol = b[7] == '1' ? "HTTP/1.1" : b[7] == '0' ? "HTTP/1.0" : Ascii.latin1(b, 0, 8);
    return new HttpResponseHead(status, protocol, null, startNs);
  }
}
