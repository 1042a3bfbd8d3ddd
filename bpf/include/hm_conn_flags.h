/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hm_conn_flags.h: how tc_flow.bpf.c changes a connection entry's flag bytes (struct hm_conn_value) when
 * several CPUs update one entry at once: TCP flags OR'ed in, the state moved to an end by one CPU only.
 * BPF-side only.
 */
#ifndef HM_CONN_FLAGS_H
#define HM_CONN_FLAGS_H

#include "hm_abi.h"

/*
 * Several CPUs update one connection's entry at once (its two directions' packets, RSS queues, a sender
 * that moves between CPUs). The entry's flag bytes therefore change only by atomic operations on the
 * word that holds them, and an end is claimed by one compare-and-swap: two packets can neither lose each
 * other's TCP flags, nor both report the close, nor both miss it (each seeing only its own FIN).
 *
 * BPF atomics other than add came with Linux 5.12 (and clang's -mcpu=v3). A verifier before that refuses
 * the instructions even in code that cannot run, so no load-time knob can choose: the build compiles
 * tc_flow.bpf.c a second time with HM_NO_ATOMICS into tc_flow_noatomics.bpf.o, with plain read-modify-writes,
 * and user space loads that object only when the kernel refuses this one.
 */
#ifndef HM_NO_ATOMICS
#define hm_fetch_or(p, v) __sync_fetch_and_or((p), (v))
#define hm_cmpxchg(p, o, n) __sync_val_compare_and_swap((p), (o), (n))
#else
#define hm_fetch_or(p, v) ({ typeof(*(p)) __old = *(p); *(p) = __old | (v); __old; })
#define hm_cmpxchg(p, o, n) ({ typeof(*(p)) __cur = *(p); if (__cur == (o)) *(p) = (n); __cur; })
#endif

/* Where a byte of hm_conn_value's flag bytes sits in flag_word, as a shift (the byte order decides). */
#define HM_OFF(f) \
	(__builtin_offsetof(struct hm_conn_value, f) - __builtin_offsetof(struct hm_conn_value, flag_word))
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HM_SHIFT(f) (8 * HM_OFF(f))
#else
#define HM_SHIFT(f) (8 * (3 - HM_OFF(f)))
#endif

static __always_inline __u8 word_byte(__u32 word, __u32 shift)
{
	return (word >> shift) & 0xff;
}

/* The word with one of its bytes replaced. */
static __always_inline __u32 with_byte(__u32 word, __u32 shift, __u8 value)
{
	return (word & ~(0xffu << shift)) | ((__u32)value << shift);
}

static __always_inline __u32 read_word(struct hm_conn_value *v)
{
	return *(volatile __u32 *)&v->flag_word;
}

static __always_inline bool is_end(__u8 state)
{
	return state == HM_CONN_CLOSED || state == HM_CONN_RESET;
}

/*
 * Moves the entry's state to an end; true for the one packet that did it, which reports the end. A try
 * fails only when another CPU changed the word meanwhile; after a few, this packet leaves the end to the
 * next one (every later packet of the connection sees the same FINs and tries again).
 */
static __always_inline bool claim_end(struct hm_conn_value *v, __u8 end_state)
{
	__u32 shift = HM_SHIFT(state);

#pragma unroll
	for (int i = 0; i < 4; i++) {
		__u32 old = read_word(v);

		if (is_end(word_byte(old, shift)))
			return false;
		if (hm_cmpxchg(&v->flag_word, old, with_byte(old, shift, end_state)) == old)
			return true;
	}
	return false;
}

/* NEW becomes ACTIVE once; never over an end another CPU has just claimed. */
static __always_inline void mark_active(struct hm_conn_value *v)
{
	__u32 shift = HM_SHIFT(state);
	__u32 old = read_word(v);

	if (word_byte(old, shift) == HM_CONN_NEW)
		hm_cmpxchg(&v->flag_word, old, with_byte(old, shift, HM_CONN_ACTIVE));
}

#endif /* HM_CONN_FLAGS_H */
