/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hm_tls_conn.h: the connection behind a TLS call, for tls_uprobe.bpf.c. The socket a call sends to or
 * receives from (named by the socket tracepoints, or by the descriptor of its read/write syscalls on older
 * kernels) gives its addresses; the SSL pointer remembers them for calls the library serves from its buffer,
 * and so that the next call on the same connection costs three reads. BPF-side only: nothing here is
 * shared with Java.
 */
#ifndef HM_TLS_CONN_H
#define HM_TLS_CONN_H

#include "hm_abi.h"
#include "hm_sock.h"
#include "hm_task.h"

struct hm_ssl_key {
	__u64 ssl;
	__u32 tgid;
	__u32 _pad;
};

/*
 * The connection of an SSL pointer: its socket, that socket's addresses, and the raw words they were read
 * from, so that a later call can tell it is still the same connection by reading one or two words.
 */
struct hm_ssl_conn {
	__u64 sk; /* the struct sock the addresses were read from */
	struct hm_sock_words words;
	struct hm_flow_tuple tuple;
	__u32 flags; /* enum hm_ssl_conn_flag */
	__u32 _pad;
};

/* What the calls on an SSL pointer's connection told so far (for write_at_entry in tls_uprobe.bpf.c). */
enum hm_ssl_conn_flag {
	/* A call on this connection completed: its handshake is behind it. */
	HM_SSL_CONFIRMED = 0x1,
	/* Its last write returned without having written (would block, error): the next one is a retry. */
	HM_SSL_WRITE_PENDING = 0x2,
};

/*
 * The connection of each SSL pointer, for calls that make no syscall, and so that a call on the connection
 * of the last one costs a word read instead of a dozen and a map update. Keyed by SSL pointer and process,
 * and checked: the same socket pointer with the same address and port words, so that an SSL object and a
 * socket both reused (freed and allocated again) for a new connection get that connection's addresses.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct hm_ssl_key);
	__type(value, struct hm_ssl_conn);
} hm_ssl_conns SEC(".maps");

/* Reads the addresses of socket `sk` into *fresh and remembers them for `key`; false for one not connected. */
static __always_inline bool remember_conn(const struct hm_ssl_key *key, __u64 sk, struct hm_ssl_conn *fresh,
					  __u32 flags)
{
	if (!socket_tuple((struct sock *)sk, &fresh->tuple) || !fresh->tuple.dport)
		return false;
	sock_words((struct sock_common *)sk, fresh->tuple.family == HM_AF_INET6, &fresh->words);
	fresh->sk = sk;
	fresh->flags = flags;
	bpf_map_update_elem(&hm_ssl_conns, key, fresh, BPF_ANY);
	return true;
}

/*
 * The connection of this call, which completed: its socket when it made a send or receive (the cache entry is
 * reused while the socket is the same), else the SSL pointer's last known connection. Either way the
 * connection is marked confirmed.
 */
static __always_inline bool call_tuple(const struct hm_tls_call *call, __u32 tgid, struct hm_flow_tuple *t)
{
	struct hm_ssl_key key = {.ssl = call->ssl, .tgid = tgid};
	struct hm_ssl_conn *cached = bpf_map_lookup_elem(&hm_ssl_conns, &key);
	struct hm_ssl_conn fresh = {};
	struct sock_common *sk = (struct sock_common *)call->sk;

	if (!sk) {
		if (!cached)
			return false;
		*t = cached->tuple; /* served from the library's buffer: no syscall, same connection */
		if (!(cached->flags & HM_SSL_CONFIRMED))
			cached->flags |= HM_SSL_CONFIRMED;
		return true;
	}
	if (cached && cached->sk == call->sk) {
		sock_words(sk, cached->tuple.family == HM_AF_INET6, &fresh.words);
		if (same_words(&cached->words, &fresh.words)) {
			*t = cached->tuple;
			if (!(cached->flags & HM_SSL_CONFIRMED))
				cached->flags |= HM_SSL_CONFIRMED;
			return true;
		}
	}
	if (!remember_conn(&key, call->sk, &fresh, HM_SSL_CONFIRMED))
		return false;
	*t = fresh.tuple;
	return true;
}

/*
 * After a write returned (to its return probe): one that wrote nothing (would block, error) left its record to
 * a retry, which must not be reported at its entry as well; one that wrote ends that.
 */
static __always_inline void note_write_outcome(__u64 ssl, __u32 tgid, bool written)
{
	struct hm_ssl_key key = {.ssl = ssl, .tgid = tgid};
	struct hm_ssl_conn *conn = bpf_map_lookup_elem(&hm_ssl_conns, &key);

	if (!conn)
		return;
	if (!written)
		conn->flags |= HM_SSL_WRITE_PENDING;
	else if (conn->flags & HM_SSL_WRITE_PENDING)
		conn->flags &= ~HM_SSL_WRITE_PENDING;
}

/*
 * SSL_set_fd(ssl, fd): where an application ties its socket to the SSL object, before the handshake. The
 * connection is remembered for the SSL pointer then, so that a call the library serves from its buffer without
 * touching the socket has its addresses too. A server with read-ahead (nginx) often serves the first request
 * of a connection that way under load: the request came in the flight that ended the handshake, and the
 * handshake's read took it. Without this such a flow had no addresses, or those of the connection whose freed
 * SSL object this one reuses. Whatever was remembered for the pointer before is dropped here, also when the
 * socket is not connected yet (a client may tie it before connect; its first call that uses it then names it).
 */
static __always_inline void remember_fd(void *ssl, int fd)
{
	struct hm_ssl_key key = {.ssl = (__u64)ssl, .tgid = bpf_get_current_pid_tgid() >> 32};
	struct hm_ssl_conn fresh = {};
	__u64 sk;

	if (!watched_endpoint())
		return;
	sk = fd_sock(fd);
	if (!sk || !remember_conn(&key, sk, &fresh, 0))
		bpf_map_delete_elem(&hm_ssl_conns, &key);
}

#endif /* HM_TLS_CONN_H */
