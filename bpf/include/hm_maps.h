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
 * Wake the reader only as this much more is waiting; below it the reader finds the events at its next
 * poll (it polls at least every 100 ms). A wakeup per event costs an interrupt per event, which on a
 * busy node (and in a VM, where it is a self-IPI and an exit) costs more than the event itself.
 */
const volatile __u64 hm_wakeup_bytes = 256 * 1024;

/*
 * Submit flags for a record of `size` bytes when `waiting` bytes were in the ring before it: a wakeup as
 * the waiting data crosses a multiple of hm_wakeup_bytes, none otherwise. Not one for every record past
 * the threshold: until the reader runs (on a busy node, milliseconds), that would be an interrupt per
 * event, and the reader drains everything once awake. Its epoll is level-triggered, so a reader that
 * found the ring empty and went to sleep is woken by the next crossing. Two CPUs racing past one multiple
 * may both miss it; the next multiple (or the reader's 100 ms poll) covers that.
 */
static __always_inline __u64 hm_wakeup_flags(__u64 waiting, __u64 size)
{
	__u64 step = hm_wakeup_bytes;

	return step && waiting / step != (waiting + size) / step ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* The flags for bpf_ringbuf_output of `size` bytes: what is waiting does not include the record yet. */
static __always_inline __u64 hm_output_flags(__u64 size)
{
	return hm_wakeup_flags(bpf_ringbuf_query(&hm_events, BPF_RB_AVAIL_DATA), size);
}

/* The flags for submitting a reserved record of `size` bytes: what is waiting includes it already. */
static __always_inline __u64 hm_submit_flags(__u64 size)
{
	__u64 waiting = bpf_ringbuf_query(&hm_events, BPF_RB_AVAIL_DATA);

	return hm_wakeup_flags(waiting > size ? waiting - size : 0, size);
}

static __always_inline void hm_count(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&hm_stats, &stat);

	if (v)
		*v += 1; /* per-CPU slot: no atomics needed */
}

#endif /* HM_MAPS_H */
