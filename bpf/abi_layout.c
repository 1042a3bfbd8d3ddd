// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Prints the layout of every struct in hm_abi.h as Java properties (struct.field=offset:size), for
 * AbiLayoutTest to compare with the Java decoders. Built and run by the BPF Makefile.
 */
#include <stddef.h>
#include <stdio.h>
#include "hm_abi.h"

#define SIZE(s) printf(#s ".sizeof=%zu\n", sizeof(struct s))
#define STAT(name) printf("hm_stat." #name "=%d\n", name)
#define CONST(name) printf("const." #name "=%d\n", name)
#define FIELD(s, f) printf(#s "." #f "=%zu:%zu\n", offsetof(struct s, f), sizeof(((struct s *)0)->f))

int main(void)
{
	printf("abi.version=%d\n", HM_ABI_VERSION);
	/* Counter indexes are part of the ABI too: user space reads hm_stats by them. */
	STAT(HM_STAT_RINGBUF_FULL);
	STAT(HM_STAT_TRUNCATED);
	STAT(HM_STAT_FRAGMENT);
	STAT(HM_STAT_NOT_IP);
	STAT(HM_STAT_CONN_TABLE_FULL);
	STAT(HM_STAT_UNTRACKED);
	STAT(HM_STAT_PACKETS);
	STAT(HM_STAT_TLS_NO_SOCKET);
	STAT(HM_STAT_TLS_CALL_FAILED);
	STAT(HM_STAT_TLS_CALLS);
	STAT(HM_STAT_TLS_SLOT_TAKEN);
	STAT(HM_STAT_CONN_INSERTED);
	STAT(HM_STAT_CONN_DELETED);
	STAT(HM_STAT_CONN_MIDSTREAM);
	STAT(HM_STAT_SOCK_CALLS);
	STAT(HM_STAT_SOCK_TLS);
	STAT(HM_STAT_SOCK_SLOT_TAKEN);
	STAT(HM_STAT_SOCK_UNCLASSIFIED);
	STAT(HM_STAT_SOCK_TABLE_FULL);
	STAT(HM_STAT_CONN_HTTP);
	STAT(HM_STAT_CONN_TLS);
	STAT(HM_STAT_SOCK_OTHER_CALL);
	STAT(HM_STAT_TC_HTTP_EXCHANGES);
	STAT(HM_STAT_TC_HTTP_PIPELINED);
	STAT(HM_STAT_TC_HTTP_TABLE_FULL);
	STAT(HM_STAT_TLS_WRITES_AT_ENTRY);
	STAT(HM_STAT_MAX);

	/* Enum values user space matches records and table entries by. */
	CONST(HM_EVENT_CONN);
	CONST(HM_EVENT_TLS_DATA);
	CONST(HM_EVENT_PROCESS);
	CONST(HM_EVENT_SOCK_DATA);
	CONST(HM_EVENT_TC_HTTP);
	CONST(HM_TC_HTTP_HEAD);
	CONST(HM_TC_HTTP_STATUS_LINE);
	CONST(HM_SOCK_PLAIN);
	CONST(HM_SOCK_TLS);
	CONST(HM_SOCK_F_FIRST_READ);
	CONST(HM_CONN_F_INITIATOR_KNOWN);
	CONST(HM_CONN_F_END_PENDING);
	CONST(HM_CONN_F_LOCAL_INITIATOR);
	CONST(HM_CONN_F_INITIATOR_IS_KEY_DST);
	CONST(HM_CONN_F_PAYLOAD_SEEN);
	CONST(HM_CONN_F_PAYLOAD_HTTP);
	CONST(HM_CONN_F_PAYLOAD_TLS);
	CONST(HM_TLS_COOKIE_WRITE);
	CONST(HM_TLS_COOKIE_EX);
	CONST(HM_TLS_COOKIE_SET_FD);
	CONST(HM_TLS_F_TUPLE);
	CONST(HM_TLS_F_EX);
	CONST(HM_TLS_F_GO);
	CONST(HM_TLS_F_AT_ENTRY);

	SIZE(hm_flow_tuple);
	FIELD(hm_flow_tuple, saddr);
	FIELD(hm_flow_tuple, daddr);
	FIELD(hm_flow_tuple, sport);
	FIELD(hm_flow_tuple, dport);
	FIELD(hm_flow_tuple, family);
	FIELD(hm_flow_tuple, proto);

	SIZE(hm_conn_key);
	FIELD(hm_conn_key, endpoint_id);
	FIELD(hm_conn_key, tuple);

	SIZE(hm_counters);
	FIELD(hm_counters, bytes);
	FIELD(hm_counters, packets);
	FIELD(hm_counters, payload_bytes);

	SIZE(hm_conn_value);
	FIELD(hm_conn_value, first_ns);
	FIELD(hm_conn_value, last_ns);
	FIELD(hm_conn_value, last_report_ns);
	FIELD(hm_conn_value, to_responder);
	FIELD(hm_conn_value, to_initiator);
	FIELD(hm_conn_value, flags_to_responder);
	FIELD(hm_conn_value, flags_to_initiator);
	FIELD(hm_conn_value, state);
	FIELD(hm_conn_value, conn_flags);
	FIELD(hm_conn_value, flag_word);
	FIELD(hm_conn_value, ifindex);

	SIZE(hm_conn_event);
	FIELD(hm_conn_event, kind);
	FIELD(hm_conn_event, state);
	FIELD(hm_conn_event, conn_flags);
	FIELD(hm_conn_event, endpoint_id);
	FIELD(hm_conn_event, ts_ns);
	FIELD(hm_conn_event, first_ns);
	FIELD(hm_conn_event, tuple);
	FIELD(hm_conn_event, to_responder);
	FIELD(hm_conn_event, to_initiator);
	FIELD(hm_conn_event, ifindex);
	FIELD(hm_conn_event, pkt_tcp_flags);
	FIELD(hm_conn_event, pkt_egress);
	FIELD(hm_conn_event, flags_to_responder);
	FIELD(hm_conn_event, flags_to_initiator);
	FIELD(hm_conn_event, icmp_type);
	FIELD(hm_conn_event, icmp_code);
	FIELD(hm_conn_event, pkt_to_responder);

	SIZE(hm_tls_event);
	FIELD(hm_tls_event, kind);
	FIELD(hm_tls_event, op);
	FIELD(hm_tls_event, flags);
	FIELD(hm_tls_event, endpoint_id);
	FIELD(hm_tls_event, start_ns);
	FIELD(hm_tls_event, end_ns);
	FIELD(hm_tls_event, ssl);
	FIELD(hm_tls_event, cgroup_id);
	FIELD(hm_tls_event, length);
	FIELD(hm_tls_event, pid);
	FIELD(hm_tls_event, tid);
	FIELD(hm_tls_event, captured);
	FIELD(hm_tls_event, tuple);
	FIELD(hm_tls_event, comm);
	FIELD(hm_tls_event, data);

	SIZE(hm_sock_state);
	FIELD(hm_sock_state, addrpair);
	FIELD(hm_sock_state, v6_daddr);
	FIELD(hm_sock_state, portpair);
	FIELD(hm_sock_state, endpoint_id);
	FIELD(hm_sock_state, verdict);
	FIELD(hm_sock_state, flags);
	FIELD(hm_sock_state, tuple);
	SIZE(hm_go_offsets);
	FIELD(hm_go_offsets, conn_data);
	FIELD(hm_go_offsets, tcpconn_fd);
	FIELD(hm_go_offsets, netfd_sysfd);
	FIELD(hm_go_offsets, attach_id);
	FIELD(hm_go_offsets, flags);
	FIELD(hm_go_offsets, read_result_slot);
	FIELD(hm_go_offsets, read_closure_slot);

	SIZE(hm_process_event);
	FIELD(hm_process_event, kind);
	FIELD(hm_process_event, op);
	FIELD(hm_process_event, endpoint_id);
	FIELD(hm_process_event, ts_ns);
	FIELD(hm_process_event, pid);
	FIELD(hm_process_event, parent_pid);
	SIZE(hm_tc_http_event);
	FIELD(hm_tc_http_event, kind);
	FIELD(hm_tc_http_event, conn_flags);
	FIELD(hm_tc_http_event, status_len);
	FIELD(hm_tc_http_event, endpoint_id);
	FIELD(hm_tc_http_event, request_ns);
	FIELD(hm_tc_http_event, response_ns);
	FIELD(hm_tc_http_event, tuple);
	FIELD(hm_tc_http_event, ifindex);
	FIELD(hm_tc_http_event, head_len);
	FIELD(hm_tc_http_event, status_line);
	FIELD(hm_tc_http_event, head);
	return 0;
}
