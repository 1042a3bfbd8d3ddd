/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hm_tc_http.h: plaintext HTTP/1.x read by the TC programs themselves (--plaintext tc), for the connections
 * whose first payload was plaintext HTTP (HM_CONN_F_PAYLOAD_HTTP).
 *
 * Why here and not at the sockets: the socket hooks run at every receive and send of every process on the
 * node and read the application's memory at each; these run only for a watched interface's packets, which
 * the TC programs already parse, and read bytes the packet already holds. What they give up: only the start
 * of each head (HM_TC_HTTP_HEAD bytes of the request, the response's status line), no bodies, no HTTP/2,
 * and one request at a time per connection.
 *
 * Per connection, a small state machine in hm_tc_http, keyed like hm_conns:
 *   IDLE or ANSWERED --segment to the responder that starts with a method--> WAITING (its head kept)
 *   WAITING --segment to the initiator that starts with "HTTP/1." and a final status--> ANSWERED (one record)
 *   any --"PRI * HTTP/2.0" preface, or a 101 answer--> OFF (HTTP/2 or an upgraded protocol: not read)
 * A request is taken only when no other waits for its answer: a segment of a request's body that begins
 * like a request line is never mistaken for one, a response's body never for a response (it travels while
 * the connection is ANSWERED), and a pipelined request is counted (HM_STAT_TC_HTTP_PIPELINED) rather than
 * paired with the wrong answer. A connection joined mid-stream waits for the next request to start: nothing
 * is guessed. Interim answers (1xx but 101) leave the request waiting for its final one.
 */
#ifndef HM_TC_HTTP_H
#define HM_TC_HTTP_H

#include "hm_abi.h"
#include "hm_parse.h"
#include "hm_maps.h"

enum hm_tc_http_phase {
	HM_TC_HTTP_IDLE = 0,
	HM_TC_HTTP_WAITING = 1,
	HM_TC_HTTP_ANSWERED = 2,
	HM_TC_HTTP_OFF = 3,
};

/* Least bytes a segment must carry to start a request ("GET / HTTP/1.1\r\n") or a response. */
#define HM_TC_HTTP_MIN 16

/* Kernel-only: user space never reads this table, it only sizes it (0 entries' worth when not reading). */
struct hm_tc_http_state {
	__u64 request_ns;
	__u16 head_len;
	__u8 phase; /* enum hm_tc_http_phase */
	__u8 _pad[5];
	__u8 head[HM_TC_HTTP_HEAD];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct hm_conn_key);
	__type(value, struct hm_tc_http_state);
} hm_tc_http SEC(".maps");

/* A new connection's entry, zero: a global rather than 144 bytes of the programs' 512-byte stack. */
struct hm_tc_http_state hm_tc_http_blank;

/* The connection's entry, made when it has none; NULL (counted) when the table will not take it. */
static __always_inline struct hm_tc_http_state *hm_tc_http_entry(const struct hm_conn_key *key)
{
	struct hm_tc_http_state *s = bpf_map_lookup_elem(&hm_tc_http, key);

	if (s)
		return s;
	/* Another CPU may make it first (EEXIST): the lookup then finds that one. */
	bpf_map_update_elem(&hm_tc_http, key, &hm_tc_http_blank, BPF_NOEXIST);
	s = bpf_map_lookup_elem(&hm_tc_http, key);
	if (!s)
		hm_count(HM_STAT_TC_HTTP_TABLE_FULL);
	return s;
}

/* A segment to the responder: keeps its head when it starts a request and none waits for an answer. */
static __always_inline void hm_tc_http_request(struct __sk_buff *skb, const struct hm_packet *p,
					       const struct hm_conn_key *key, __u64 now)
{
	struct hm_tc_http_state *s;
	__u64 n = p->payload_bytes;
	__u8 b[4];
	__u32 w;

	if (n < HM_TC_HTTP_MIN || hm_load(skb, p->payload_off, b, 4))
		return;
	w = HM_WORD(b[0], b[1], b[2], b[3]);
	if (w == HM_WORD('P', 'R', 'I', ' ')) {
		/* h2c with prior knowledge: not HTTP/1.x, never read here. */
		s = hm_tc_http_entry(key);
		if (s)
			s->phase = HM_TC_HTTP_OFF;
		return;
	}
	if (!hm_is_request_start(w))
		return; /* a body, or not HTTP */
	s = hm_tc_http_entry(key);
	if (!s || s->phase == HM_TC_HTTP_OFF)
		return;
	if (s->phase == HM_TC_HTTP_WAITING) {
		hm_count(HM_STAT_TC_HTTP_PIPELINED);
		return;
	}
	if (n > HM_TC_HTTP_HEAD)
		n = HM_TC_HTTP_HEAD;
	/* The clamped value in the register the call gets, so the verifier sees its bounds. */
	asm volatile("" : "+r"(n));
	if (n < HM_TC_HTTP_MIN || n > HM_TC_HTTP_HEAD || bpf_skb_load_bytes(skb, p->payload_off, s->head, n))
		return;
	s->head_len = n;
	s->request_ns = now;
	s->phase = HM_TC_HTTP_WAITING;
}

/* A segment to the initiator: when it starts the final answer to the waiting request, one record goes out. */
static __always_inline void hm_tc_http_response(struct __sk_buff *skb, const struct hm_packet *p,
						const struct hm_conn_key *key, const struct hm_conn_value *v,
						__u64 now)
{
	struct hm_tc_http_event *e;
	struct hm_tc_http_state *s;
	__u8 line[HM_TC_HTTP_STATUS_LINE];

	if (p->payload_bytes < HM_TC_HTTP_MIN)
		return;
	s = bpf_map_lookup_elem(&hm_tc_http, key);
	if (!s || s->phase != HM_TC_HTTP_WAITING)
		return;
	if (hm_load(skb, p->payload_off, line, sizeof(line)))
		return;
	if (HM_WORD(line[0], line[1], line[2], line[3]) != HM_WORD('H', 'T', 'T', 'P') || line[4] != '/')
		return;
	/* 100 Continue, 102, 103: the final answer is still to come. 101: the connection leaves HTTP/1.x. */
	if (line[9] == '1' && !(line[10] == '0' && line[11] == '1'))
		return;
	e = bpf_ringbuf_reserve(&hm_events, sizeof(*e), 0);
	if (!e) {
		hm_count(HM_STAT_RINGBUF_FULL);
	} else {
		e->kind = HM_EVENT_TC_HTTP;
		e->conn_flags = v->conn_flags;
		e->status_len = sizeof(line);
		e->endpoint_id = key->endpoint_id;
		e->request_ns = s->request_ns;
		e->response_ns = now;
		/* Initiator first, whatever the key's order. */
		if (v->conn_flags & HM_CONN_F_INITIATOR_IS_KEY_DST)
			hm_reverse_tuple(&e->tuple, &key->tuple);
		else
			e->tuple = key->tuple;
		e->ifindex = v->ifindex;
		e->head_len = s->head_len;
		e->_pad0 = 0;
		__builtin_memcpy(e->status_line, line, sizeof(line));
		__builtin_memcpy(e->head, s->head, HM_TC_HTTP_HEAD);
		bpf_ringbuf_submit(e, hm_wakeup_flags(sizeof(*e)));
		hm_count(HM_STAT_TC_HTTP_EXCHANGES);
	}
	s->phase = line[9] == '1' ? HM_TC_HTTP_OFF : HM_TC_HTTP_ANSWERED;
}

#endif /* HM_TC_HTTP_H */
