// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sock_plain.bpf.c: plaintext HTTP read at the socket. The read/write syscalls of watched processes on TCP
 * sockets (read, readv, recvfrom, recvmsg; write, writev, sendto, sendmsg; sendfile counted, never read) are
 * captured at their return, when the count of bytes really moved is known: a write captured at its entry
 * would report bytes a short or refused (EAGAIN) write did not send, and send them again at the retry.
 *
 * Tracepoints, no traps. Three sets of programs do the same work; user space loads and attaches one, and
 * only while an endpoint is watched:
 *  - the socket tracepoints (sock_recv_length, sock_send_length; Linux 6.3), one program run per socket
 *    receive or send, with the socket itself; the call's buffer from its syscall's saved registers. Nothing
 *    runs on other syscalls. The agent's choice where the kernel has them.
 *  - one pair on the raw sys_enter/sys_exit tracepoints that switches on the syscall number, for older
 *    kernels. While any syscall tracepoint is attached, every syscall of every process on the node takes
 *    the traced path.
 *  - one program per syscall tracepoint (sys_enter_read, sys_exit_read, ...), for the benchmark.
 *    bench/syscall-hooks.sh measures it against the raw pair: the raw pair costs more on a syscall it does
 *    not read (both programs run and return) and less on a read or write (the per-syscall glue copies the
 *    call's arguments into a perf buffer before the program runs), so it is the cheaper where reads and
 *    writes are over about a third of the syscalls, as where HTTP is served.
 *
 * Never the ciphertext of TLS: a thread inside a TLS call (hm_tls_calls, kept by tls_uprobe.bpf.c) moves
 * ciphertext and is skipped, and a socket whose first bytes are a TLS record is left to the TLS probes for
 * its life (hm_sock_states). Only tasks of watched network namespaces (hm_watched_netns), only TCP sockets.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "hm_sock_hooks.h"

/*
 * The raw variant: one program at every syscall's entry and one at every return, switching on the number.
 * tp_btf gives the registers as a typed pointer, read with plain loads.
 */
SEC("tp_btf/sys_enter")
int BPF_PROG(hm_plain_sys_enter, struct pt_regs *regs, long nr)
{
	on_enter(nr, PT_REGS_PARM1_SYSCALL(regs), PT_REGS_PARM2_SYSCALL(regs), PT_REGS_PARM3_SYSCALL(regs),
		 PT_REGS_PARM4_SYSCALL(regs), true);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(hm_plain_sys_exit, struct pt_regs *regs, long ret)
{
#if defined(__TARGET_ARCH_x86)
	long nr = regs->orig_ax;
#elif defined(__TARGET_ARCH_arm64)
	long nr = regs->syscallno;
#endif

	/* Every syscall of the node returns through here: the number first, the thread's slot only for ours. */
	if (ours(nr))
		on_exit(nr, ret);
	return 0;
}

/*
 * The socket tracepoints' variant: one program per receive and per send of a socket, the preferred pair where
 * the kernel has them (Linux 6.3). Peeked bytes are read again by the next call: reported then, once.
 */
SEC("tp_btf/sock_recv_length")
int BPF_PROG(hm_plain_sock_recv, struct sock *sk, int ret, int flags)
{
	if (ret > 0 && !(flags & HM_MSG_PEEK))
		on_sock_io(sk, ret, false);
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(hm_plain_sock_send, struct sock *sk, int ret, int flags)
{
	if (ret > 0)
		on_sock_io(sk, ret, true);
	return 0;
}

/*
 * A TCP socket that closes forgets its verdict, so that the table holds the live sockets of watched tasks
 * rather than every socket it ever classified (the LRU would keep those until evicted). The tracepoint's own
 * arguments: trace_inet_sock_set_state(sk, oldstate, newstate); it runs at every TCP state change of the
 * node, a few per connection, and is attached with the hooks above. A socket that closes while they are
 * detached keeps its entry until evicted: harmless, as a reused struct sock is told apart by its address
 * words (known_state).
 */
#define HM_TCP_CLOSE 7

SEC("raw_tp/inet_sock_set_state")
int hm_plain_sock_closed(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 sk = ctx->args[0];

	if ((int)ctx->args[2] == HM_TCP_CLOSE)
		bpf_map_delete_elem(&hm_sock_states, &sk);
	return 0;
}

/* The per-syscall variant: each program knows its syscall, so only reads and writes run anything. */
#define HM_SYSCALL(name, nr)                                                                 \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                          \
	int hm_plain_enter_##name(struct trace_event_raw_sys_enter *ctx)                     \
	{                                                                                    \
		on_enter(nr, ctx->args[0], ctx->args[1], ctx->args[2], ctx->args[3], false); \
		return 0;                                                                    \
	}                                                                                    \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                           \
	int hm_plain_exit_##name(struct trace_event_raw_sys_exit *ctx)                       \
	{                                                                                    \
		on_exit(nr, ctx->ret);                                                       \
		return 0;                                                                    \
	}

HM_SYSCALL(read, HM_NR_READ)
HM_SYSCALL(write, HM_NR_WRITE)
HM_SYSCALL(readv, HM_NR_READV)
HM_SYSCALL(writev, HM_NR_WRITEV)
HM_SYSCALL(recvfrom, HM_NR_RECVFROM)
HM_SYSCALL(sendto, HM_NR_SENDTO)
HM_SYSCALL(recvmsg, HM_NR_RECVMSG)
HM_SYSCALL(sendmsg, HM_NR_SENDMSG)
HM_SYSCALL(sendfile64, HM_NR_SENDFILE)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
