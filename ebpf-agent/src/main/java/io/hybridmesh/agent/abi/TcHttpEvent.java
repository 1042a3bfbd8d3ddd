package io.hybridmesh.agent.abi;

import static io.hybridmesh.agent.abi.HmAbi.TcHttpEventLayout.*;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@code struct hm_tc_http_event}: one plaintext HTTP/1.x exchange read by the TC programs ({@code --plaintext
 * tc}): the start of the request's head and of its response, as the segments that began them carried them.
 *
 * @param connFlags the connection's {@code HmAbi.CONN_F_*}: {@link #localIsClient()} from them
 * @param tuple client (initiator) to server
 * @param head the first bytes of the request's head, at most {@link HmAbi#TC_HTTP_HEAD}
 * @param statusLine the first bytes of the response, at most {@link HmAbi#TC_HTTP_STATUS_LINE}
 */
public record TcHttpEvent(int connFlags, int endpointId, long requestNs, long responseNs, FlowTuple tuple,
    int ifindex, byte[] head, byte[] statusLine) {

  /** The watched endpoint opened the connection: it is the client, and the request left it. */
  public boolean localIsClient() {
    return (connFlags & HmAbi.CONN_F_LOCAL_INITIATOR) != 0;
  }

  /**
   * Decodes the record at an absolute offset of a little-endian buffer holding {@code length} bytes of it.
   *
   * @throws MalformedEventException when it is too short, of another kind, or its lengths overrun their fields
   */
  public static TcHttpEvent decode(ByteBuffer b, int at, int length) {
    if (length < SIZE) {
      throw new MalformedEventException("TC HTTP event of " + length + " bytes, expected " + SIZE);
    }
    int kind = b.getShort(at + KIND) & 0xffff;
    if (kind != HmAbi.EVENT_TC_HTTP) {
      throw new MalformedEventException("event kind " + kind + " is not a TC HTTP event");
    }
    int headLength = b.getShort(at + HEAD_LEN) & 0xffff;
    int statusLength = b.get(at + STATUS_LEN) & 0xff;
    if (headLength > HmAbi.TC_HTTP_HEAD || statusLength > HmAbi.TC_HTTP_STATUS_LINE) {
      throw new MalformedEventException("TC HTTP event with a head of " + headLength + " bytes and a status line of "
          + statusLength);
    }
    byte[] head = new byte[headLength];
    b.get(at + HEAD, head);
    byte[] status = new byte[statusLength];
    b.get(at + STATUS_LINE, status);
    return new TcHttpEvent(b.get(at + CONN_FLAGS) & 0xff, b.getInt(at + ENDPOINT_ID), b.getLong(at + REQUEST_NS),
        b.getLong(at + RESPONSE_NS), FlowTuple.read(b, at + TUPLE), b.getInt(at + IFINDEX), head, status);
  }

  /** Writes the record as the kernel does, at an absolute offset of a little-endian buffer (tests, fakes). */
  public void encode(ByteBuffer b, int at) {
    for (int i = 0; i < SIZE; i++) {
      b.put(at + i, (byte) 0);
    }
    b.putShort(at + KIND, (short) HmAbi.EVENT_TC_HTTP);
    b.put(at + CONN_FLAGS, (byte) connFlags);
    b.put(at + STATUS_LEN, (byte) Math.min(statusLine.length, HmAbi.TC_HTTP_STATUS_LINE));
    b.putInt(at + ENDPOINT_ID, endpointId);
    b.putLong(at + REQUEST_NS, requestNs);
    b.putLong(at + RESPONSE_NS, responseNs);
    tuple.write(b, at + TUPLE);
    b.putInt(at + IFINDEX, ifindex);
    b.putShort(at + HEAD_LEN, (short) Math.min(head.length, HmAbi.TC_HTTP_HEAD));
    b.put(at + STATUS_LINE, statusLine, 0, Math.min(statusLine.length, HmAbi.TC_HTTP_STATUS_LINE));
    b.put(at + HEAD, head, 0, Math.min(head.length, HmAbi.TC_HTTP_HEAD));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TcHttpEvent e && connFlags == e.connFlags && endpointId == e.endpointId
        && requestNs == e.requestNs && responseNs == e.responseNs && tuple.equals(e.tuple) && ifindex == e.ifindex
        && Arrays.equals(head, e.head) && Arrays.equals(statusLine, e.statusLine);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(head) * 31 + Long.hashCode(requestNs);
  }

  @Override
  public String toString() {
    return "TcHttpEvent[" + tuple + ", " + head.length + " bytes of head, " + statusLine.length + " of status]";
  }
}
