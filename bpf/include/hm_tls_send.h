/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hm_tls_send.h: whether a TLS write can be reported at its entry (tls_uprobe.bpf.c, write_at_entry), with no
 * return probe: where the call can do nothing but encrypt the bytes and hand them to a socket that takes
 * them at once. BPF-side only.
 *
 * The return probe is what a write's entry would otherwise need to learn how many bytes went out. It costs a
 * trap back into the kernel per call (~0.5 us here) and a second program run. A write of at most one TLS
 * record on an established TCP connection whose send queue has room for it, and whose last write did not
 * stop half way, sends all of it: tcp_sendmsg waits or returns EAGAIN only when sk_stream_memory_free says
 * the queue is full (sk_wmem_queued against sk_sndbuf, and the unsent bytes against TCP_NOTSENT_LOWAT),
 * which is what is checked here, with the record's own overhead and the socket buffers' bookkeeping as slack.
 * What is left over is a connection that fails inside this very call (reset, an alert, a renegotiation the
 * peer asked for): its write is reported although it did not go out, as the sidecar would have logged a
 * request it forwarded to a peer that reset.
 *
 * The socket is read with direct loads through bpf_rdonly_cast (Linux 6.2; every kernel with uprobe sessions
 * has it): a probe read costs ~40 ns each, a direct load about nothing, and there are a dozen here.
 */
#ifndef HM_TLS_SEND_H
#define HM_TLS_SEND_H

#include "hm_tls_conn.h"

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* The most plaintext one TLS record carries (RFC 8446 5.1, RFC 5246 6.2.1). */
#define HM_TLS_RECORD_MAX 16384
/* A record's header, nonce and tag, and a socket buffer's bookkeeping beside its bytes, generously. */
#define HM_TLS_SEND_SLACK 2048
#define HM_TCP_ESTABLISHED 1
#define HM_SEND_SHUTDOWN 2

/* Whether the connection's socket is still the one its addresses were read from (as same_words). */
static __always_inline bool same_connection(const struct sock_common *sk, const struct hm_ssl_conn *conn)
{
	if (sk->skc_addrpair != conn->words.addrpair || sk->skc_portpair != conn->words.portpair)
		return false;
	if (conn->tuple.family != HM_AF_INET6)
		return true;
	return sk->skc_v6_daddr.in6_u.u6_addr32[0] == (__u32)conn->words.v6_daddr[0] &&
	       sk->skc_v6_daddr.in6_u.u6_addr32[1] == (__u32)(conn->words.v6_daddr[0] >> 32) &&
	       sk->skc_v6_daddr.in6_u.u6_addr32[2] == (__u32)conn->words.v6_daddr[1] &&
	       sk->skc_v6_daddr.in6_u.u6_addr32[3] == (__u32)(conn->words.v6_daddr[1] >> 32);
}

/* Whether a write of `bytes` on the connection goes out whole and at once (see the top of this file). */
static __always_inline bool sends_at_once(const struct hm_ssl_conn *conn, __u64 bytes)
{
	struct tcp_sock *tp = bpf_rdonly_cast((void *)conn->sk, bpf_core_type_id_kernel(struct tcp_sock));
	struct sock *sk = &tp->inet_conn.icsk_inet.sk;
	__u64 need = bytes + HM_TLS_SEND_SLACK;
	__u32 lowat, unsent;

	if (bytes == 0 || bytes > HM_TLS_RECORD_MAX || !same_connection(&sk->__sk_common, conn))
		return false;
	if (sk->__sk_common.skc_state != HM_TCP_ESTABLISHED || sk->sk_err || (sk->sk_shutdown & HM_SEND_SHUTDOWN))
		return false;
	/* The queue is charged the buffers' true size, more than the bytes: twice them is the margin. */
	if ((__s64)sk->sk_wmem_queued + (__s64)(2 * need) > (__s64)sk->sk_sndbuf)
		return false;
	lowat = tp->notsent_lowat;
	if (!lowat)
		lowat = sk->__sk_common.skc_net.net->ipv4.sysctl_tcp_notsent_lowat;
	unsent = tp->write_seq - tp->snd_nxt;
	return (__u64)unsent + need < lowat;
}

#endif /* HM_TLS_SEND_H */
