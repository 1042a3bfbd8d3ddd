/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hm_go_tls.h: Go's crypto/tls.(*Conn).Write and Read, for tls_uprobe.bpf.c (included after its helpers).
 *
 * Go (1.17+ on amd64) passes arguments and results in registers: at the entry the receiver (*tls.Conn) is in
 * rax, the slice's pointer in rbx and its length in rcx; at a ret, n is in rax and the error interface in
 * rbx (its type word) and rcx. r14 always holds the running goroutine (g). User space probes the entry (or
 * the prologue's stack-check jump, which sees the same registers) and every ret of each function, never with
 * a uretprobe: Go moves goroutine stacks and walks them, so a replaced return address would crash it.
 *
 * A call is matched to its return by goroutine, not by thread: a Read that finds no data parks its goroutine
 * in the netpoller and resumes it later, often on another thread. The socket comes from the *tls.Conn itself,
 * through the struct offsets user space found for the process (hm_go_procs), and the task's descriptor table;
 * the connection cache of hm_tls_conn.h keeps its addresses per *tls.Conn.
 */
#ifndef HM_GO_TLS_H
#define HM_GO_TLS_H

#include "hm_abi.h"
#include "hm_tls_conn.h"

struct hm_go_call_key {
	__u64 g;    /* the goroutine (r14) */
	__u32 tgid;
	__u32 _pad;
};

struct hm_go_call {
	__u64 conn; /* the *tls.Conn */
	__u64 buf;
	__u64 len;  /* the slice's length: what a Write reported at its send moves */
	__u64 start_ns;
	__u32 endpoint_id;
	__u8 op;    /* enum hm_tls_op */
	__u8 _pad[3];
	__u64 sk;   /* a Read's socket, from its goroutine's receives while it runs (go_received); else 0 */
};

/*
 * Calls in flight, by goroutine. A goroutine parked in Read stays here while its connection is idle, so the
 * table holds as many entries as a node has idle Go TLS connections being read; least recently used go first
 * (their returns are then not reported). A call that ends in a panic never reaches a ret: its entry is
 * replaced by the goroutine's next call or evicted.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct hm_go_call_key);
	__type(value, struct hm_go_call);
} hm_go_calls SEC(".maps");

/*
 * Per probed Go process (thread group id): how to reach a *tls.Conn's descriptor. User space writes it when it
 * probes the process and removes it when the process goes; least recently used first if that was missed.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct hm_go_offsets);
} hm_go_procs SEC(".maps");

/*
 * Whether some process whose pid falls in this slot (tgid & 0xffff) has its Go Writes reported at their send
 * (and its Reads' sockets taken at their receives): the number of such processes, kept by user space. The
 * socket tracepoints run for every send and receive on the node; this array lookup lets all the others
 * through at the cost of an inlined load.
 */
#define HM_GO_SENDER_SLOTS (1 << 16)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HM_GO_SENDER_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} hm_go_senders SEC(".maps");

/* The socket behind a *tls.Conn of this process, or 0 (not a TCPConn-shaped conn, a closed descriptor). */
static __always_inline __u64 go_conn_sock(__u64 conn, __u32 tgid)
{
	struct hm_go_offsets *o = bpf_map_lookup_elem(&hm_go_procs, &tgid);
	__u64 tcp = 0, netfd = 0;
	__s64 fd = -1;

	if (!o || !conn)
		return 0;
	if (bpf_probe_read_user(&tcp, sizeof(tcp), (void *)(conn + o->conn_data)) || !tcp)
		return 0;
	if (bpf_probe_read_user(&netfd, sizeof(netfd), (void *)(tcp + o->tcpconn_fd)) || !netfd)
		return 0;
	if (bpf_probe_read_user(&fd, sizeof(fd), (void *)(netfd + o->netfd_sysfd)))
		return 0;
	return fd_sock(fd);
}

/*
 * Whether the connection of a *tls.Conn is already known from the socket its handshake used: where the socket
 * tracepoints name sockets (the flag), the handshake of every connection refreshes the cache, and that beats
 * the struct offsets' path, which a wrapper conn can lead astray. Elsewhere the cache may hold the connection
 * an earlier *tls.Conn at the same address had, so the path comes first.
 */
static __always_inline bool go_conn_known(__u64 conn, __u32 tgid)
{
	struct hm_go_offsets *o = bpf_map_lookup_elem(&hm_go_procs, &tgid);
	struct hm_ssl_key key = {.ssl = conn, .tgid = tgid};

	return o && (o->flags & HM_GO_F_WRITE_AT_SEND) && bpf_map_lookup_elem(&hm_ssl_conns, &key);
}

static __always_inline int go_enter(struct pt_regs *ctx, __u8 op)
{
	__u32 endpoint = watched_endpoint();
	struct hm_go_call_key key = {};
	struct hm_go_call call = {};

	if (!endpoint)
		return 0;
	key.g = ctx->r14;
	key.tgid = bpf_get_current_pid_tgid() >> 32;
	call.conn = ctx->ax;
	call.buf = ctx->bx;
	call.len = ctx->cx;
	call.start_ns = bpf_ktime_get_ns();
	call.endpoint_id = endpoint;
	call.op = op;
	bpf_map_update_elem(&hm_go_calls, &key, &call, BPF_ANY);
	return 0;
}

/* A call of this goroutine ends with n (its first result): report it, or count it failed. */
static __always_inline int go_finish(struct hm_go_call_key *key, __s64 n, __u64 id, int read_only)
{
	struct hm_go_call *go = bpf_map_lookup_elem(&hm_go_calls, key);
	struct hm_tls_call call = {};
	__u8 op;

	if (!go)
		return 0; /* entered before the probes, or evicted */
	if (read_only && go->op != HM_TLS_READ)
		return 0;
	call.ssl = go->conn;
	call.buf = go->buf;
	call.start_ns = go->start_ns;
	call.endpoint_id = go->endpoint_id;
	call.sk = go->sk;
	op = go->op;
	bpf_map_delete_elem(&hm_go_calls, key);
	if (n <= 0) {
		hm_count(HM_STAT_TLS_CALL_FAILED);
		return 0;
	}
	if (!call.sk && !go_conn_known(call.ssl, id >> 32))
		call.sk = go_conn_sock(call.ssl, id >> 32);
	emit(&call, op, HM_TLS_F_GO, n, id, NULL);
	return 0;
}

/* At a ret of Write or Read: (n int, err error), n in rax. A Write's partial n with an error did go out. */
static __always_inline int go_leave(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct hm_go_call_key key = {.g = ctx->r14, .tgid = id >> 32};

	return go_finish(&key, (__s64)ctx->ax, id, 0);
}

/*
 * At the prologue jump of Read's deferred unlock closure (Read.func1, Read.deferwrap1 from go1.22), which
 * every return after Read took its lock runs through `call *%rax` with n already in Read's frame (the
 * epilogue after that call loads it from there). The closure's stack pointer is Read's minus the return
 * address. The closure is Read's own only when rdx, its context, is the pointer Read keeps in its frame:
 * the runtime also runs it while a panic unwinds, from frames of its own, and those calls are left alone.
 * A closure that grows its stack passes the jump twice; the first pass took the call, the second finds none.
 */
static __always_inline int go_read_unlock(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	struct hm_go_offsets *o = bpf_map_lookup_elem(&hm_go_procs, &tgid);
	struct hm_go_call_key key = {.g = ctx->r14, .tgid = tgid};
	__u64 frame = ctx->sp + 8, closure = 0;
	__s64 n = 0;

	if (!o || !(o->flags & HM_GO_F_READ_AT_UNLOCK))
		return 0;
	if (bpf_probe_read_user(&closure, sizeof(closure), (void *)(frame + o->read_closure_slot))
	    || closure != ctx->dx)
		return 0;
	if (bpf_probe_read_user(&n, sizeof(n), (void *)(frame + o->read_result_slot)))
		return 0;
	return go_finish(&key, n, id, 1);
}

/*
 * A handshake in flight (hm_go_handshake_enter). Never reported: its record only says which *tls.Conn the
 * goroutine is handshaking, so that the socket its receives and sends name is remembered for that connection
 * (the cache of hm_tls_conn.h) before its first Read, which may find its record already received with the
 * handshake and make no receive of its own. A handshake has no return probe: its record stays until the
 * goroutine's next call replaces it, and one older than HM_GO_HANDSHAKE_NS is not believed.
 */
#define HM_GO_OP_HANDSHAKE 0xff
#define HM_GO_HANDSHAKE_NS (10ULL * 1000 * 1000 * 1000)

static __always_inline void go_handshake_socket(struct hm_go_call *go, __u64 sk, __u32 tgid)
{
	struct hm_tls_call call = {.ssl = go->conn, .sk = sk};
	struct hm_flow_tuple t;

	if (bpf_ktime_get_ns() - go->start_ns > HM_GO_HANDSHAKE_NS)
		return;
	call_tuple(&call, tgid, &t); /* fills the cache */
}

/*
 * At the entry of serverHandshake or clientHandshake. A handshake that a Read or Write started (a client's first
 * Write, a server that never called Handshake) leaves that call's record alone: its own socket syscalls name
 * its connection.
 */
static __always_inline int go_handshake_enter(struct pt_regs *ctx)
{
	struct hm_go_call_key key = {.g = ctx->r14, .tgid = bpf_get_current_pid_tgid() >> 32};
	struct hm_go_call *in = bpf_map_lookup_elem(&hm_go_calls, &key);

	if (in && in->op != HM_GO_OP_HANDSHAKE)
		return 0;
	return go_enter(ctx, HM_GO_OP_HANDSHAKE);
}

/*
 * The Go call the current goroutine is in, for the socket tracepoints: only in a process counted in
 * hm_go_senders (the cheap filter every send and receive of the node passes), the goroutine being the r14 of
 * the user registers the thread entered the kernel with (Go's syscall path keeps g there, go1.19+).
 */
static __always_inline struct hm_go_call *go_current_call(__u32 tgid, struct hm_go_call_key *key)
{
	__u32 slot = tgid & (HM_GO_SENDER_SLOTS - 1);
	__u32 *senders = bpf_map_lookup_elem(&hm_go_senders, &slot);
	struct pt_regs *regs;

	if (!senders || !*senders)
		return NULL;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	if (!regs)
		return NULL;
	key->g = BPF_CORE_READ(regs, r14);
	key->tgid = tgid;
	return bpf_map_lookup_elem(&hm_go_calls, key);
}

/*
 * A socket send succeeded (sock:sock_send_length). When the sending thread runs a goroutine inside a Go Write
 * of a process whose Writes are reported at their send, that Write is reported now, once: its plaintext is
 * in the slice it was called with, and its socket is this one. The goroutine is the r14 of the user registers
 * the thread entered the kernel with (Go's syscall path keeps g there, go1.19+), so a Write that waited in the
 * netpoller and sends from another thread is still its own, and concurrent Writes on one connection (which
 * crypto/tls serializes) are told apart.
 */
static __always_inline void go_sent(__u64 sk, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	struct hm_go_offsets *o;
	struct hm_go_call_key key = {};
	struct hm_go_call *go;
	struct hm_tls_call call = {};

	if (ret <= 0 || !(go = go_current_call(tgid, &key)))
		return;
	if (go->op == HM_GO_OP_HANDSHAKE) {
		go_handshake_socket(go, sk, tgid);
		return;
	}
	o = bpf_map_lookup_elem(&hm_go_procs, &tgid);
	if (go->op != HM_TLS_WRITE || !o || !(o->flags & HM_GO_F_WRITE_AT_SEND))
		return;
	call.ssl = go->conn;
	call.buf = go->buf;
	call.start_ns = go->start_ns;
	call.endpoint_id = go->endpoint_id;
	call.sk = sk;
	ret = go->len; /* the Write's whole slice: it returns having sent it all, or with an error */
	bpf_map_delete_elem(&hm_go_calls, &key);
	if (ret > 0)
		emit(&call, HM_TLS_WRITE, HM_TLS_F_GO, ret, id, NULL);
}

/*
 * A socket receive (sock:sock_recv_length, whatever it returned). When the receiving thread runs a goroutine
 * inside a Go Read of a process whose calls are followed to their socket syscalls, the Read's socket is this
 * one. That names the socket even when the *tls.Conn sits on a wrapper the struct offsets do not describe
 * (cmux's MuxConn in etcd, a PROXY-protocol conn): the offsets' path then ends nowhere, and without this the
 * first Read of each such connection would have no addresses (later ones take them from the cache).
 */
static __always_inline void go_received(__u64 sk)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct hm_go_call_key key = {};
	struct hm_go_call *go;

	if (!sk || !(go = go_current_call(tgid, &key)))
		return;
	if (go->op == HM_TLS_READ)
		go->sk = sk;
	else if (go->op == HM_GO_OP_HANDSHAKE)
		go_handshake_socket(go, sk, tgid);
}

#endif /* HM_GO_TLS_H */
