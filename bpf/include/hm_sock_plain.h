/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hm_sock_plain.h: what sock_plain.bpf.c's programs do with a read or write of a watched task on a TCP socket,
 * however it was found (hm_sock_hooks.h): capture what it moved, classify the socket by its first bytes, and
 * send the bytes of a plaintext one. BPF-side only; the event is struct
 * hm_tls_event (kind HM_EVENT_SOCK_DATA) and the table's value struct hm_sock_state, both in hm_abi.h.
 */
#ifndef HM_SOCK_PLAIN_H
#define HM_SOCK_PLAIN_H

#include "hm_abi.h"
#include "hm_maps.h"
#include "hm_sock.h"
#include "hm_task.h"

/* Syscall numbers differ by architecture (and the kernel has no portable name for them). */
#if defined(__TARGET_ARCH_x86)
#define HM_NR_READ 0
#define HM_NR_WRITE 1
#define HM_NR_READV 19
#define HM_NR_WRITEV 20
#define HM_NR_SENDFILE 40
#define HM_NR_SENDTO 44
#define HM_NR_RECVFROM 45
#define HM_NR_SENDMSG 46
#define HM_NR_RECVMSG 47
#elif defined(__TARGET_ARCH_arm64)
#define HM_NR_READ 63
#define HM_NR_WRITE 64
#define HM_NR_READV 65
#define HM_NR_WRITEV 66
#define HM_NR_SENDFILE 71
#define HM_NR_SENDTO 206
#define HM_NR_RECVFROM 207
#define HM_NR_SENDMSG 211
#define HM_NR_RECVMSG 212
#else
#error "syscall numbers for this architecture are not known"
#endif

#define HM_MSG_PEEK 2
/* iovecs read per call at most (nginx writes a response's head and body in two, HTTP/2 frames in a few). */
#define HM_MAX_IOV 8

/* How a call's bytes are laid out in its caller's memory. */
enum hm_sock_shape {
	HM_SHAPE_BUF = 1,     /* one buffer */
	HM_SHAPE_IOV = 2,     /* an iovec array */
	HM_SHAPE_MSG = 3,     /* a msghdr naming an iovec array */
	HM_SHAPE_NONE = 4,    /* sendfile: bytes counted, never read */
};

/* A socket call in flight on one thread, from its entry to its return. */
struct hm_sock_call {
	__u64 sk;
	__u64 buf;         /* the buffer, iovec array or msghdr (user addresses) */
	__u64 start_ns;
	__u32 iovcnt;
	__u32 tid;         /* the thread whose call this is; 0 when the slot is free */
	__u32 endpoint_id;
	__u16 nr;          /* the syscall, so that a return is matched with its own entry */
	__u8 shape;        /* enum hm_sock_shape */
	__u8 write;
};

/* How each watched TCP socket was classified (struct hm_sock_state in hm_abi.h), by the struct sock. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct hm_sock_state);
} hm_sock_states SEC(".maps");

/*
 * Room to build one event, with as much again behind it: the iovec loop writes at an offset below
 * HM_TLS_MAX_CAPTURE a length of at most HM_TLS_MAX_CAPTURE, which the verifier can then see stays inside.
 */
struct hm_sock_scratch {
	struct hm_tls_event e;
	__u8 spill[HM_TLS_MAX_CAPTURE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hm_sock_scratch);
} hm_sock_scratch SEC(".maps");

/* Whether a socket's classification was made for the connection these words name. */
static __always_inline bool state_matches(const struct hm_sock_state *s, const struct hm_sock_words *w)
{
	return s->addrpair == w->addrpair && s->portpair == w->portpair && s->v6_daddr[0] == w->v6_daddr[0] &&
	       s->v6_daddr[1] == w->v6_daddr[1];
}

/* How a syscall's bytes are laid out (enum hm_sock_shape), and whether it writes; 0 for a call not read here. */
static __always_inline __u8 call_shape(long nr, __u8 *write)
{
	*write = 0;
	switch (nr) {
	case HM_NR_READ:
	case HM_NR_RECVFROM:
		return HM_SHAPE_BUF;
	case HM_NR_WRITE:
	case HM_NR_SENDTO:
		*write = 1;
		return HM_SHAPE_BUF;
	case HM_NR_READV:
		return HM_SHAPE_IOV;
	case HM_NR_WRITEV:
		*write = 1;
		return HM_SHAPE_IOV;
	case HM_NR_RECVMSG:
		return HM_SHAPE_MSG;
	case HM_NR_SENDMSG:
		*write = 1;
		return HM_SHAPE_MSG;
	case HM_NR_SENDFILE:
		*write = 1;
		return HM_SHAPE_NONE;
	default:
		return 0;
	}
}

/* A 32-bit process's syscall (TS_COMPAT), whose numbers mean other calls. */
static __always_inline bool compat_syscall(struct task_struct *task)
{
#if defined(__TARGET_ARCH_x86)
	return task->thread_info.status & 0x0002;
#else
	return false;
#endif
}

/* Copies up to `want` bytes of an iovec array into e->data; returns how many. */
static __always_inline __u32 read_iov(struct hm_sock_scratch *s, __u64 iov, __u32 iovcnt, __u32 want)
{
	struct iovec v;
	__u64 off = 0, n; /* 64 bits: the verifier bounds them through the unsigned comparisons below */
	int i;

	for (i = 0; i < HM_MAX_IOV; i++) {
		if (i >= iovcnt || off >= want)
			break;
		if (bpf_probe_read_user(&v, sizeof(v), (void *)(iov + i * sizeof(v))))
			break;
		n = want - off;
		if (v.iov_len < n)
			n = v.iov_len;
		/* Bounds the verifier can follow: off below one capture, n at most one capture. */
		asm volatile("" : "+r"(off), "+r"(n));
		if (off >= HM_TLS_MAX_CAPTURE || n > HM_TLS_MAX_CAPTURE)
			break;
		if (bpf_probe_read_user(s->e.data + off, n, v.iov_base))
			break;
		off += n;
	}
	return off;
}

/* The bytes of the call into e->data: at most one capture, at most what the call moved. */
static __always_inline __u32 capture(struct hm_sock_scratch *s, const struct hm_sock_call *call, __u64 moved)
{
	__u32 want = moved < HM_TLS_MAX_CAPTURE ? moved : HM_TLS_MAX_CAPTURE;
	struct user_msghdr msg;

	asm volatile("" : "+r"(want));
	if (want > HM_TLS_MAX_CAPTURE)
		want = HM_TLS_MAX_CAPTURE;
	switch (call->shape) {
	case HM_SHAPE_BUF:
		return bpf_probe_read_user(s->e.data, want, (void *)call->buf) ? 0 : want;
	case HM_SHAPE_IOV:
		return read_iov(s, call->buf, call->iovcnt, want);
	case HM_SHAPE_MSG:
		if (bpf_probe_read_user(&msg, sizeof(msg), (void *)call->buf))
			return 0;
		return read_iov(s, (__u64)msg.msg_iov, msg.msg_iovlen, want);
	default:
		return 0;
	}
}

/* A TLS record header: content type 20..24, version 3.x (SSL 3.0 to TLS 1.3). */
static __always_inline bool tls_record(const __u8 *b)
{
	return b[0] >= 0x14 && b[0] <= 0x18 && b[1] == 3 && b[2] <= 4;
}

/*
 * A socket's first call with bytes: TLS or plaintext, remembered for the socket's life. Returns the new
 * state, or NULL when the call is not to be reported (TLS, too short to tell, table full).
 */
static __always_inline struct hm_sock_state *classify(const struct hm_sock_call *call, struct hm_sock_scratch *s,
						      __u32 captured)
{
	struct hm_sock_state fresh = {};
	struct hm_sock_words w;

	if (captured < 3) {
		hm_count(HM_STAT_SOCK_UNCLASSIFIED);
		return NULL;
	}
	if (!socket_tuple((struct sock *)call->sk, &fresh.tuple))
		return NULL;
	sock_words((struct sock_common *)call->sk, fresh.tuple.family == HM_AF_INET6, &w);
	fresh.addrpair = w.addrpair;
	fresh.portpair = w.portpair;
	fresh.v6_daddr[0] = w.v6_daddr[0];
	fresh.v6_daddr[1] = w.v6_daddr[1];
	fresh.endpoint_id = call->endpoint_id;
	fresh.flags = call->write ? 0 : HM_SOCK_F_FIRST_READ;
	fresh.verdict = tls_record(s->e.data) ? HM_SOCK_TLS : HM_SOCK_PLAIN;
	if (bpf_map_update_elem(&hm_sock_states, &call->sk, &fresh, BPF_ANY)) {
		hm_count(HM_STAT_SOCK_TABLE_FULL);
		return NULL;
	}
	if (fresh.verdict == HM_SOCK_TLS) {
		hm_count(HM_STAT_SOCK_TLS);
		return NULL;
	}
	return bpf_map_lookup_elem(&hm_sock_states, &call->sk);
}

/*
 * A user-space TCP socket: the socket tracepoints also run for sockets the kernel itself opened (an NFS or
 * iSCSI client sending in the context of a process writing a file), which are no workload's connections and
 * whose syscall's buffer holds something else. Those have no file; a user's socket always has one.
 */
static __always_inline bool user_tcp_sock(struct sock *sk)
{
	return is_tcp(sk) && BPF_CORE_READ(sk, sk_socket, file);
}

/*
 * Reports the bytes a socket call moved: classifies the socket at its first call with bytes, then sends
 * the plaintext of a socket classified plaintext. `check_sock`: the call's socket is not yet known to be a
 * user's TCP socket (the socket tracepoints name any socket), checked before it is first classified.
 */
static __always_inline void report(const struct hm_sock_call *call, long ret, __u64 id, bool check_sock)
{
	struct hm_sock_state *state;
	struct hm_sock_scratch *s;
	struct hm_sock_words w;
	__u32 zero = 0, captured = 0, size;

	state = bpf_map_lookup_elem(&hm_sock_states, &call->sk);
	if (state) {
		sock_words((struct sock_common *)call->sk, state->tuple.family == HM_AF_INET6, &w);
		if (!state_matches(state, &w))
			state = NULL; /* made for another connection, on a struct sock freed and allocated again */
	}
	if (state && state->verdict != HM_SOCK_PLAIN)
		return; /* left to the TLS probes: its bytes are not even copied */
	if (!state && call->shape == HM_SHAPE_NONE)
		return; /* a file sent before any bytes: nothing to classify by */
	if (!state && check_sock && !user_tcp_sock((struct sock *)call->sk))
		return;
	s = bpf_map_lookup_elem(&hm_sock_scratch, &zero);
	if (!s)
		return;
	if (call->shape != HM_SHAPE_NONE)
		captured = capture(s, call, ret);
	if (!state) {
		state = classify(call, s, captured);
		if (!state)
			return;
	}

	s->e.kind = HM_EVENT_SOCK_DATA;
	s->e.op = call->write ? HM_TLS_WRITE : HM_TLS_READ;
	s->e.flags = HM_TLS_F_TUPLE;
	s->e.endpoint_id = call->endpoint_id;
	s->e.start_ns = call->start_ns;
	s->e.end_ns = bpf_ktime_get_ns();
	s->e.ssl = call->sk;
	s->e.cgroup_id = bpf_get_current_cgroup_id();
	s->e.length = ret;
	s->e.pid = id >> 32;
	s->e.tid = (__u32)id;
	s->e.captured = captured;
	s->e._pad0 = 0;
	s->e.tuple = state->tuple;
	bpf_get_current_comm(s->e.comm, sizeof(s->e.comm));
	size = offsetof(struct hm_tls_event, data) + captured;
	asm volatile("" : "+r"(size));
	if (size > sizeof(struct hm_tls_event))
		return;
	if (bpf_ringbuf_output(&hm_events, &s->e, size, hm_wakeup_flags(size)))
		hm_count(HM_STAT_RINGBUF_FULL);
	else
		hm_count(HM_STAT_SOCK_CALLS);
}

#endif /* HM_SOCK_PLAIN_H */
