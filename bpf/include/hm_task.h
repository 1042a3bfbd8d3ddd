/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hm_task.h: the maps the task-side programs share (tls_uprobe.bpf.c and sock_plain.bpf.c): which network
 * namespaces are watched, and which threads are inside a TLS call. User space creates them with the first
 * object it loads and hands them to the other (bpf_map__reuse_fd), so their definitions must stay identical.
 * BPF-side only: user space writes hm_watched_netns with u32 keys and values.
 */
#ifndef HM_TASK_H
#define HM_TASK_H

#include "hm_abi.h"

/* Watched network namespaces: inode number -> endpoint id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
} hm_watched_netns SEC(".maps");

/* The endpoint of the current task's network namespace, or 0 when it is not watched. */
static __always_inline __u32 watched_endpoint(void)
{
	/* A direct load through the task's BTF pointer: no probe read per hop. */
	__u32 inum = bpf_get_current_task_btf()->nsproxy->net_ns->ns.inum;
	__u32 *id = bpf_map_lookup_elem(&hm_watched_netns, &inum);

	return id ? *id : 0;
}

/* A TLS call in flight on one thread (tls_uprobe.bpf.c keeps them, one slot per thread). */
struct hm_tls_call {
	__u64 ssl;
	__u64 buf;
	__u64 ex_length; /* user address of the _ex forms' size_t out-parameter, or 0 */
	__u64 start_ns;
	__u64 sk;        /* the struct sock the call first sent to or received from, or 0 */
	__u32 endpoint_id;
	__u32 tid;       /* the thread whose call this is; 0 when the slot is free */
};

/*
 * Calls in flight: a thread runs one TLS call at a time, in the slot its thread id picks. An array, not a
 * hash keyed by thread: a lookup is inlined by the JIT and a slot is written by its own thread only, so
 * recording a call costs plain stores instead of a locked insert and delete. This matters twice: every TLS
 * call does it, and the socket tracepoints look a slot up on every send and receive on the node. Two threads
 * whose ids share the low bits, in TLS calls at the same moment, would share a slot: the later call wins,
 * the earlier is counted as lost (HM_STAT_TLS_SLOT_TAKEN). The plaintext programs read the slots too: a
 * thread inside a TLS call moves ciphertext, which is not theirs to read.
 */
#define HM_CALL_SLOTS (1 << 16)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HM_CALL_SLOTS);
	__type(key, __u32);
	__type(value, struct hm_tls_call);
} hm_tls_calls SEC(".maps");

/* The slot a thread's call goes in, for every per-thread array of calls (this one, hm_sock_calls). */
static __always_inline __u32 hm_call_slot_of(__u32 tid)
{
	return tid & (HM_CALL_SLOTS - 1);
}

static __always_inline struct hm_tls_call *call_slot(__u32 tid)
{
	__u32 slot = hm_call_slot_of(tid);

	return bpf_map_lookup_elem(&hm_tls_calls, &slot);
}

/* Whether this thread is inside a TLS call now. */
static __always_inline bool in_tls_call(__u32 tid)
{
	struct hm_tls_call *call = call_slot(tid);

	return call && call->tid == tid;
}

#endif /* HM_TASK_H */
