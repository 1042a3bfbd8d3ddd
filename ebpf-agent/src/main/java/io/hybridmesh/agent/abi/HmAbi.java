package io.hybridmesh.agent.abi;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Java mirror of {@code bpf/include/hm_abi.h}: constants and the byte layout of every shared struct.
 * {@code AbiLayoutTest} checks {@link #layout()} against offsets computed by a C compiler from the header,
 * and the counter indexes against the header's {@code enum hm_stat}.
 */
public final class HmAbi {

  public static final int VERSION = 5;

  public static final int EVENT_CONN = 1;
  public static final int EVENT_TLS_DATA = 2;
  public static final int EVENT_PROCESS = 3;
  public static final int EVENT_SOCK_DATA = 4;
  public static final int EVENT_TC_HTTP = 5;

  public static final int PROCESS_EXEC = 1;
  public static final int PROCESS_FORK = 2;
  public static final int PROCESS_EXIT = 3;

  public static final int TLS_WRITE = 1;
  public static final int TLS_READ = 2;
  public static final int TLS_F_TUPLE = 0x1;
  public static final int TLS_F_EX = 0x2;
  public static final int TLS_F_GO = 0x4;
  public static final int TLS_MAX_CAPTURE = 4096;
  public static final long TLS_COOKIE_WRITE = 0x1;
  public static final long TLS_COOKIE_EX = 0x2;

  public static final int CONN_NEW = 1;
  public static final int CONN_ACTIVE = 2;
  public static final int CONN_CLOSED = 3;
  public static final int CONN_RESET = 4;

  public static final int CONN_F_INITIATOR_KNOWN = 0x1;
  public static final int CONN_F_END_PENDING = 0x2;
  public static final int CONN_F_LOCAL_INITIATOR = 0x4;
  public static final int CONN_F_INITIATOR_IS_KEY_DST = 0x8;
  public static final int CONN_F_PAYLOAD_SEEN = 0x10;
  public static final int CONN_F_PAYLOAD_HTTP = 0x20;
  public static final int CONN_F_PAYLOAD_TLS = 0x40;

  public static final int STAT_RINGBUF_FULL = 0;
  public static final int STAT_TRUNCATED = 1;
  public static final int STAT_FRAGMENT = 2;
  public static final int STAT_NOT_IP = 3;
  public static final int STAT_CONN_TABLE_FULL = 4;
  public static final int STAT_UNTRACKED = 5;
  public static final int STAT_PACKETS = 6;
  public static final int STAT_TLS_NO_SOCKET = 7;
  public static final int STAT_TLS_CALL_FAILED = 8;
  public static final int STAT_TLS_CALLS = 9;
  public static final int STAT_TLS_SLOT_TAKEN = 10;
  public static final int STAT_CONN_INSERTED = 11;
  public static final int STAT_CONN_DELETED = 12;
  public static final int STAT_CONN_MIDSTREAM = 13;
  public static final int STAT_SOCK_CALLS = 14;
  public static final int STAT_SOCK_TLS = 15;
  public static final int STAT_SOCK_SLOT_TAKEN = 16;
  public static final int STAT_SOCK_UNCLASSIFIED = 17;
  public static final int STAT_SOCK_TABLE_FULL = 18;
  public static final int STAT_CONN_HTTP = 19;
  public static final int STAT_CONN_TLS = 20;
  public static final int STAT_SOCK_OTHER_CALL = 21;
  public static final int STAT_TC_HTTP_EXCHANGES = 22;
  public static final int STAT_TC_HTTP_PIPELINED = 23;
  public static final int STAT_TC_HTTP_TABLE_FULL = 24;
  public static final int STAT_MAX = 28;

  public static final int TC_HTTP_HEAD = 128;
  public static final int TC_HTTP_STATUS_LINE = 16;

  public static final int SOCK_PLAIN = 1;
  public static final int SOCK_TLS = 2;
  public static final int SOCK_F_FIRST_READ = 0x1;

  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;
  public static final int IPPROTO_ICMP = 1;
  public static final int IPPROTO_TCP = 6;
  public static final int IPPROTO_UDP = 17;
  public static final int IPPROTO_ICMPV6 = 58;
  public static final int IPPROTO_SCTP = 132;

  public static final int TCP_FIN = 0x01;
  public static final int TCP_SYN = 0x02;
  public static final int TCP_RST = 0x04;
  public static final int TCP_PSH = 0x08;
  public static final int TCP_ACK = 0x10;
  public static final int TCP_URG = 0x20;
  public static final int TCP_ECE = 0x40;
  public static final int TCP_CWR = 0x80;

  /** struct hm_flow_tuple */
  public static final class Tuple {
    public static final int SIZE = 40;
    public static final int SADDR = 0;
    public static final int DADDR = 16;
    public static final int SPORT = 32;
    public static final int DPORT = 34;
    public static final int FAMILY = 36;
    public static final int PROTO = 37;

    private Tuple() {}
  }

  /** struct hm_conn_key */
  public static final class ConnKey {
    public static final int SIZE = 48;
    public static final int ENDPOINT_ID = 0;
    public static final int TUPLE = 8;

    private ConnKey() {}
  }

  /** struct hm_counters */
  public static final class Counters {
    public static final int SIZE = 24;
    public static final int BYTES = 0;
    public static final int PACKETS = 8;
    public static final int PAYLOAD_BYTES = 16;

    private Counters() {}
  }

  /** struct hm_conn_value */
  public static final class ConnValue {
    public static final int SIZE = 80;
    public static final int FIRST_NS = 0;
    public static final int LAST_NS = 8;
    public static final int LAST_REPORT_NS = 16;
    public static final int TO_RESPONDER = 24;
    public static final int TO_INITIATOR = 48;
    public static final int FLAGS_TO_RESPONDER = 72;
    public static final int FLAGS_TO_INITIATOR = 73;
    public static final int STATE = 74;
    public static final int CONN_FLAGS = 75;
    /** The four bytes above as one word, for the programs' atomic updates. */
    public static final int FLAG_WORD = 72;
    public static final int IFINDEX = 76;

    private ConnValue() {}
  }

  /** struct hm_conn_event */
  public static final class ConnEventLayout {
    public static final int SIZE = 128;
    public static final int KIND = 0;
    public static final int STATE = 2;
    public static final int CONN_FLAGS = 3;
    public static final int ENDPOINT_ID = 4;
    public static final int TS_NS = 8;
    public static final int FIRST_NS = 16;
    public static final int TUPLE = 24;
    public static final int TO_RESPONDER = 64;
    public static final int TO_INITIATOR = 88;
    public static final int IFINDEX = 112;
    public static final int PKT_TCP_FLAGS = 116;
    public static final int PKT_EGRESS = 117;
    public static final int FLAGS_TO_RESPONDER = 118;
    public static final int FLAGS_TO_INITIATOR = 119;
    public static final int ICMP_TYPE = 120;
    public static final int ICMP_CODE = 121;
    public static final int PKT_TO_RESPONDER = 122;

    private ConnEventLayout() {}
  }

  /** struct hm_tls_event: a fixed header, then {@code captured} bytes of data */
  public static final class TlsEventLayout {
    public static final int SIZE = 4216;
    public static final int KIND = 0;
    public static final int OP = 2;
    public static final int FLAGS = 3;
    public static final int ENDPOINT_ID = 4;
    public static final int START_NS = 8;
    public static final int END_NS = 16;
    public static final int SSL = 24;
    public static final int CGROUP_ID = 32;
    public static final int LENGTH = 40;
    public static final int PID = 48;
    public static final int TID = 52;
    public static final int CAPTURED = 56;
    public static final int TUPLE = 64;
    public static final int COMM = 104;
    public static final int COMM_SIZE = 16;
    public static final int DATA = 120;

    private TlsEventLayout() {}
  }

  /** struct hm_sock_state: the value of hm_sock_states, keyed by the struct sock's address (u64) */
  public static final class SockStateLayout {
    public static final int SIZE = 80;
    public static final int ADDRPAIR = 0;
    public static final int V6_DADDR = 8;
    public static final int PORTPAIR = 24;
    public static final int ENDPOINT_ID = 28;
    public static final int VERDICT = 32;
    public static final int FLAGS = 33;
    public static final int TUPLE = 40;

    private SockStateLayout() {}
  }

  /** struct hm_process_event */
  public static final class ProcessEventLayout {
    public static final int SIZE = 24;
    public static final int KIND = 0;
    public static final int OP = 2;
    public static final int ENDPOINT_ID = 4;
    public static final int TS_NS = 8;
    public static final int PID = 16;
    public static final int PARENT_PID = 20;

    private ProcessEventLayout() {}
  }

  /** {@code struct hm_tc_http_event}: one plaintext HTTP/1.x exchange read by the TC programs. */
  public static final class TcHttpEventLayout {
    public static final int SIZE = 216;
    public static final int KIND = 0;
    public static final int CONN_FLAGS = 2;
    public static final int STATUS_LEN = 3;
    public static final int ENDPOINT_ID = 4;
    public static final int REQUEST_NS = 8;
    public static final int RESPONSE_NS = 16;
    public static final int TUPLE = 24;
    public static final int IFINDEX = 64;
    public static final int HEAD_LEN = 68;
    public static final int STATUS_LINE = 72;
    public static final int HEAD = 88;

    private TcHttpEventLayout() {}
  }

  /** {@code struct hm_go_offsets}: the value of hm_go_procs. */
  public static final class GoOffsetsLayout {
    public static final int SIZE = 24;
    public static final int CONN_DATA = 0;
    public static final int TCPCONN_FD = 4;
    public static final int NETFD_SYSFD = 8;
    public static final int ATTACH_ID = 12;
    public static final int FLAGS = 16;
    public static final int READ_RESULT_SLOT = 20;
    public static final int READ_CLOSURE_SLOT = 22;
    /** hm_go_flag: Writes reported at their first successful send, no probes on Write's rets. */
    public static final int F_WRITE_AT_SEND = 0x1;
    /** hm_go_flag: Reads reported at their deferred unlock, no probes on the rets that follow it. */
    public static final int F_READ_AT_UNLOCK = 0x2;

    private GoOffsetsLayout() {}
  }

  private HmAbi() {}

  /**
   * Every field as {@code struct.field -> "offset:size"} and every struct as {@code struct.sizeof ->
   * size}, in the format the C side prints.
   */
  public static Map<String, String> layout() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("abi.version", String.valueOf(VERSION));
    stat(m, "HM_STAT_RINGBUF_FULL", STAT_RINGBUF_FULL);
    stat(m, "HM_STAT_TRUNCATED", STAT_TRUNCATED);
    stat(m, "HM_STAT_FRAGMENT", STAT_FRAGMENT);
    stat(m, "HM_STAT_NOT_IP", STAT_NOT_IP);
    stat(m, "HM_STAT_CONN_TABLE_FULL", STAT_CONN_TABLE_FULL);
    stat(m, "HM_STAT_UNTRACKED", STAT_UNTRACKED);
    stat(m, "HM_STAT_PACKETS", STAT_PACKETS);
    stat(m, "HM_STAT_TLS_NO_SOCKET", STAT_TLS_NO_SOCKET);
    stat(m, "HM_STAT_TLS_CALL_FAILED", STAT_TLS_CALL_FAILED);
    stat(m, "HM_STAT_TLS_CALLS", STAT_TLS_CALLS);
    stat(m, "HM_STAT_TLS_SLOT_TAKEN", STAT_TLS_SLOT_TAKEN);
    stat(m, "HM_STAT_CONN_INSERTED", STAT_CONN_INSERTED);
    stat(m, "HM_STAT_CONN_DELETED", STAT_CONN_DELETED);
    stat(m, "HM_STAT_CONN_MIDSTREAM", STAT_CONN_MIDSTREAM);
    stat(m, "HM_STAT_SOCK_CALLS", STAT_SOCK_CALLS);
    stat(m, "HM_STAT_SOCK_TLS", STAT_SOCK_TLS);
    stat(m, "HM_STAT_SOCK_SLOT_TAKEN", STAT_SOCK_SLOT_TAKEN);
    stat(m, "HM_STAT_SOCK_UNCLASSIFIED", STAT_SOCK_UNCLASSIFIED);
    stat(m, "HM_STAT_SOCK_TABLE_FULL", STAT_SOCK_TABLE_FULL);
    stat(m, "HM_STAT_CONN_HTTP", STAT_CONN_HTTP);
    stat(m, "HM_STAT_CONN_TLS", STAT_CONN_TLS);
    stat(m, "HM_STAT_SOCK_OTHER_CALL", STAT_SOCK_OTHER_CALL);
    stat(m, "HM_STAT_TC_HTTP_EXCHANGES", STAT_TC_HTTP_EXCHANGES);
    stat(m, "HM_STAT_TC_HTTP_PIPELINED", STAT_TC_HTTP_PIPELINED);
    stat(m, "HM_STAT_TC_HTTP_TABLE_FULL", STAT_TC_HTTP_TABLE_FULL);
    stat(m, "HM_STAT_MAX", STAT_MAX);
    constant(m, "HM_EVENT_CONN", EVENT_CONN);
    constant(m, "HM_EVENT_TLS_DATA", EVENT_TLS_DATA);
    constant(m, "HM_EVENT_PROCESS", EVENT_PROCESS);
    constant(m, "HM_EVENT_SOCK_DATA", EVENT_SOCK_DATA);
    constant(m, "HM_EVENT_TC_HTTP", EVENT_TC_HTTP);
    constant(m, "HM_TC_HTTP_HEAD", TC_HTTP_HEAD);
    constant(m, "HM_TC_HTTP_STATUS_LINE", TC_HTTP_STATUS_LINE);
    constant(m, "HM_SOCK_PLAIN", SOCK_PLAIN);
    constant(m, "HM_SOCK_TLS", SOCK_TLS);
    constant(m, "HM_SOCK_F_FIRST_READ", SOCK_F_FIRST_READ);
    constant(m, "HM_CONN_F_INITIATOR_KNOWN", CONN_F_INITIATOR_KNOWN);
    constant(m, "HM_CONN_F_END_PENDING", CONN_F_END_PENDING);
    constant(m, "HM_CONN_F_LOCAL_INITIATOR", CONN_F_LOCAL_INITIATOR);
    constant(m, "HM_CONN_F_INITIATOR_IS_KEY_DST", CONN_F_INITIATOR_IS_KEY_DST);
    constant(m, "HM_CONN_F_PAYLOAD_SEEN", CONN_F_PAYLOAD_SEEN);
    constant(m, "HM_CONN_F_PAYLOAD_HTTP", CONN_F_PAYLOAD_HTTP);
    constant(m, "HM_CONN_F_PAYLOAD_TLS", CONN_F_PAYLOAD_TLS);
    m.put("hm_flow_tuple.sizeof", String.valueOf(Tuple.SIZE));
    field(m, "hm_flow_tuple.saddr", Tuple.SADDR, 16);
    field(m, "hm_flow_tuple.daddr", Tuple.DADDR, 16);
    field(m, "hm_flow_tuple.sport", Tuple.SPORT, 2);
    field(m, "hm_flow_tuple.dport", Tuple.DPORT, 2);
    field(m, "hm_flow_tuple.family", Tuple.FAMILY, 1);
    field(m, "hm_flow_tuple.proto", Tuple.PROTO, 1);
    m.put("hm_conn_key.sizeof", String.valueOf(ConnKey.SIZE));
    field(m, "hm_conn_key.endpoint_id", ConnKey.ENDPOINT_ID, 4);
    field(m, "hm_conn_key.tuple", ConnKey.TUPLE, Tuple.SIZE);
    m.put("hm_counters.sizeof", String.valueOf(Counters.SIZE));
    field(m, "hm_counters.bytes", Counters.BYTES, 8);
    field(m, "hm_counters.packets", Counters.PACKETS, 8);
    field(m, "hm_counters.payload_bytes", Counters.PAYLOAD_BYTES, 8);
    m.put("hm_conn_value.sizeof", String.valueOf(ConnValue.SIZE));
    field(m, "hm_conn_value.first_ns", ConnValue.FIRST_NS, 8);
    field(m, "hm_conn_value.last_ns", ConnValue.LAST_NS, 8);
    field(m, "hm_conn_value.last_report_ns", ConnValue.LAST_REPORT_NS, 8);
    field(m, "hm_conn_value.to_responder", ConnValue.TO_RESPONDER, Counters.SIZE);
    field(m, "hm_conn_value.to_initiator", ConnValue.TO_INITIATOR, Counters.SIZE);
    field(m, "hm_conn_value.flags_to_responder", ConnValue.FLAGS_TO_RESPONDER, 1);
    field(m, "hm_conn_value.flags_to_initiator", ConnValue.FLAGS_TO_INITIATOR, 1);
    field(m, "hm_conn_value.state", ConnValue.STATE, 1);
    field(m, "hm_conn_value.conn_flags", ConnValue.CONN_FLAGS, 1);
    field(m, "hm_conn_value.flag_word", ConnValue.FLAG_WORD, 4);
    field(m, "hm_conn_value.ifindex", ConnValue.IFINDEX, 4);
    m.put("hm_conn_event.sizeof", String.valueOf(ConnEventLayout.SIZE));
    field(m, "hm_conn_event.kind", ConnEventLayout.KIND, 2);
    field(m, "hm_conn_event.state", ConnEventLayout.STATE, 1);
    field(m, "hm_conn_event.conn_flags", ConnEventLayout.CONN_FLAGS, 1);
    field(m, "hm_conn_event.endpoint_id", ConnEventLayout.ENDPOINT_ID, 4);
    field(m, "hm_conn_event.ts_ns", ConnEventLayout.TS_NS, 8);
    field(m, "hm_conn_event.first_ns", ConnEventLayout.FIRST_NS, 8);
    field(m, "hm_conn_event.tuple", ConnEventLayout.TUPLE, Tuple.SIZE);
    field(m, "hm_conn_event.to_responder", ConnEventLayout.TO_RESPONDER, Counters.SIZE);
    field(m, "hm_conn_event.to_initiator", ConnEventLayout.TO_INITIATOR, Counters.SIZE);
    field(m, "hm_conn_event.ifindex", ConnEventLayout.IFINDEX, 4);
    field(m, "hm_conn_event.pkt_tcp_flags", ConnEventLayout.PKT_TCP_FLAGS, 1);
    field(m, "hm_conn_event.pkt_egress", ConnEventLayout.PKT_EGRESS, 1);
    field(m, "hm_conn_event.flags_to_responder", ConnEventLayout.FLAGS_TO_RESPONDER, 1);
    field(m, "hm_conn_event.flags_to_initiator", ConnEventLayout.FLAGS_TO_INITIATOR, 1);
    field(m, "hm_conn_event.icmp_type", ConnEventLayout.ICMP_TYPE, 1);
    field(m, "hm_conn_event.icmp_code", ConnEventLayout.ICMP_CODE, 1);
    field(m, "hm_conn_event.pkt_to_responder", ConnEventLayout.PKT_TO_RESPONDER, 1);
    m.put("hm_tls_event.sizeof", String.valueOf(TlsEventLayout.SIZE));
    field(m, "hm_tls_event.kind", TlsEventLayout.KIND, 2);
    field(m, "hm_tls_event.op", TlsEventLayout.OP, 1);
    field(m, "hm_tls_event.flags", TlsEventLayout.FLAGS, 1);
    field(m, "hm_tls_event.endpoint_id", TlsEventLayout.ENDPOINT_ID, 4);
    field(m, "hm_tls_event.start_ns", TlsEventLayout.START_NS, 8);
    field(m, "hm_tls_event.end_ns", TlsEventLayout.END_NS, 8);
    field(m, "hm_tls_event.ssl", TlsEventLayout.SSL, 8);
    field(m, "hm_tls_event.cgroup_id", TlsEventLayout.CGROUP_ID, 8);
    field(m, "hm_tls_event.length", TlsEventLayout.LENGTH, 8);
    field(m, "hm_tls_event.pid", TlsEventLayout.PID, 4);
    field(m, "hm_tls_event.tid", TlsEventLayout.TID, 4);
    field(m, "hm_tls_event.captured", TlsEventLayout.CAPTURED, 4);
    field(m, "hm_tls_event.tuple", TlsEventLayout.TUPLE, Tuple.SIZE);
    field(m, "hm_tls_event.comm", TlsEventLayout.COMM, TlsEventLayout.COMM_SIZE);
    field(m, "hm_tls_event.data", TlsEventLayout.DATA, TLS_MAX_CAPTURE);
    m.put("hm_sock_state.sizeof", String.valueOf(SockStateLayout.SIZE));
    field(m, "hm_sock_state.addrpair", SockStateLayout.ADDRPAIR, 8);
    field(m, "hm_sock_state.v6_daddr", SockStateLayout.V6_DADDR, 16);
    field(m, "hm_sock_state.portpair", SockStateLayout.PORTPAIR, 4);
    field(m, "hm_sock_state.endpoint_id", SockStateLayout.ENDPOINT_ID, 4);
    field(m, "hm_sock_state.verdict", SockStateLayout.VERDICT, 1);
    field(m, "hm_sock_state.flags", SockStateLayout.FLAGS, 1);
    field(m, "hm_sock_state.tuple", SockStateLayout.TUPLE, Tuple.SIZE);
    m.put("hm_go_offsets.sizeof", String.valueOf(GoOffsetsLayout.SIZE));
    field(m, "hm_go_offsets.conn_data", GoOffsetsLayout.CONN_DATA, 4);
    field(m, "hm_go_offsets.tcpconn_fd", GoOffsetsLayout.TCPCONN_FD, 4);
    field(m, "hm_go_offsets.netfd_sysfd", GoOffsetsLayout.NETFD_SYSFD, 4);
    field(m, "hm_go_offsets.attach_id", GoOffsetsLayout.ATTACH_ID, 4);
    field(m, "hm_go_offsets.flags", GoOffsetsLayout.FLAGS, 4);
    field(m, "hm_go_offsets.read_result_slot", GoOffsetsLayout.READ_RESULT_SLOT, 2);
    field(m, "hm_go_offsets.read_closure_slot", GoOffsetsLayout.READ_CLOSURE_SLOT, 2);
    m.put("hm_process_event.sizeof", String.valueOf(ProcessEventLayout.SIZE));
    field(m, "hm_process_event.kind", ProcessEventLayout.KIND, 2);
    field(m, "hm_process_event.op", ProcessEventLayout.OP, 1);
    field(m, "hm_process_event.endpoint_id", ProcessEventLayout.ENDPOINT_ID, 4);
    field(m, "hm_process_event.ts_ns", ProcessEventLayout.TS_NS, 8);
    field(m, "hm_process_event.pid", ProcessEventLayout.PID, 4);
    field(m, "hm_process_event.parent_pid", ProcessEventLayout.PARENT_PID, 4);
    m.put("hm_tc_http_event.sizeof", String.valueOf(TcHttpEventLayout.SIZE));
    field(m, "hm_tc_http_event.kind", TcHttpEventLayout.KIND, 2);
    field(m, "hm_tc_http_event.conn_flags", TcHttpEventLayout.CONN_FLAGS, 1);
    field(m, "hm_tc_http_event.status_len", TcHttpEventLayout.STATUS_LEN, 1);
    field(m, "hm_tc_http_event.endpoint_id", TcHttpEventLayout.ENDPOINT_ID, 4);
    field(m, "hm_tc_http_event.request_ns", TcHttpEventLayout.REQUEST_NS, 8);
    field(m, "hm_tc_http_event.response_ns", TcHttpEventLayout.RESPONSE_NS, 8);
    field(m, "hm_tc_http_event.tuple", TcHttpEventLayout.TUPLE, Tuple.SIZE);
    field(m, "hm_tc_http_event.ifindex", TcHttpEventLayout.IFINDEX, 4);
    field(m, "hm_tc_http_event.head_len", TcHttpEventLayout.HEAD_LEN, 2);
    field(m, "hm_tc_http_event.status_line", TcHttpEventLayout.STATUS_LINE, TC_HTTP_STATUS_LINE);
    field(m, "hm_tc_http_event.head", TcHttpEventLayout.HEAD, TC_HTTP_HEAD);
    return m;
  }

  private static void stat(Map<String, String> m, String name, int index) {
    m.put("hm_stat." + name, String.valueOf(index));
  }

  private static void constant(Map<String, String> m, String name, int value) {
    m.put("const." + name, String.valueOf(value));
  }

  private static void field(Map<String, String> m, String name, int offset, int size) {
    m.put(name, offset + ":" + size);
  }
}
