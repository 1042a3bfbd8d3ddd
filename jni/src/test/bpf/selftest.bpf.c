// SPDX-License-Identifier: GPL-2.0
/* Programs for the jni module's kernel tests: one of each attach type, maps of each kind they touch. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

/* Knobs set from Java through setRodata before load. */
const volatile __u32 target_tgid = 0;
const volatile __u64 tag = 0;

#define MAX_DATA 256

struct event_hdr {
  __u32 tgid;
  __u32 fd;
  __u64 count;
  __u64 tag;
};

struct scratch {
  struct event_hdr h;
  __u8 data[MAX_DATA];
};

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct scratch);
} scratch_buf SEC(".maps");

/* u32 values on purpose: per-CPU slots are rounded up to 8 bytes, the tests check that stride. */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u32);
} write_calls SEC(".maps");

/* Only touched from user space. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 64);
  __type(key, __u32);
  __type(value, __u64);
} test_hash SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} tc_packets SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, __u32);
  __type(value, __u64);
} uprobe_hits SEC(".maps");

/* The layout of the syscalls/sys_enter_* tracepoints (see their format file). */
struct sys_enter_args {
  __u64 common;
  long id;
  unsigned long args[6];
};

SEC("tracepoint/syscalls/sys_enter_write")
int on_write(struct sys_enter_args *ctx) {
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  if (tgid != target_tgid) return 0;
  __u32 zero = 0;
  __u32 *calls = bpf_map_lookup_elem(&write_calls, &zero);
  if (calls) *calls += 1;
  struct scratch *s = bpf_map_lookup_elem(&scratch_buf, &zero);
  if (!s) return 0;
  __u64 n = ctx->args[2];
  if (n > MAX_DATA) n = MAX_DATA;
  s->h.tgid = tgid;
  s->h.fd = (__u32)ctx->args[0];
  s->h.count = ctx->args[2];
  s->h.tag = tag;
  if (bpf_probe_read_user(s->data, n, (const void *)ctx->args[1]) != 0) n = 0;
  bpf_ringbuf_output(&events, s, sizeof(s->h) + n, 0);
  return 0;
}

SEC("tc")
int count_packets(struct __sk_buff *skb) {
  (void)skb;
  __u32 zero = 0;
  __u64 *c = bpf_map_lookup_elem(&tc_packets, &zero);
  if (c) __sync_fetch_and_add(c, 1);
  return TC_ACT_OK;
}

struct pt_regs;

SEC("uprobe")
int count_calls(struct pt_regs *ctx) {
  (void)ctx;
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  __u64 one = 1;
  __u64 *v = bpf_map_lookup_elem(&uprobe_hits, &tgid);
  if (v)
    __sync_fetch_and_add(v, 1);
  else
    bpf_map_update_elem(&uprobe_hits, &tgid, &one, BPF_NOEXIST);
  return 0;
}
