// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Feature probe: user space loads this with the BPF_TRACE_UPROBE_MULTI attach type, which only kernels that
 * have uprobe_multi links (Linux 6.6+) accept. Never attached.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("uprobe")
int hm_probe_uprobe_multi(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
