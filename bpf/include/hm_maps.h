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

static __always_inline void hm_count(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&hm_stats, &stat);

	if (v)
		*v += 1; /* per-CPU slot: no atomics needed */
}

#endif /* HM_MAPS_H */
