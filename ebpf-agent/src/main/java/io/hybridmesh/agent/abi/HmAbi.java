package io.hybridmesh.agent.abi;

/**
 * The Java mirror of {@code bpf/include/hm_abi.h}: constants and the byte layout of every shared struct.
 * {@code AbiLayoutTest} checks these offsets against those a C compiler computes from the header, and the
 * counter indexes against the header's {@code enum hm_stat}.
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
  public static final int TLS_F_AT_ENTRY = 0x8;
  public static final int TLS_MAX_CAPTURE = 4096;
  public static final long TLS_COOKIE_WRITE = 0x1;
  public static final long TLS_COOKIE_EX = 0x2;
  public static final long TLS_COOKIE_SET_FD = 0x4;

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
  public static final int STAT_TLS_WRITES_AT_ENTRY = 25;
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
}
