/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hm_sock_hooks.h: the two ways sock_plain.bpf.c finds a read or write of a watched task on a TCP socket, both
 * handing it to report() (hm_sock_plain.h): at the socket tracepoints (one program run per receive or send,
 * Linux 6.3), or marked at its syscall's entry in a per-thread slot and reported at its return (older
 * kernels). BPF-side only.
 */
#ifndef HM_SOCK_HOOKS_H
#define HM_SOCK_HOOKS_H

#include "hm_sock_plain.h"
#include "hm_sock_fd.h"

/* One slot per thread, picked by its id, as hm_tls_calls (see hm_task.h for why an array). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HM_CALL_SLOTS);
	__type(key, __u32);
	__type(value, struct hm_sock_call);
} hm_sock_calls SEC(".maps");

static __always_inline struct hm_sock_call *sock_slot(__u32 tid)
{
	__u32 slot = hm_call_slot_of(tid);

	return bpf_map_lookup_elem(&hm_sock_calls, &slot);
}

/*
 * The entry of a syscall: marks the thread's slot when the call is one of ours, on a TCP socket of a watched
 * task, outside a TLS call. Cheapest tests first: this runs for every syscall of the node in the raw variant,
 * for every read and write in the other. The socket's classification is looked up at the return only (once
 * per call): a call on a socket left to the TLS probes costs a slot written for nothing, no more.
 */
static __always_inline void on_enter(long nr, long fd, __u64 buf, __u64 arg3, __u64 arg4, bool raw)
{
	__u8 shape, write;
	__u32 tid, endpoint;
	struct hm_sock_call *call;
	__u64 sk;

	shape = call_shape(nr, &write);
	if (!shape)
		return;
	/* The per-syscall tracepoints already leave 32-bit processes out; the raw one sees them. */
	if (raw && compat_syscall(bpf_get_current_task_btf()))
		return;
	endpoint = watched_endpoint();
	if (!endpoint)
		return;
	/* Peeked bytes are read again by the next call: report them then, once. */
	if ((nr == HM_NR_RECVFROM && (arg4 & HM_MSG_PEEK)) || (nr == HM_NR_RECVMSG && (arg3 & HM_MSG_PEEK)))
		return;
	tid = (__u32)bpf_get_current_pid_tgid();
	if (in_tls_call(tid))
		return; /* ciphertext: the TLS probes read this call's plaintext */
	sk = fd_tcp_sock(fd);
	if (!sk)
		return;
	call = sock_slot(tid);
	if (!call)
		return;
	if (call->tid && call->tid != tid)
		hm_count(HM_STAT_SOCK_SLOT_TAKEN);
	call->sk = sk;
	call->buf = buf;
	call->iovcnt = arg3; /* readv, writev: the count of iovecs */
	call->start_ns = bpf_ktime_get_ns();
	call->endpoint_id = endpoint;
	call->nr = nr;
	call->shape = shape;
	call->write = write;
	call->tid = tid;
}

/* Whether the syscall is one of those read here. */
static __always_inline bool ours(long nr)
{
	__u8 write;

	return call_shape(nr, &write) != 0;
}

/* The return of a syscall: reports the bytes a marked call moved. */
static __always_inline void on_exit(long nr, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct hm_sock_call *call = sock_slot((__u32)id);

	if (!call || call->tid != (__u32)id)
		return;
	call->tid = 0;
	if (call->nr != nr || ret <= 0)
		return; /* another syscall's return (the entry was missed), or nothing moved */
	report(call, ret, id, false);
}

/*
 * A socket's receive or send, at the socket tracepoints (sock_recv_length, sock_send_length: Linux 6.3). They
 * run inside sock_recvmsg and sock_sendmsg, so for socket I/O only, with the socket and the bytes moved; the
 * call's buffer is in the registers its syscall saved (bpf_task_pt_regs). One program run per receive or
 * send of any process, none for the node's other syscalls, and no syscall put on the traced path: on an HTTP
 * server the raw pair ran 7 times a request, and made every syscall of every process dearer.
 * A call that reaches a socket some other way (io_uring, splice, sendmmsg) has no buffer here: counted.
 */
static __always_inline void on_sock_io(struct sock *sk, long ret, bool write)
{
	struct hm_sock_call call = {};
	struct task_struct *task;
	struct pt_regs *regs;
	__u32 endpoint;
	__u8 shape, nr_write;
	__u64 id;
	long nr;

	endpoint = watched_endpoint();
	if (!endpoint)
		return;
	id = bpf_get_current_pid_tgid();
	if (in_tls_call((__u32)id))
		return; /* ciphertext: the TLS probes read this call's plaintext */
	task = bpf_get_current_task_btf();
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
#if defined(__TARGET_ARCH_x86)
	nr = regs->orig_ax;
#elif defined(__TARGET_ARCH_arm64)
	nr = regs->syscallno;
#endif
	shape = compat_syscall(task) ? 0 : call_shape(nr, &nr_write);
	if (!shape || nr_write != write) {
		if (user_tcp_sock(sk))
			hm_count(HM_STAT_SOCK_OTHER_CALL);
		return;
	}
	call.sk = (__u64)sk;
	call.buf = PT_REGS_PARM2_SYSCALL(regs);
	call.iovcnt = PT_REGS_PARM3_SYSCALL(regs);
	call.start_ns = bpf_ktime_get_ns();
	call.endpoint_id = endpoint;
	call.nr = nr;
	call.shape = shape;
	call.write = write;
	call.tid = (__u32)id;
	report(&call, ret, id, true);
}

#endif /* HM_SOCK_HOOKS_H */
