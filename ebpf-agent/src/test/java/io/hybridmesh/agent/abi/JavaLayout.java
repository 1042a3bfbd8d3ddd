package io.hybridmesh.agent.abi;

import static io.hybridmesh.agent.abi.HmAbi.*;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HmAbi's constants in the format bpf/abi_layout.c prints for the C header: every field as
 * {@code struct.field -> "offset:size"}, every struct as {@code struct.sizeof -> size}, the stat indexes and
 * the event kinds. Only {@link AbiLayoutTest} needs it.
 */
final class JavaLayout {

  private JavaLayout() {}

  /**
   * Every field as {@code struct.field -> "offset:size"} and every struct as {@code struct.sizeof ->
   * size}, in the format the C side prints.
   */
  static Map<String, String> of() {
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
    stat(m, "HM_STAT_TLS_WRITES_AT_ENTRY", STAT_TLS_WRITES_AT_ENTRY);
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
    constant(m, "HM_TLS_COOKIE_WRITE", (int) TLS_COOKIE_WRITE);
    constant(m, "HM_TLS_COOKIE_EX", (int) TLS_COOKIE_EX);
    constant(m, "HM_TLS_COOKIE_SET_FD", (int) TLS_COOKIE_SET_FD);
    constant(m, "HM_TLS_F_TUPLE", TLS_F_TUPLE);
    constant(m, "HM_TLS_F_EX", TLS_F_EX);
    constant(m, "HM_TLS_F_GO", TLS_F_GO);
    constant(m, "HM_TLS_F_AT_ENTRY", TLS_F_AT_ENTRY);
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
