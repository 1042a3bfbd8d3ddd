/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hm_maps.h: the maps every object shares. User space creates them once and hands them to each object
 * it loads (bpf_map__reuse_fd), so the definitions here must stay identical in every object.
 */
#ifndef HM_MAPS_H
#define HM_MAPS_H

#include "hm_abi.h"

/* Events to user space; its size is set by user space before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} hm_events SEC(".maps");

/* Per-CPU counters indexed by enum hm_stat: drops and parse failures, never silent. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HM_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} hm_stats SEC(".maps");

/*
 * Bytes each CPU has sent to the ring buffer since it last woke the reader: one slot per CPU, so that the
 * wakeup decision touches no cache line another CPU writes. (Asking the ring how much is waiting,
 * bpf_ringbuf_query, reads the positions every producer and the reader write: a cache miss on every event
 * of a busy node, measured at about a tenth of the TLS return program.)
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hm_unwoken SEC(".maps");

/*
 * Each CPU wakes the reader once it has sent this many bytes since it last did; below it the reader finds
 * the events at its next poll (it polls at least every 100 ms). User space sets it to its per-CPU share of
 * the whole threshold, so that all CPUs together leave at most about that much waiting. A wakeup per event
 * costs an interrupt per event, which on a busy node (and in a VM, where it is a self-IPI and an exit)
 * costs more than the event itself. A CPU that crossed its share wakes the reader once and starts again
 * from zero: until the reader runs (on a busy node, milliseconds) there is no wakeup per event, and the
 * reader drains everything once awake. Its epoll is level-triggered, so a reader that found the ring empty
 * and went to sleep is woken by the next crossing on any CPU.
 */
const volatile __u64 hm_wakeup_bytes = 128 * 1024;

/* The flags to submit or output a record of `size` bytes: a wakeup as this CPU crosses its share. */
static __always_inline __u64 hm_wakeup_flags(__u64 size)
{
	__u32 zero = 0;
	__u64 *unwoken = bpf_map_lookup_elem(&hm_unwoken, &zero);

	if (!unwoken || !hm_wakeup_bytes)
		return BPF_RB_NO_WAKEUP;
	*unwoken += size; /* per-CPU slot: no atomics needed */
	if (*unwoken < hm_wakeup_bytes)
		return BPF_RB_NO_WAKEUP;
	*unwoken = 0;
	return BPF_RB_FORCE_WAKEUP;
}

static __always_inline void hm_count(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&hm_stats, &stat);

	if (v)
		*v += 1; /* per-CPU slot: no atomics needed */
}

#endif /* HM_MAPS_H */
