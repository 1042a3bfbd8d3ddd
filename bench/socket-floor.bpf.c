// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * socket-floor.bpf.c: the least a per-call reader of plaintext does, on each hook a reader could use, for
 * bench/plaintext-overhead.sh's floor-* variants. Not the agent's programs: no event leaves the kernel and
 * nothing is parsed. Every program reads the first 16 bytes of the call or message and writes the
 * connection's state (a call count and those bytes) in a hash map, which is the least any design that
 * recognises HTTP per socket call must do; what the agent does beyond this is its own cost.
 *
 * The hooks:
 *  - the socket tracepoints sock_recv_length/sock_send_length (tp_btf; the agent's choice), the bytes from
 *    the syscall's buffer, as the agent reads them;
 *  - a sockmap's sk_msg program (runs at each send of a socket in the map, the bytes in the message);
 *  - a sockmap's sk_skb verdict program (runs at each received packet, the bytes in the skb), with sk_msg on
 *    the sends: the receive half sockmap needs to read what a workload is sent by peers off the node.
 * Sockets enter the sockmap at their establishment (a sock_ops program on the cgroup v2 root), when either
 * port is the benchmark's. And one program for TC (ingress and egress of the namespaces' interfaces): the
 * same 16 bytes from every TCP segment of the benchmark's port that carries them, the least any reader in
 * the TC programs (where the agent keeps its connections) does per packet.
 *
 * Two knobs (struct floor_knobs, set by the loader): server_only keeps the socket programs to the server's
 * sockets (those whose local port is the benchmark's), as an agent watching the server alone would; records
 * makes the TC program the least a reader of HTTP in TC alone does: the request line of a segment that
 * starts one (up to FLOOR_LINE bytes) kept with its time in the connection's state, and at the segment that
 * starts the response, one record per request (the line, the status, both times) sent to a ring buffer the
 * loader drains. Only whole heads in one segment, no reassembly: a floor, not a parser.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

#include "socket-floor.h"

#define FLOOR_HEAD 16
#define FLOOR_ETH_P_IP 0x0800
#define FLOOR_TC_ACT_OK 0

/* The benchmark's server port and the knobs above; the loader sets them. */
const volatile struct floor_knobs floor_knobs = { .port = 8080 };
#define floor_port (floor_knobs.port)

struct floor_state {
	__u64 calls;
	__u64 request_ns; /* records: the pending request's time, 0 when none */
	__u8 head[FLOOR_HEAD];
	__u8 line[FLOOR_LINE];
	__u16 line_len;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} floor_records SEC(".maps");

/* The records the ring had no room for, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} floor_lost SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u64);
} floor_socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct floor_state);
} floor_states SEC(".maps");

/* Program runs, per CPU: the loader prints their sum, so that a run shows the hooks did run. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} floor_runs SEC(".maps");

static __always_inline void count_run(void)
{
	__u32 zero = 0;
	__u64 *runs = bpf_map_lookup_elem(&floor_runs, &zero);

	if (runs)
		(*runs)++;
}

/* The connection's state: its call count and first bytes, written at every call. */
static __always_inline void note(__u64 key, const __u8 *head)
{
	struct floor_state *s = bpf_map_lookup_elem(&floor_states, &key);

	if (s) {
		s->calls++;
		__builtin_memcpy(s->head, head, FLOOR_HEAD);
	} else {
		struct floor_state fresh = { .calls = 1 };

		__builtin_memcpy(fresh.head, head, FLOOR_HEAD);
		bpf_map_update_elem(&floor_states, &key, &fresh, BPF_ANY);
	}
	count_run();
}

/* A connection by its two ports (the local one in host order, the remote one as the hook gives it). */
static __always_inline __u64 key_of(__u32 local_port, __u32 remote_port)
{
	return ((__u64)local_port << 32) | remote_port;
}

SEC("sockops")
int floor_sockops(struct bpf_sock_ops *skops)
{
	__u64 key;

	if (skops->op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB && skops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;
	/* remote_port holds the port in network order, in its low 16 bits on current kernels */
	if (skops->local_port != floor_port && bpf_ntohs((__u16)skops->remote_port) != floor_port &&
	    bpf_ntohl(skops->remote_port) != floor_port)
		return 1;
	key = bpf_get_socket_cookie(skops);
	bpf_sock_hash_update(skops, &floor_socks, &key, BPF_NOEXIST);
	return 1;
}

SEC("sk_msg")
int floor_msg(struct sk_msg_md *msg)
{
	__u8 head[FLOOR_HEAD] = {};
	void *data = msg->data, *end = msg->data_end;

	if (data + FLOOR_HEAD <= end)
		__builtin_memcpy(head, data, FLOOR_HEAD);
	note(key_of(msg->local_port, msg->remote_port), head);
	return SK_PASS;
}

SEC("sk_skb")
int floor_skb(struct __sk_buff *skb)
{
	__u8 head[FLOOR_HEAD] = {};

	bpf_skb_load_bytes(skb, 0, head, FLOOR_HEAD);
	note(key_of(skb->local_port, skb->remote_port), head);
	return SK_PASS;
}

static __always_inline void at_socket_call(struct sock *sk, int ret)
{
	__u16 local = sk->__sk_common.skc_num, remote = sk->__sk_common.skc_dport;
	__u8 head[FLOOR_HEAD] = {};
	struct pt_regs *regs;

	if (ret <= 0 || sk->sk_protocol != IPPROTO_TCP)
		return;
	if (local != floor_port && (floor_knobs.server_only || remote != bpf_htons(floor_port)))
		return;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	bpf_probe_read_user(head, FLOOR_HEAD, (void *)PT_REGS_PARM2_SYSCALL(regs));
	note(key_of(local, remote), head);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(floor_tp_recv, struct sock *sk, int ret, int flags)
{
	at_socket_call(sk, ret);
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(floor_tp_send, struct sock *sk, int ret, int flags)
{
	at_socket_call(sk, ret);
	return 0;
}

/* A segment to the server: when it starts a request (an upper-case method and a space), its line is kept. */
static __always_inline void at_request(struct __sk_buff *skb, __u32 payload, __u32 client)
{
	struct floor_state fresh = {}, *s;
	__u64 key = client;
	__u64 n = skb->len - payload; /* 64 bits: the checks below bound the register the call gets */

	if (n > FLOOR_LINE)
		n = FLOOR_LINE;
	asm volatile("" : "+r"(n)); /* the clamped value, in the register the call gets: bounds the verifier sees */
	if (n < FLOOR_HEAD || n > FLOOR_LINE || bpf_skb_load_bytes(skb, payload, fresh.line, n))
		return;
	if (fresh.line[0] < 'A' || fresh.line[0] > 'Z' || (fresh.line[3] != ' ' && fresh.line[4] != ' ' &&
							    fresh.line[5] != ' ' && fresh.line[6] != ' '))
		return; /* a body, or not HTTP */
	s = bpf_map_lookup_elem(&floor_states, &key);
	if (!s) {
		fresh.calls = 1;
		fresh.line_len = n;
		fresh.request_ns = bpf_ktime_get_ns();
		bpf_map_update_elem(&floor_states, &key, &fresh, BPF_ANY);
		return;
	}
	__builtin_memcpy(s->line, fresh.line, FLOOR_LINE);
	s->calls++;
	s->line_len = n;
	s->request_ns = bpf_ktime_get_ns();
}

/* A segment from the server: when it starts a response to a pending request, one record goes out. */
static __always_inline void at_response(struct __sk_buff *skb, __u32 payload, __u32 client)
{
	struct floor_record r = {};
	struct floor_state *s;
	__u64 key = client, *lost;
	__u8 head[FLOOR_HEAD];
	__u32 zero = 0;

	if (bpf_skb_load_bytes(skb, payload, head, FLOOR_HEAD))
		return;
	if (head[0] != 'H' || head[1] != 'T' || head[2] != 'T' || head[3] != 'P' || head[4] != '/')
		return;
	s = bpf_map_lookup_elem(&floor_states, &key);
	if (!s || !s->request_ns)
		return;
	r.connection = key;
	r.request_ns = s->request_ns;
	r.response_ns = bpf_ktime_get_ns();
	r.status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
	r.line_len = s->line_len;
	__builtin_memcpy(r.line, s->line, FLOOR_LINE);
	s->request_ns = 0;
	s->calls++;
	if (bpf_ringbuf_output(&floor_records, &r, sizeof(r), BPF_RB_NO_WAKEUP)) {
		lost = bpf_map_lookup_elem(&floor_lost, &zero);
		if (lost)
			(*lost)++;
	}
}

SEC("tc")
int floor_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	__u8 head[FLOOR_HEAD] = {};
	struct tcphdr *tcp;
	struct iphdr *ip;
	__u32 payload;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(FLOOR_ETH_P_IP))
		return FLOOR_TC_ACT_OK;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->protocol != IPPROTO_TCP)
		return FLOOR_TC_ACT_OK;
	tcp = (void *)ip + ip->ihl * 4;
	if ((void *)(tcp + 1) > end)
		return FLOOR_TC_ACT_OK;
	if (tcp->source != bpf_htons(floor_port) && tcp->dest != bpf_htons(floor_port))
		return FLOOR_TC_ACT_OK;
	payload = (__u32)((void *)tcp - data) + tcp->doff * 4;
	if (skb->len < payload + FLOOR_HEAD)
		return FLOOR_TC_ACT_OK; /* an ACK, or too short to tell anything by */
	if (floor_knobs.records) {
		count_run();
		/* The connection by its client's port, the same key both ways. */
		if (tcp->dest == bpf_htons(floor_port))
			at_request(skb, payload, bpf_ntohs(tcp->source));
		else
			at_response(skb, payload, bpf_ntohs(tcp->dest));
		return FLOOR_TC_ACT_OK;
	}
	bpf_skb_load_bytes(skb, payload, head, FLOOR_HEAD);
	note(key_of(bpf_ntohs(tcp->source), tcp->dest), head);
	return FLOOR_TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
