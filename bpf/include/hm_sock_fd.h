/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hm_sock_fd.h: the TCP socket behind a descriptor, for the plaintext socket hooks (hm_sock_plain.h), which
 * ask it on every read and write of a watched process: followed once, then remembered per process and
 * descriptor and checked. Only sock_plain.bpf.c includes it, so only that object holds the table. BPF-side
 * only.
 */
#ifndef HM_SOCK_FD_H
#define HM_SOCK_FD_H

#include "hm_sock.h"

/* A descriptor of a process, and what it named when last looked at. */
struct hm_fd_key {
	__u32 tgid;
	__s32 fd;
};

struct hm_fd_sock {
	__u64 file; /* the struct file the descriptor pointed to */
	__u64 sock; /* that file's private data (the struct socket, for a socket) */
	__u64 sk;   /* the socket's struct sock when it is TCP, else 0 */
};

/*
 * What each descriptor of a watched process's reads and writes named, so that the next call on it costs
 * three reads (descriptor, file's private data, socket's sock) instead of eight (the file's inode mode and
 * the sock's family, type and protocol besides). A descriptor closed and opened again names another
 * struct file, socket or sock, or the same ones only if all three were freed and allocated again in place,
 * in which case the sock is still TCP (TCP socks have slab caches of their own) and the return checks the
 * connection by its addresses as ever.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct hm_fd_key);
	__type(value, struct hm_fd_sock);
} hm_fd_socks SEC(".maps");

/* The TCP socket behind a descriptor of the current task, or 0. */
static __always_inline __u64 fd_tcp_sock(long fd)
{
	struct hm_fd_key key = {.tgid = bpf_get_current_pid_tgid() >> 32, .fd = fd};
	struct hm_fd_sock *cached, fresh = {};
	struct file *file = fd_file(fd);
	struct socket *sock = NULL;
	__u64 sk = 0;

	if (!file)
		return 0;
	bpf_core_read(&sock, sizeof(sock), &file->private_data);
	if (sock)
		bpf_core_read(&sk, sizeof(sk), &sock->sk);
	cached = bpf_map_lookup_elem(&hm_fd_socks, &key);
	if (cached && cached->file == (__u64)file && cached->sock == (__u64)sock &&
	    (!cached->sk || cached->sk == sk))
		return cached->sk;
	fresh.file = (__u64)file;
	fresh.sock = (__u64)sock;
	if (sk && is_socket_file(file) && is_tcp((struct sock *)sk))
		fresh.sk = sk;
	bpf_map_update_elem(&hm_fd_socks, &key, &fresh, BPF_ANY);
	return fresh.sk;
}

#endif /* HM_SOCK_FD_H */
