// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Feature probe: loads only where the verifier accepts bounded loops (Linux 5.3+). Never attached. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("socket")
int hm_probe_bounded_loop(struct __sk_buff *skb)
{
	__u32 sum = 0;

	for (__u32 i = 0; i < skb->len && i < 64; i++)
		sum += i;
	return sum & 1;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
