/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hm_sock.h: a task's sockets as the task-side programs see them: the socket behind a descriptor, whether it
 * is TCP, its addresses. Shared by tls_uprobe.bpf.c (the connection behind a TLS call) and sock_plain.bpf.c
 * (plaintext read at the socket's syscalls). BPF-side only.
 */
#ifndef HM_SOCK_H
#define HM_SOCK_H

#include "hm_abi.h"

#define HM_S_IFMT 00170000
#define HM_S_IFSOCK 0140000
#define HM_AF_INET 2
#define HM_AF_INET6 10
#define HM_SOCK_STREAM 1

#define HM_IPPROTO_TCP 6

/* The open file behind a descriptor of the current task, or NULL. */
static __always_inline struct file *fd_file(long fd)
{
	/* Direct loads through the task's BTF pointer (cheaper than a probe read each), as far as BTF goes. */
	struct fdtable *fdt = bpf_get_current_task_btf()->files->fdt;
	struct file **fds;
	struct file *file = NULL;

	if (fd < 0 || fd >= fdt->max_fds)
		return NULL;
	fds = fdt->fd;
	if (bpf_core_read(&file, sizeof(file), &fds[fd]))
		return NULL;
	return file;
}

/* Whether an open file is a socket. */
static __always_inline bool is_socket_file(struct file *file)
{
	return (BPF_CORE_READ(file, f_inode, i_mode) & HM_S_IFMT) == HM_S_IFSOCK;
}

/*
 * The socket behind a descriptor of the current task, or 0: for kernels without the socket tracepoints,
 * where the read/write syscall tracepoints name only the descriptor.
 */
static __always_inline __u64 fd_sock(long fd)
{
	struct file *file = fd_file(fd);
	struct socket *sock;

	if (!file || !is_socket_file(file))
		return 0;
	sock = BPF_CORE_READ(file, private_data);
	return sock ? (__u64)BPF_CORE_READ(sock, sk) : 0;
}

/* A socket's addresses, local to remote. */
static __always_inline bool socket_tuple(struct sock *sock, struct hm_flow_tuple *t)
{
	struct sock_common *sk = &sock->__sk_common;
	__u16 family = BPF_CORE_READ(sk, skc_family);

	__builtin_memset(t, 0, sizeof(*t));
	/* Explicit sizes: the destination arrays are larger than an IPv4 address. */
	if (family == HM_AF_INET) {
		bpf_core_read(t->saddr, 4, &sk->skc_rcv_saddr);
		bpf_core_read(t->daddr, 4, &sk->skc_daddr);
	} else if (family == HM_AF_INET6) {
		bpf_core_read(t->saddr, 16, &sk->skc_v6_rcv_saddr);
		bpf_core_read(t->daddr, 16, &sk->skc_v6_daddr);
	} else {
		return false;
	}
	t->family = family;
	/* sk_type is a bitfield before Linux 5.6 and a u16 after: read it the way this kernel lays it out. */
	t->proto = BPF_CORE_READ_BITFIELD_PROBED(sock, sk_type) == HM_SOCK_STREAM ? 6 : 17;
	t->sport = BPF_CORE_READ(sk, skc_num);
	t->dport = bpf_ntohs(BPF_CORE_READ(sk, skc_dport));
	return true;
}

/* A TCP socket over IPv4 or IPv6 (not UDP, not a Unix socket, not MPTCP's own socket). */
static __always_inline bool is_tcp(struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	if (family != HM_AF_INET && family != HM_AF_INET6)
		return false;
	/* Bitfields before Linux 5.6, u16 after: read them the way this kernel lays them out. */
	return BPF_CORE_READ_BITFIELD_PROBED(sk, sk_type) == HM_SOCK_STREAM &&
	       BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) == HM_IPPROTO_TCP;
}

/*
 * The words that name a socket's connection (addresses and ports): equal words on the same struct sock mean
 * the same connection, so that a struct freed and allocated again for another connection is told apart.
 */
struct hm_sock_words {
	__u64 addrpair;
	__u64 v6_daddr[2];
	__u32 portpair;
	__u32 _pad;
};

/*
 * Reads them: the address pair and the port pair in one read where they share 16 bytes (struct sock_common
 * has kept addrpair, hash, portpair in a row since 2.6.38; CO-RE tells whether this kernel does), and the
 * IPv6 destination only for an IPv6 connection (zero otherwise). A read costs about 40 ns, and this runs on
 * every call that touches a watched socket.
 */
static __always_inline void sock_words(struct sock_common *sk, bool ipv6, struct hm_sock_words *w)
{
	struct {
		__u64 addrpair;
		__u32 hash;
		__u32 portpair;
	} head;

	if (bpf_core_field_offset(struct sock_common, skc_portpair) ==
	    bpf_core_field_offset(struct sock_common, skc_addrpair) + 12) {
		bpf_core_read(&head, sizeof(head), &sk->skc_addrpair);
		w->addrpair = head.addrpair;
		w->portpair = head.portpair;
	} else {
		bpf_core_read(&w->addrpair, sizeof(w->addrpair), &sk->skc_addrpair);
		bpf_core_read(&w->portpair, sizeof(w->portpair), &sk->skc_portpair);
	}
	w->_pad = 0;
	w->v6_daddr[0] = w->v6_daddr[1] = 0;
	if (ipv6)
		bpf_core_read(w->v6_daddr, sizeof(w->v6_daddr), &sk->skc_v6_daddr);
}

static __always_inline bool same_words(const struct hm_sock_words *a, const struct hm_sock_words *b)
{
	return a->addrpair == b->addrpair && a->portpair == b->portpair && a->v6_daddr[0] == b->v6_daddr[0] &&
	       a->v6_daddr[1] == b->v6_daddr[1];
}

#endif /* HM_SOCK_H */
