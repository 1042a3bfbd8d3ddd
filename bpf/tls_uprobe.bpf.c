// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tls_uprobe.bpf.c: the plaintext of TLS connections, read at the TLS library's API (OpenSSL's
 * SSL_write, SSL_read and their _ex forms) before encryption and after decryption.
 *
 * A uprobe on a shared library fires for every process on the host that maps it, so the entry probes
 * first ask whether the calling task's network namespace is watched (hm_watched_netns, kept by user
 * space) and ignore everything else.
 *
 * The connection behind an SSL pointer is found without kprobes: the entry probe marks the thread, and
 * while the call runs, the socket tracepoints (sock_send_length, sock_recv_length: Linux 6.3) record the
 * socket the library sends to or receives from. They run for socket I/O only. Older kernels have only the
 * read/write syscall tracepoints, which name a descriptor, followed to its socket
 * (task->files->fdt->fd[fd]->private_data); user space attaches one set or the other. Those put every
 * syscall of the node on the kernel's slower traced path, which is why they are the fallback. At return
 * the socket gives the 5-tuple, cached per SSL pointer for calls the library serves from its buffer.
 *
 * User space scopes every uprobe to the processes of watched workloads (one link per process), so other
 * processes that map the same library never trap. The sched tracepoints (hm_process_follow.h) tell it, with a
 * wakeup, when such a process is forked, replaced by exec or gone, so that probes follow processes as they
 * come and go.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "hm_abi.h"
#include "hm_maps.h"
#include "hm_tls_conn.h"
#include "hm_tls_send.h"

/* Room to build one event: too large for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hm_tls_event);
} hm_tls_scratch SEC(".maps");

/* Marks the thread as inside a TLS call, for its return; false where there is nothing to return to. */
static __always_inline bool enter_as(__u32 endpoint, void *ssl, const void *buf, void *ex_length)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct hm_tls_call *call;

	if (!endpoint || !(call = call_slot(tid)))
		return false;
	if (call->tid && call->tid != tid)
		hm_count(HM_STAT_TLS_SLOT_TAKEN);
	call->ssl = (__u64)ssl;
	call->buf = (__u64)buf;
	call->ex_length = (__u64)ex_length;
	call->start_ns = bpf_ktime_get_ns();
	call->sk = 0;
	call->endpoint_id = endpoint;
	call->tid = tid;
	return true;
}

static __always_inline int enter(void *ssl, const void *buf, void *ex_length)
{
	enter_as(watched_endpoint(), ssl, buf, ex_length);
	return 0;
}

/* Records the socket a marked thread sends to or receives from while its TLS call runs (the first one). */
static __always_inline void note_sock(__u64 sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct hm_tls_call *call = call_slot(tid);

	if (call && call->tid == tid && !call->sk)
		call->sk = sk;
}

/* The same for the syscall tracepoints, which name a descriptor: followed to its socket only when marked. */
static __always_inline void note_fd(long fd)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct hm_tls_call *call = call_slot(tid);

	if (call && call->tid == tid && !call->sk)
		call->sk = fd_sock(fd);
}

/*
 * Sends one completed call of `length` bytes: its plaintext from call->buf, its connection `known` or from
 * call->sk or the connection cache. Shared by the TLS library's returns, writes reported at entry (start_ns 0:
 * they start and end now) and Go's (hm_go_tls.h).
 */
static __always_inline void emit(const struct hm_tls_call *call, __u8 op, __u8 flags, __u64 length, __u64 id,
				 const struct hm_flow_tuple *known)
{
	struct hm_tls_event *e;
	__u32 zero = 0, captured, size;

	e = bpf_map_lookup_elem(&hm_tls_scratch, &zero);
	if (!e)
		return;

	e->kind = HM_EVENT_TLS_DATA;
	e->op = op;
	e->flags = flags;
	e->endpoint_id = call->endpoint_id;
	e->end_ns = bpf_ktime_get_ns();
	e->start_ns = call->start_ns ? call->start_ns : e->end_ns;
	e->ssl = call->ssl;
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->length = length;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->_pad0 = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));

	if (known) {
		e->tuple = *known;
		e->flags |= HM_TLS_F_TUPLE;
	} else if (call_tuple(call, id >> 32, &e->tuple)) {
		e->flags |= HM_TLS_F_TUPLE;
	} else {
		__builtin_memset(&e->tuple, 0, sizeof(e->tuple));
		hm_count(HM_STAT_TLS_NO_SOCKET);
	}

	captured = length < HM_TLS_MAX_CAPTURE ? length : HM_TLS_MAX_CAPTURE;
	/* Keep the clamp visible to the verifier: clang would otherwise fold it into the line above. */
	asm volatile("" : "+r"(captured));
	if (captured > HM_TLS_MAX_CAPTURE)
		captured = HM_TLS_MAX_CAPTURE;
	if (bpf_probe_read_user(e->data, captured, (void *)call->buf))
		captured = 0;
	e->captured = captured;
	/* Only the header and the captured bytes travel, not the whole 4 KiB. */
	size = offsetof(struct hm_tls_event, data) + captured;
	if (bpf_ringbuf_output(&hm_events, e, size, hm_wakeup_flags(size)))
		hm_count(HM_STAT_RINGBUF_FULL);
	else
		hm_count(HM_STAT_TLS_CALLS);
}

/* At a call's return. `session`: writes may be reported at their entry, which needs to know how the last ended. */
static __always_inline int leave(struct pt_regs *ctx, __u8 op, bool ex, bool session)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct hm_tls_call *call = call_slot((__u32)id);
	/* All four return int: only eax is set, so -1 must not be read as 4294967295 from rax. */
	int ret = (int)PT_REGS_RC(ctx);
	__u64 length = 0;

	if (!call || call->tid != (__u32)id)
		return 0; /* the call was entered before the probes, or its slot was taken */
	if (ex) {
		/*
		 * int SSL_write_ex(SSL *, const void *, size_t, size_t *written): 1 on success. The internal
		 * functions behind both forms (ssl_write_internal, ssl_read_internal) share this shape.
		 */
		if (ret > 0 && call->ex_length)
			bpf_probe_read_user(&length, sizeof(length), (void *)call->ex_length);
	} else if (ret > 0) {
		length = ret;
	}
	if (length == 0)
		hm_count(HM_STAT_TLS_CALL_FAILED);
	else
		emit(call, op, ex ? HM_TLS_F_EX : 0, length, id, NULL);
	if (session && op == HM_TLS_WRITE)
		note_write_outcome(call->ssl, id >> 32, length > 0);
	call->tid = 0;
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(hm_ssl_write, void *ssl, const void *buf, int num)
{
	return enter(ssl, buf, NULL);
}

SEC("uretprobe")
int BPF_KRETPROBE(hm_ssl_write_ret)
{
	return leave(ctx, HM_TLS_WRITE, false, false);
}

SEC("uprobe")
int BPF_KPROBE(hm_ssl_write_ex, void *ssl, const void *buf, size_t num, size_t *written)
{
	return enter(ssl, buf, written);
}

SEC("uretprobe")
int BPF_KRETPROBE(hm_ssl_write_ex_ret)
{
	return leave(ctx, HM_TLS_WRITE, true, false);
}

SEC("uprobe")
int BPF_KPROBE(hm_ssl_read, void *ssl, void *buf, int num)
{
	return enter(ssl, buf, NULL);
}

SEC("uretprobe")
int BPF_KRETPROBE(hm_ssl_read_ret)
{
	return leave(ctx, HM_TLS_READ, false, false);
}

SEC("uprobe")
int BPF_KPROBE(hm_ssl_read_ex, void *ssl, void *buf, size_t num, size_t *readbytes)
{
	return enter(ssl, buf, readbytes);
}

SEC("uretprobe")
int BPF_KRETPROBE(hm_ssl_read_ex_ret)
{
	return leave(ctx, HM_TLS_READ, true, false);
}

SEC("uprobe")
int BPF_KPROBE(hm_ssl_set_fd, void *ssl, int fd)
{
	remember_fd(ssl, fd);
	return 0;
}

/*
 * One entry and one return program for every site, told apart by the link's cookie (enum hm_tls_cookie):
 * user space attaches them with uprobe_multi links (Linux 6.6), one pair of links per file and process for
 * all its sites. The programs above serve kernels without those links, one perf-event link per site.
 */
SEC("uprobe")
int BPF_KPROBE(hm_tls_enter, void *ssl, const void *buf, size_t num, size_t *out)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);

	if (cookie & HM_TLS_COOKIE_SET_FD) { /* no return probe goes with this site */
		remember_fd(ssl, (int)(long)buf);
		return 0;
	}
	return enter(ssl, buf, (cookie & HM_TLS_COOKIE_EX) ? out : NULL);
}

SEC("uretprobe")
int BPF_KRETPROBE(hm_tls_leave)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);

	return leave(ctx, (cookie & HM_TLS_COOKIE_WRITE) ? HM_TLS_WRITE : HM_TLS_READ, cookie & HM_TLS_COOKIE_EX,
		     false);
}

extern bool bpf_session_is_return(void) __ksym __weak;

/*
 * A write reported at its entry, where it can only hand all its bytes to a socket with room for them
 * (hm_tls_send.h): the connection is known, confirmed by a call that completed, and its last write did not
 * stop half way. The length is what the call was asked to write.
 */
static __always_inline bool write_at_entry(void *ssl, const void *buf, __u64 num, __u32 endpoint, __u64 id)
{
	struct hm_ssl_key key = {.ssl = (__u64)ssl, .tgid = id >> 32};
	struct hm_tls_call call = {.ssl = (__u64)ssl, .buf = (__u64)buf, .endpoint_id = endpoint, .tid = (__u32)id};
	struct hm_ssl_conn *conn = bpf_map_lookup_elem(&hm_ssl_conns, &key);

	if (!conn || (conn->flags & (HM_SSL_CONFIRMED | HM_SSL_WRITE_PENDING)) != HM_SSL_CONFIRMED ||
	    !sends_at_once(conn, num))
		return false;
	emit(&call, HM_TLS_WRITE, HM_TLS_F_AT_ENTRY, num, id, &conn->tuple);
	hm_count(HM_STAT_TLS_WRITES_AT_ENTRY);
	return true;
}

/*
 * Every site in one uprobe_multi session link (Linux 6.13) in place of the entry and return links above: the
 * same program runs at the entry and, where the entry returned 0, at the return. An entry that returns 1
 * leaves no return probe: no trap back into the kernel when the call returns. So it does for SSL_set_fd, for
 * a process outside the watched namespaces, and for a write reported at its entry (write_at_entry). Reads
 * and the other writes are reported at their return, as with the link pairs.
 */
SEC("uprobe")
int BPF_KPROBE(hm_tls_session, void *ssl, const void *buf, size_t num, size_t *out)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);
	__u64 id;
	__u32 endpoint;

	if (bpf_session_is_return())
		return leave(ctx, (cookie & HM_TLS_COOKIE_WRITE) ? HM_TLS_WRITE : HM_TLS_READ,
			     cookie & HM_TLS_COOKIE_EX, true);
	if (cookie & HM_TLS_COOKIE_SET_FD) {
		remember_fd(ssl, (int)(long)buf);
		return 1;
	}
	endpoint = watched_endpoint();
	if (!endpoint)
		return 1;
	id = bpf_get_current_pid_tgid();
	/* The count is the third argument: SSL_write's int (the upper half of its register is not its own), or
	 * the _ex forms' size_t. */
	if ((cookie & HM_TLS_COOKIE_WRITE) &&
	    write_at_entry(ssl, buf, (cookie & HM_TLS_COOKIE_EX) ? num : (__u32)num, endpoint, id))
		return 1;
	return enter_as(endpoint, ssl, buf, (cookie & HM_TLS_COOKIE_EX) ? out : NULL) ? 0 : 1;
}

/*
 * Go's crypto/tls (hm_go_tls.h): an entry probe per function, a plain uprobe on each of its ret instructions
 * (never a uretprobe: Go moves goroutine stacks), calls matched by goroutine; Writes may be reported at their
 * send instead of their ret (go_sent), and Reads at their deferred unlock instead (go_read_unlock).
 */
#include "hm_go_tls.h"

/* raw_tp: the arguments are the tracepoint's own, trace_sock_send_length(struct sock *sk, int ret, int flags). */
SEC("raw_tp/sock_send_length")
int hm_sock_send(struct bpf_raw_tracepoint_args *ctx)
{
	note_sock(ctx->args[0]);
	go_sent(ctx->args[0], (int)ctx->args[1]);
	return 0;
}

SEC("raw_tp/sock_recv_length")
int hm_sock_recv(struct bpf_raw_tracepoint_args *ctx)
{
	note_sock(ctx->args[0]);
	go_received(ctx->args[0]);
	return 0;
}

/* Kernels before 6.3: the syscalls OpenSSL's socket BIO and common custom BIOs use. */
SEC("tracepoint/syscalls/sys_enter_write")
int hm_enter_write(struct trace_event_raw_sys_enter *ctx)
{
	note_fd(ctx->args[0]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_sendto")
int hm_enter_sendto(struct trace_event_raw_sys_enter *ctx)
{
	note_fd(ctx->args[0]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_read")
int hm_enter_read(struct trace_event_raw_sys_enter *ctx)
{
	note_fd(ctx->args[0]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_recvfrom")
int hm_enter_recvfrom(struct trace_event_raw_sys_enter *ctx)
{
	note_fd(ctx->args[0]);
	return 0;
}

/* Forks, execs and exits of watched processes (the sched raw tracepoints hm_process_*). */
#include "hm_process_follow.h"

SEC("uprobe")
int hm_go_write_enter(struct pt_regs *ctx)
{
	return go_enter(ctx, HM_TLS_WRITE);
}

SEC("uprobe")
int hm_go_read_enter(struct pt_regs *ctx)
{
	return go_enter(ctx, HM_TLS_READ);
}

SEC("uprobe")
int hm_go_return(struct pt_regs *ctx)
{
	return go_leave(ctx);
}

SEC("uprobe")
int hm_go_handshake_enter(struct pt_regs *ctx)
{
	return go_handshake_enter(ctx);
}

SEC("uprobe")
int hm_go_read_unlock(struct pt_regs *ctx)
{
	return go_read_unlock(ctx);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
