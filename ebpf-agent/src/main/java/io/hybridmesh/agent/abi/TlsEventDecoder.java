package io.hybridmesh.agent.abi;

import static io.hybridmesh.agent.abi.HmAbi.TlsEventLayout.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes {@code struct hm_tls_event} records, of either kind (TLS calls and socket calls). Not thread-safe: it copies each record's data into one
 * reusable array, which the returned event shares (the event path runs on one thread).
 *
 * <p>The process name and the connection tuple of an event are mostly those of an earlier one (a few
 * processes, each with a few keep-alive connections), so each is looked up among recent ones by its
 * bytes and shared: equal values, no new String or tuple (three objects) per event.
 */
public final class TlsEventDecoder {

  private static final int COMMS = 8;
  private static final int TUPLE_SLOTS = 256;
  /** The tuple's bytes that make it (addresses, ports, family, protocol), not its tail padding. */
  private static final int TUPLE_BYTES = HmAbi.Tuple.PROTO + 1;

  private final byte[] data = new byte[HmAbi.TLS_MAX_CAPTURE];
  private final byte[] comm = new byte[COMM_SIZE];
  private final byte[][] commBytes = new byte[COMMS][];
  private final String[] commNames = new String[COMMS];
  private int nextComm;
  private final byte[] tupleBytes = new byte[TUPLE_BYTES];
  private final Tuple[] tuples = new Tuple[TUPLE_SLOTS];

  private record Tuple(byte[] bytes, FlowTuple tuple) {}

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
        comm(b, at + COMM),
        (flags & HmAbi.TLS_F_TUPLE) != 0 ? tuple(b, at + TUPLE) : null,
        data,
        captured,
        (b.getShort(at + KIND) & 0xffff) == HmAbi.EVENT_SOCK_DATA,
        (flags & HmAbi.TLS_F_GO) != 0);
  }

  /** The NUL-terminated name at {@code at}, shared with an earlier event of the same name. */
  private String comm(ByteBuffer b, int at) {
    b.get(at, comm);
    int n = 0;
    while (n < COMM_SIZE && comm[n] != 0) {
      n++;
    }
    for (int i = 0; i < COMMS; i++) {
      byte[] known = commBytes[i];
      if (known != null && Arrays.equals(known, 0, known.length, comm, 0, n)) {
        return commNames[i];
      }
    }
    String name = new String(comm, 0, n, StandardCharsets.UTF_8);
    int slot = nextComm;
    nextComm = (slot + 1) % COMMS;
    commBytes[slot] = Arrays.copyOf(comm, n);
    commNames[slot] = name;
    return name;
  }

  /** The tuple at {@code at}, shared with an earlier event of the same connection (tuples are immutable). */
  private FlowTuple tuple(ByteBuffer b, int at) {
    b.get(at, tupleBytes);
    int h = b.getInt(at + HmAbi.Tuple.SADDR) * 31 + b.getInt(at + HmAbi.Tuple.SADDR + 12);
    h = h * 31 + b.getInt(at + HmAbi.Tuple.DADDR) * 31 + b.getInt(at + HmAbi.Tuple.DADDR + 12);
    h = h * 31 + b.getInt(at + HmAbi.Tuple.SPORT);
    int slot = (h ^ (h >>> 16)) & (TUPLE_SLOTS - 1);
    Tuple known = tuples[slot];
    if (known != null && Arrays.equals(known.bytes(), tupleBytes)) {
      return known.tuple();
    }
    FlowTuple t = FlowTuple.read(b, at);
    tuples[slot] = new Tuple(tupleBytes.clone(), t);
    return t;
  }
}
