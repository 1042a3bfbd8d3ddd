// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Feature probe: loads only where fentry programs can (BPF trampolines, Linux 5.5+). Never attached. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("fentry/do_nanosleep")
int hm_probe_fentry(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
