// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Feature probe: user space loads this with the BPF_TRACE_UPROBE_SESSION attach type, which only kernels that
 * have uprobe sessions (Linux 6.13+) accept, and only they let a program call bpf_session_is_return. Never
 * attached.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern bool bpf_session_is_return(void) __ksym __weak;

SEC("uprobe")
int hm_probe_uprobe_session(void *ctx)
{
	/* The verifier wants 0 or 1 as a constant at exit, not the kfunc's bool turned into one. */
	bpf_session_is_return();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
