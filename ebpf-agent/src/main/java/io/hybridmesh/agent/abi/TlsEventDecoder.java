package io.hybridmesh.agent.abi;

import static io.hybridmesh.agent.abi.HmAbi.TlsEventLayout.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Decodes {@code struct hm_tls_event} records. Not thread-safe: it copies each record's data into one
 * reusable array, which the returned event shares (the event path runs on one thread).
 */
public final class TlsEventDecoder {

  private final byte[] data = new byte[HmAbi.TLS_MAX_CAPTURE];
  private final byte[] comm = new byte[COMM_SIZE];

  /**
   * @throws MalformedEventException when the record is shorter than its header says
   */
  public TlsEvent decode(ByteBuffer b, int at, int length) {
    if (length < DATA) {
      throw new MalformedEventException("TLS event of " + length + " bytes, the header alone has " + DATA);
    }
    int captured = b.getInt(at + CAPTURED);
    if (captured < 0 || captured > HmAbi.TLS_MAX_CAPTURE || DATA + captured > length) {
      throw new MalformedEventException("TLS event claims " + captured + " captured bytes in a record of "
          + length);
    }
    int flags = b.get(at + FLAGS) & 0xff;
    b.get(at + DATA, data, 0, captured);
    b.get(at + COMM, comm);
    int commLength = 0;
    while (commLength < COMM_SIZE && comm[commLength] != 0) {
      commLength++;
    }
    return new TlsEvent(
        (b.get(at + OP) & 0xff) == HmAbi.TLS_WRITE,
        (flags & HmAbi.TLS_F_EX) != 0,
        b.getInt(at + ENDPOINT_ID),
        b.getLong(at + START_NS),
        b.getLong(at + END_NS),
        b.getLong(at + SSL),
        b.getLong(at + CGROUP_ID),
        b.getLong(at + LENGTH),
        b.getInt(at + PID),
        b.getInt(at + TID),
        new String(comm, 0, commLength, StandardCharsets.UTF_8),
        (flags & HmAbi.TLS_F_TUPLE) != 0 ? FlowTuple.read(b, at + TUPLE) : null,
        data,
        captured);
  }
}
