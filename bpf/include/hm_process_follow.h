/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hm_process_follow.h: the sched raw tracepoints that tell user space, with a wakeup, when a process of a
 * watched network namespace is forked, replaced by exec or gone, so that its TLS probes (attached per process)
 * follow processes as they come and go. Part of tls_uprobe.bpf.c's object (they share its ring buffer and its
 * watched namespaces); a header of their own because following processes is not reading TLS calls.
 * BPF-side only.
 */
#ifndef HM_PROCESS_FOLLOW_H
#define HM_PROCESS_FOLLOW_H

#include "hm_abi.h"
#include "hm_maps.h"
#include "hm_task.h"

/* A process of a watched namespace began, exec'd or ended: user space attaches or detaches its probes. */
static __always_inline void process_event(__u8 op, __u32 pid, __u32 parent_pid)
{
	__u32 endpoint = watched_endpoint();
	struct hm_process_event *e;

	if (!endpoint)
		return;
	e = bpf_ringbuf_reserve(&hm_events, sizeof(*e), 0);
	if (!e) {
		hm_count(HM_STAT_RINGBUF_FULL);
		return;
	}
	e->kind = HM_EVENT_PROCESS;
	e->op = op;
	e->_pad0 = 0;
	e->endpoint_id = endpoint;
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = pid;
	e->parent_pid = parent_pid;
	/* Latency matters here (a new process may make its first TLS call within milliseconds): wake now. */
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
}

/* raw_tp: the arguments are the tracepoint's own (task pointers), read with CO-RE. */
SEC("raw_tp/sched_process_fork")
int hm_process_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *parent = (struct task_struct *)ctx->args[0];
	struct task_struct *child = (struct task_struct *)ctx->args[1];
	__u32 pid = BPF_CORE_READ(child, pid);

	/* New threads share their process's memory and probes: only new processes matter. */
	if (pid != (__u32)BPF_CORE_READ(child, tgid))
		return 0;
	process_event(HM_PROCESS_FORK, pid, BPF_CORE_READ(parent, tgid));
	return 0;
}

SEC("raw_tp/sched_process_exec")
int hm_process_exec(struct bpf_raw_tracepoint_args *ctx)
{
	process_event(HM_PROCESS_EXEC, bpf_get_current_pid_tgid() >> 32, 0);
	return 0;
}

SEC("raw_tp/sched_process_exit")
int hm_process_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();

	if ((__u32)id == (__u32)(id >> 32))
		process_event(HM_PROCESS_EXIT, id >> 32, 0);
	return 0;
}

#endif /* HM_PROCESS_FOLLOW_H */
