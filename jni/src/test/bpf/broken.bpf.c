// SPDX-License-Identifier: GPL-2.0
/* Rejected by the verifier on purpose: the tests check that the reason reaches the exception. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} values SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_write")
int no_null_check(void *ctx) {
  (void)ctx;
  __u32 zero = 0;
  __u64 *v = bpf_map_lookup_elem(&values, &zero);
  return (int)*v; /* may be NULL (a hash lookup always may): the verifier says so */
}
