// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tc_flow.bpf.c: L3/L4 connection tracking on a workload's interface (clsact ingress and egress).
 *
 * One instance of this object is loaded per watched endpoint, each with its own endpoint_id; the
 * instances share hm_conns, hm_events and hm_stats (user space reuses the first instance's maps), so
 * one ring buffer carries every endpoint's events. The programs only observe: they return
 * TC_ACT_UNSPEC so that other filters and the stack decide the packet's fate.
 *
 * Events are per connection, not per packet: NEW when a connection is first seen, ACTIVE at most every
 * report_interval_ns while packets flow, CLOSED when both ends sent FIN, RESET on RST. Counters in events
 * are cumulative, so a lost event costs latency of information, not bytes. Connections that just go
 * quiet (UDP, ICMP) are timed out by user space, which sweeps hm_conns.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "hm_abi.h"
#include "hm_parse.h"
#include "hm_maps.h"
#include "hm_conn_flags.h"
#include "hm_tc_http.h"

#define TC_ACT_UNSPEC -1

/* Runtime knobs, set by user space before load. */
const volatile __u32 endpoint_id = 0;
/* Bytes before the IP header: 14 on Ethernet-like devices, 0 on raw-IP ones (tun, wireguard). */
const volatile __u32 l2_header_len = 14;
/* Minimum time between two ACTIVE reports of one connection. */
const volatile __u64 report_interval_ns = 5000000000ULL;
/* Read plaintext HTTP/1.x request heads and status lines here (--plaintext tc; see hm_tc_http.h). */
const volatile __u8 read_http = 0;

/*
 * Connection table; LRU so that a flood of new connections evicts old ones instead of failing. Its size
 * is set by user space before load. An eviction is silent, so the programs count what they add and
 * remove (HM_STAT_CONN_INSERTED, HM_STAT_CONN_DELETED) and user space, which removes the rest and sees
 * what is left, tells from those how many entries were evicted.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct hm_conn_key);
	__type(value, struct hm_conn_value);
} hm_conns SEC(".maps");

#define HM_EEXIST 17

/*
 * Both directions of a connection share one table key: its ends in a fixed order, so every packet costs
 * one lookup. The order only has to be the same for both directions, not numeric: the addresses are
 * compared as two 64-bit words each (a byte loop cost ~60 instructions a packet), then the ports.
 * Returns whether the packet's source is the key's source.
 */
static __always_inline bool canonical(struct hm_flow_tuple *key, const struct hm_flow_tuple *pkt)
{
	__u64 s[2], d[2];
	int order = 0;

	__builtin_memcpy(s, pkt->saddr, 16);
	__builtin_memcpy(d, pkt->daddr, 16);
	if (s[0] != d[0])
		order = s[0] < d[0] ? -1 : 1;
	else if (s[1] != d[1])
		order = s[1] < d[1] ? -1 : 1;
	else if (pkt->sport != pkt->dport)
		order = pkt->sport < pkt->dport ? -1 : 1;
	if (order <= 0) {
		*key = *pkt;
		key->_pad = 0;
		return true;
	}
	hm_reverse_tuple(key, pkt);
	return false;
}

/*
 * Who started a connection we did not see open? For ICMP echo the request's sender; otherwise the end
 * with the higher port, since clients use ephemeral ports and servers well-known ones.
 */
static __always_inline bool sender_is_initiator(const struct hm_packet *p, bool *known)
{
	__u8 f = p->tcp_flags;

	*known = true;
	if (p->tuple.proto == HM_IPPROTO_TCP && (f & HM_TCP_SYN))
		return !(f & HM_TCP_ACK);
	if (p->icmp_echo)
		return p->icmp_echo == 1;
	*known = false;
	return p->tuple.sport >= p->tuple.dport;
}

/* Returns false when the event could not be sent. */
static __always_inline bool emit(const struct hm_conn_key *key, const struct hm_conn_value *v,
				 __u8 state, const struct hm_packet *p, bool egress, bool to_responder,
				 __u64 now)
{
	struct hm_conn_event *e = bpf_ringbuf_reserve(&hm_events, sizeof(*e), 0);

	if (!e) {
		hm_count(HM_STAT_RINGBUF_FULL);
		return false;
	}
	e->kind = HM_EVENT_CONN;
	e->state = state;
	e->conn_flags = v->conn_flags;
	e->endpoint_id = key->endpoint_id;
	e->ts_ns = now;
	e->first_ns = v->first_ns;
	/* Events name the connection initiator first, whatever the key's order. */
	if (v->conn_flags & HM_CONN_F_INITIATOR_IS_KEY_DST)
		hm_reverse_tuple(&e->tuple, &key->tuple);
	else
		e->tuple = key->tuple;
	e->to_responder = v->to_responder;
	e->to_initiator = v->to_initiator;
	e->ifindex = v->ifindex;
	e->pkt_tcp_flags = p->tcp_flags;
	e->pkt_egress = egress;
	e->flags_to_responder = v->flags_to_responder;
	e->flags_to_initiator = v->flags_to_initiator;
	e->icmp_type = p->icmp_type;
	e->icmp_code = p->icmp_code;
	e->pkt_to_responder = to_responder;
	e->_pad0 = 0;
	e->_pad1 = 0;
	bpf_ringbuf_submit(e, hm_wakeup_flags(sizeof(*e)));
	return true;
}

static __always_inline void add(struct hm_counters *c, const struct hm_packet *p)
{
	__sync_fetch_and_add(&c->bytes, p->l3_bytes);
	__sync_fetch_and_add(&c->packets, p->segments);
	__sync_fetch_and_add(&c->payload_bytes, p->payload_bytes);
}

static __always_inline void start(struct hm_conn_value *v, bool known, bool local_initiator,
				  __u32 ifindex, __u64 now)
{
	__builtin_memset(v, 0, sizeof(*v));
	v->first_ns = now;
	v->last_report_ns = now;
	v->state = HM_CONN_NEW;
	v->conn_flags = (known ? HM_CONN_F_INITIATOR_KNOWN : 0) |
			(local_initiator ? HM_CONN_F_LOCAL_INITIATOR : 0);
	v->ifindex = ifindex;
}

/*
 * Judges the connection's first payload once, and counts plaintext HTTP and TLS connections. The
 * plaintext socket hooks cost every syscall of the node while they are attached, so user space attaches
 * them where this count of plaintext HTTP connections moves, and detaches them when it and the hooks'
 * own HTTP go quiet. Two CPUs may judge one connection at once; the one that set SEEN counts it. Returns
 * the connection's payload flags as they now stand, so the caller's copy of them need not be read again.
 */
static __always_inline __u8 note_first_payload(struct __sk_buff *skb, const struct hm_packet *p,
					       struct hm_conn_value *v)
{
	__u8 judged = hm_judge_payload(skb, p);
	__u32 old = hm_fetch_or(&v->flag_word, (__u32)judged << HM_SHIFT(conn_flags));

	if (word_byte(old, HM_SHIFT(conn_flags)) & HM_CONN_F_PAYLOAD_SEEN)
		return word_byte(old, HM_SHIFT(conn_flags));
	if (judged & HM_CONN_F_PAYLOAD_HTTP)
		hm_count(HM_STAT_CONN_HTTP);
	else if (judged & HM_CONN_F_PAYLOAD_TLS)
		hm_count(HM_STAT_CONN_TLS);
	return judged;
}

static __always_inline void track(struct __sk_buff *skb, bool egress)
{
	struct hm_packet p = {};
	struct hm_conn_key key = {};
	struct hm_conn_value *v, fresh;
	__u64 now = bpf_ktime_get_ns();
	bool to_responder = true, pkt_src_is_key_src, known, ended, is_syn;
	__u64 last_report;
	__u32 shift, word, bits;
	__u8 state, conn_flags;
	int err;

	hm_count(HM_STAT_PACKETS);
	err = hm_parse_packet(skb, l2_header_len, &p);
	if (err) {
		hm_count(err == HM_PARSE_FRAGMENT ? HM_STAT_FRAGMENT :
		      err == HM_PARSE_NOT_IP ? HM_STAT_NOT_IP : HM_STAT_TRUNCATED);
		return;
	}

	key.endpoint_id = endpoint_id;
	pkt_src_is_key_src = canonical(&key.tuple, &p.tuple);
	v = bpf_map_lookup_elem(&hm_conns, &key);
	if (v) {
		bool initiator_is_key_src = !(v->conn_flags & HM_CONN_F_INITIATOR_IS_KEY_DST);

		to_responder = pkt_src_is_key_src == initiator_is_key_src;
	}

	is_syn = p.tuple.proto == HM_IPPROTO_TCP && (p.tcp_flags & HM_TCP_SYN) &&
		 !(p.tcp_flags & HM_TCP_ACK);
	if (v && is_end(word_byte(read_word(v), HM_SHIFT(state)))) {
		/* A finished connection whose 5-tuple is reused by a new one. */
		if (!is_syn)
			return;
		if (bpf_map_delete_elem(&hm_conns, &key) == 0)
			hm_count(HM_STAT_CONN_DELETED);
		v = NULL;
	}

	if (!v) {
		if (p.tuple.proto == HM_IPPROTO_TCP && !(p.tcp_flags & HM_TCP_SYN)) {
			/* Late segments of a connection we never tracked (or already reported) open nothing. */
			if (p.payload_bytes == 0) {
				hm_count(HM_STAT_UNTRACKED);
				return;
			}
			/* Data of a connection the table lost (evicted) or never had (older than the agent). */
			hm_count(HM_STAT_CONN_MIDSTREAM);
		}
		to_responder = sender_is_initiator(&p, &known);
		/* Leaving towards the responder, or arriving from it: the endpoint started it. */
		start(&fresh, known, egress == to_responder, skb->ifindex, now);
		if (to_responder != pkt_src_is_key_src)
			fresh.conn_flags |= HM_CONN_F_INITIATOR_IS_KEY_DST;
		err = bpf_map_update_elem(&hm_conns, &key, &fresh, BPF_NOEXIST);
		if (err == 0) {
			hm_count(HM_STAT_CONN_INSERTED);
			state = HM_CONN_NEW;
			/*
			 * A connection user space timed out leaves its waiting request behind (only an end seen here
			 * removes it): a new connection on the same 5-tuple must not answer it.
			 */
			if (read_http)
				bpf_map_delete_elem(&hm_tc_http, &key);
		} else if (err == -HM_EEXIST) {
			/* Another CPU created the entry a moment ago: it reported NEW, not us. */
			state = HM_CONN_ACTIVE;
		} else {
			hm_count(HM_STAT_CONN_TABLE_FULL);
			return;
		}
		v = bpf_map_lookup_elem(&hm_conns, &key);
		if (!v)
			return; /* evicted again at once by other inserts: user space counts it as evicted */
		if (err)
			to_responder = pkt_src_is_key_src ==
				       !(v->conn_flags & HM_CONN_F_INITIATOR_IS_KEY_DST);
	} else {
		state = HM_CONN_ACTIVE;
	}

	if (to_responder)
		add(&v->to_responder, &p);
	else
		add(&v->to_initiator, &p);
	shift = to_responder ? HM_SHIFT(flags_to_responder) : HM_SHIFT(flags_to_initiator);
	/*
	 * Most packets of a connection carry flags it has seen before (ACK, PSH): only new ones need the
	 * locked or, which also takes the entry's cache line from the CPU that handled the other direction.
	 * A skipped or loses nothing: the bits are set, and a FIN from the other end ORs with them.
	 */
	bits = (__u32)p.tcp_flags << shift;
	word = read_word(v);
	if ((word & bits) != bits)
		word = hm_fetch_or(&v->flag_word, bits) | bits;
	v->last_ns = now;
	conn_flags = word_byte(word, HM_SHIFT(conn_flags));
	if (p.tuple.proto == HM_IPPROTO_TCP && p.payload_bytes) {
		if (!(conn_flags & HM_CONN_F_PAYLOAD_SEEN))
			conn_flags |= note_first_payload(skb, &p, v);
		if (read_http && (conn_flags & HM_CONN_F_PAYLOAD_HTTP)) {
			if (to_responder)
				hm_tc_http_request(skb, &p, &key, now);
			else
				hm_tc_http_response(skb, &p, &key, v, now);
		}
	}

	ended = false;
	if (p.tcp_flags & HM_TCP_RST) {
		state = HM_CONN_RESET;
		ended = true;
	} else if ((word_byte(word, HM_SHIFT(flags_to_responder)) & HM_TCP_FIN) &&
		   (word_byte(word, HM_SHIFT(flags_to_initiator)) & HM_TCP_FIN)) {
		state = HM_CONN_CLOSED;
		ended = true;
	}

	if (ended) {
		if (!claim_end(v, state))
			return;
		/* The entry stays until user space has the end: a lost event is recovered by its sweep. */
		if (read_http && (conn_flags & HM_CONN_F_PAYLOAD_HTTP))
			bpf_map_delete_elem(&hm_tc_http, &key);
		if (emit(&key, v, state, &p, egress, to_responder, now)) {
			if (bpf_map_delete_elem(&hm_conns, &key) == 0)
				hm_count(HM_STAT_CONN_DELETED);
		} else {
			hm_fetch_or(&v->flag_word, (__u32)HM_CONN_F_END_PENDING << HM_SHIFT(conn_flags));
		}
		return;
	}
	if (state == HM_CONN_NEW) {
		emit(&key, v, state, &p, egress, to_responder, now);
		return;
	}
	mark_active(v);
	last_report = v->last_report_ns;
	/* One CPU per interval reports ACTIVE: the one that moves last_report_ns. */
	if (now - last_report >= report_interval_ns &&
	    hm_cmpxchg(&v->last_report_ns, last_report, now) == last_report)
		emit(&key, v, HM_CONN_ACTIVE, &p, egress, to_responder, now);
}

SEC("tc")
int hm_tc_ingress(struct __sk_buff *skb)
{
	track(skb, false);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int hm_tc_egress(struct __sk_buff *skb)
{
	track(skb, true);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
