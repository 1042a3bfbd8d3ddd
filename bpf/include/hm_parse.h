/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hm_parse.h: packet parsing for the TC programs. Pure: reads the packet, writes a struct hm_packet,
 * touches no map. Headers are read with bpf_skb_load_bytes so that non-linear (GRO/GSO) packets parse
 * the same as linear ones.
 */
#ifndef HM_PARSE_H
#define HM_PARSE_H

#include "hm_abi.h"

#define HM_ETH_P_IP 0x0800
#define HM_ETH_P_IPV6 0x86DD
#define HM_AF_INET 2
#define HM_AF_INET6 10
#define HM_IPPROTO_ICMP 1
#define HM_IPPROTO_TCP 6
#define HM_IPPROTO_UDP 17
#define HM_IPPROTO_ICMPV6 58
#define HM_IPPROTO_SCTP 132
#define HM_IPV6_MAX_EXT_HEADERS 6

enum hm_parse_result {
	HM_PARSE_OK = 0,
	HM_PARSE_TRUNCATED,
	HM_PARSE_FRAGMENT,
	HM_PARSE_NOT_IP,
};

/* One packet, as the connection tracker needs it; the tuple is oriented as on the wire. */
struct hm_packet {
	struct hm_flow_tuple tuple;
	__u64 l3_bytes;      /* IP-layer bytes, every GSO segment's headers included */
	__u64 payload_bytes; /* above the transport header */
	__u32 segments;      /* GSO segments, at least 1 */
	__u32 payload_off;   /* where the payload starts in the packet (valid when payload_bytes > 0) */
	__u8 tcp_flags;
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 icmp_echo;      /* 1: echo request, 2: echo reply, 0: other */
};

static __always_inline int hm_load(struct __sk_buff *skb, __u32 off, void *to, __u32 len)
{
	return bpf_skb_load_bytes(skb, off, to, len);
}

/* Headers are read in place where they lie in the packet's linear part; further in than this, copied. */
#define HM_DIRECT_MAX_OFF 192

/*
 * `len` bytes of the packet at `off`: a pointer into the packet when they are in its linear part (headers
 * nearly always are; a helper call and a copy per header was a tenth of the program), else copied into
 * `buf` (non-linear GRO/GSO packets). NULL when the packet is shorter.
 */
static __always_inline const __u8 *hm_header(struct __sk_buff *skb, __u32 off, __u32 len, __u8 *buf)
{
	const __u8 *data = (const __u8 *)(long)skb->data;
	const __u8 *end = (const __u8 *)(long)skb->data_end;

	if (off <= HM_DIRECT_MAX_OFF && data + off + len <= end)
		return data + off;
	if (bpf_skb_load_bytes(skb, off, buf, len))
		return NULL;
	return buf;
}

/* Walks IPv6 extension headers; returns the transport protocol and its offset, or an error. */
static __always_inline int hm_skip_ipv6_ext(struct __sk_buff *skb, __u8 *nexthdr, __u32 *off)
{
	__u8 hdr[8];

#pragma unroll
	for (int i = 0; i < HM_IPV6_MAX_EXT_HEADERS; i++) {
		switch (*nexthdr) {
		case 0:  /* hop-by-hop options */
		case 43: /* routing */
		case 60: /* destination options */
			if (hm_load(skb, *off, hdr, 2))
				return HM_PARSE_TRUNCATED;
			*nexthdr = hdr[0];
			*off += ((__u32)hdr[1] + 1) * 8;
			break;
		case 51: /* authentication header */
			if (hm_load(skb, *off, hdr, 2))
				return HM_PARSE_TRUNCATED;
			*nexthdr = hdr[0];
			*off += ((__u32)hdr[1] + 2) * 4;
			break;
		case 44: /* fragment */
			if (hm_load(skb, *off, hdr, 8))
				return HM_PARSE_TRUNCATED;
			/* fragment offset is the top 13 bits of bytes 2..3 */
			if ((((__u16)hdr[2] << 8 | hdr[3]) & 0xfff8) != 0)
				return HM_PARSE_FRAGMENT;
			*nexthdr = hdr[0];
			*off += 8;
			break;
		default:
			return HM_PARSE_OK;
		}
	}
	return HM_PARSE_OK;
}

/* Reads the transport header at l4_off; fills ports, flags and the transport header length. */
static __always_inline int hm_parse_l4(struct __sk_buff *skb, __u32 l4_off, struct hm_packet *p,
				       __u32 *l4_hdr_len)
{
	__u8 buf[20];
	const __u8 *h = buf;

	switch (p->tuple.proto) {
	case HM_IPPROTO_TCP:
		h = hm_header(skb, l4_off, 20, buf);
		if (!h)
			return HM_PARSE_TRUNCATED;
		*l4_hdr_len = (__u32)(h[12] >> 4) * 4;
		if (*l4_hdr_len < 20)
			return HM_PARSE_TRUNCATED;
		p->tuple.sport = (__u16)h[0] << 8 | h[1];
		p->tuple.dport = (__u16)h[2] << 8 | h[3];
		p->tcp_flags = h[13];
		return HM_PARSE_OK;
	case HM_IPPROTO_UDP:
	case HM_IPPROTO_SCTP:
		if (hm_load(skb, l4_off, buf, 8))
			return HM_PARSE_TRUNCATED;
		*l4_hdr_len = p->tuple.proto == HM_IPPROTO_UDP ? 8 : 12;
		p->tuple.sport = (__u16)h[0] << 8 | h[1];
		p->tuple.dport = (__u16)h[2] << 8 | h[3];
		return HM_PARSE_OK;
	case HM_IPPROTO_ICMP:
	case HM_IPPROTO_ICMPV6:
		if (hm_load(skb, l4_off, buf, 8))
			return HM_PARSE_TRUNCATED;
		*l4_hdr_len = 8;
		p->icmp_type = h[0];
		p->icmp_code = h[1];
		if (p->tuple.proto == HM_IPPROTO_ICMP)
			p->icmp_echo = h[0] == 8 ? 1 : h[0] == 0 ? 2 : 0;
		else
			p->icmp_echo = h[0] == 128 ? 1 : h[0] == 129 ? 2 : 0;
		if (p->icmp_echo) {
			/* echo request and reply share the identifier: it names the "connection" */
			p->tuple.sport = (__u16)h[4] << 8 | h[5];
			p->tuple.dport = p->tuple.sport;
		}
		return HM_PARSE_OK;
	default:
		*l4_hdr_len = 0;
		return HM_PARSE_OK;
	}
}

/*
 * Parses one packet whose IP header starts at l3_off. IP options and IPv6 extension headers are
 * skipped; the first fragment of a fragmented datagram is parsed, later fragments are reported as
 * HM_PARSE_FRAGMENT because they carry no transport header.
 */
static __always_inline int hm_parse_packet(struct __sk_buff *skb, __u32 l3_off, struct hm_packet *p)
{
	__u32 l4_off, ip_hdr_len, l4_hdr_len = 0;
	__u8 buf[40];
	const __u8 *h;
	int err;

	if (skb->len <= l3_off)
		return HM_PARSE_TRUNCATED;

	if (skb->protocol == bpf_htons(HM_ETH_P_IP)) {
		h = hm_header(skb, l3_off, 20, buf);
		if (!h)
			return HM_PARSE_TRUNCATED;
		if ((h[0] >> 4) != 4 || (h[0] & 0xf) < 5)
			return HM_PARSE_TRUNCATED;
		ip_hdr_len = (__u32)(h[0] & 0xf) * 4;
		/* fragment offset: low 13 bits of bytes 6..7 */
		if ((((__u16)h[6] << 8 | h[7]) & 0x1fff) != 0)
			return HM_PARSE_FRAGMENT;
		p->tuple.family = HM_AF_INET;
		p->tuple.proto = h[9];
		__builtin_memcpy(p->tuple.saddr, &h[12], 4);
		__builtin_memcpy(p->tuple.daddr, &h[16], 4);
		l4_off = l3_off + ip_hdr_len;
	} else if (skb->protocol == bpf_htons(HM_ETH_P_IPV6)) {
		__u8 nexthdr;

		h = hm_header(skb, l3_off, 40, buf);
		if (!h)
			return HM_PARSE_TRUNCATED;
		if ((h[0] >> 4) != 6)
			return HM_PARSE_TRUNCATED;
		p->tuple.family = HM_AF_INET6;
		__builtin_memcpy(p->tuple.saddr, &h[8], 16);
		__builtin_memcpy(p->tuple.daddr, &h[24], 16);
		nexthdr = h[6];
		l4_off = l3_off + 40;
		err = hm_skip_ipv6_ext(skb, &nexthdr, &l4_off);
		if (err)
			return err;
		p->tuple.proto = nexthdr;
		ip_hdr_len = l4_off - l3_off;
	} else {
		return HM_PARSE_NOT_IP;
	}

	err = hm_parse_l4(skb, l4_off, p, &l4_hdr_len);
	if (err)
		return err;

	{
		__u32 headers = ip_hdr_len + l4_hdr_len;
		__u32 l3_len = skb->len - l3_off;
		__u32 segs = skb->gso_segs > 1 ? skb->gso_segs : 1;

		p->segments = segs;
		p->payload_off = l3_off + headers;
		p->payload_bytes = l3_len > headers ? l3_len - headers : 0;
		/* A GSO packet carries one set of headers for all its segments; the wire carries one each. */
		p->l3_bytes = p->payload_bytes + (__u64)segs * headers;
	}
	return HM_PARSE_OK;
}

#define HM_WORD(a, b, c, d) ((__u32)(a) << 24 | (__u32)(b) << 16 | (__u32)(c) << 8 | (__u32)(d))

/*
 * What a TCP connection's first payload is: a request line, a status line or the HTTP/2 client preface
 * (plaintext HTTP), a TLS record header, or something else. Four bytes decide it: every HTTP/1.x method
 * in use, "HTTP" and "PRI " differ in them, and a TLS record starts with its type (20..23) and major
 * version 3.
 */
/* The same connection seen from its other end: addresses and ports swapped. */
static __always_inline void hm_reverse_tuple(struct hm_flow_tuple *dst, const struct hm_flow_tuple *src)
{
	__builtin_memcpy(dst->saddr, src->daddr, 16);
	__builtin_memcpy(dst->daddr, src->saddr, 16);
	dst->sport = src->dport;
	dst->dport = src->sport;
	dst->family = src->family;
	dst->proto = src->proto;
	dst->_pad = 0;
}

/* The first four bytes of an HTTP/1.x request line (its method), as one big-endian word. */
static __always_inline bool hm_is_request_start(__u32 w)
{
	switch (w) {
	case HM_WORD('G', 'E', 'T', ' '):
	case HM_WORD('P', 'O', 'S', 'T'):
	case HM_WORD('P', 'U', 'T', ' '):
	case HM_WORD('H', 'E', 'A', 'D'):
	case HM_WORD('D', 'E', 'L', 'E'):
	case HM_WORD('O', 'P', 'T', 'I'):
	case HM_WORD('P', 'A', 'T', 'C'):
	case HM_WORD('C', 'O', 'N', 'N'):
	case HM_WORD('T', 'R', 'A', 'C'):
		return true;
	default:
		return false;
	}
}

static __always_inline __u8 hm_judge_payload(struct __sk_buff *skb, const struct hm_packet *p)
{
	__u8 b[4];
	__u32 w;

	if (p->payload_bytes < 4 || hm_load(skb, p->payload_off, b, 4))
		return HM_CONN_F_PAYLOAD_SEEN;
	if (b[0] >= 20 && b[0] <= 23 && b[1] == 3 && b[2] <= 4)
		return HM_CONN_F_PAYLOAD_SEEN | HM_CONN_F_PAYLOAD_TLS;
	w = HM_WORD(b[0], b[1], b[2], b[3]);
	/* A request line, a status line, or the HTTP/2 connection preface. */
	if (hm_is_request_start(w) || w == HM_WORD('H', 'T', 'T', 'P') || w == HM_WORD('P', 'R', 'I', ' '))
		return HM_CONN_F_PAYLOAD_SEEN | HM_CONN_F_PAYLOAD_HTTP;
	return HM_CONN_F_PAYLOAD_SEEN;
}

#endif /* HM_PARSE_H */
