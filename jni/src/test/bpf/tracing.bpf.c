// SPDX-License-Identifier: GPL-2.0
/* An fentry program, apart from selftest.bpf.c because its target is an x86-64 kernel symbol. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, __u32);
  __type(value, __u64);
} getcwd_calls SEC(".maps");

SEC("fentry/__x64_sys_getcwd")
int count_getcwd(unsigned long long *ctx) {
  (void)ctx;
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  __u64 one = 1;
  __u64 *v = bpf_map_lookup_elem(&getcwd_calls, &tgid);
  if (v)
    __sync_fetch_and_add(v, 1);
  else
    bpf_map_update_elem(&getcwd_calls, &tgid, &one, BPF_NOEXIST);
  return 0;
}
