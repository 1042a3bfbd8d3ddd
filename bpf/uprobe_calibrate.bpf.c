// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * uprobe_calibrate.bpf.c: programs that do nothing, attached by the agent for a few milliseconds to
 * functions of its own JNI library (in its own process only) to measure what a uprobe hit costs on this
 * node: the kernel's trap and dispatch, not the program. The agent's real probes cost this plus their
 * own work.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("uprobe")
int hm_cal_entry(struct pt_regs *ctx)
{
	return 0;
}

SEC("uretprobe")
int hm_cal_return(struct pt_regs *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
