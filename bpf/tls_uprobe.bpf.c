// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tls_uprobe.bpf.c: the plaintext of TLS connections, read at the TLS library's API (OpenSSL's
 * SSL_write, SSL_read and their _ex forms) before encryption and after decryption.
 *
 * A uprobe on a shared library fires for every process on the host that maps it, so the entry probes
 * first ask whether the calling task's network namespace is watched (hm_watched_netns, kept by user
 * space) and ignore everything else.
 *
 * The connection behind an SSL pointer is found without kprobes: the entry probe marks the thread, and
 * while the call runs, the read/write syscall tracepoints record the file descriptor the library uses.
 * At return the descriptor is followed to its socket (task->files->fdt->fd[fd]->private_data) for the
 * 5-tuple, which is cached per SSL pointer for calls the library serves from its buffer without a syscall.
 *
 * User space scopes every uprobe to the processes of watched workloads (one link per process), so other
 * processes that map the same library never trap. The sched tracepoints below tell it, with a wakeup, when
 * such a process is forked, replaced by exec or gone, so that probes follow processes as they come and go.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "hm_abi.h"
#include "hm_maps.h"

#define HM_S_IFMT 00170000
#define HM_S_IFSOCK 0140000
#define HM_AF_INET 2
#define HM_AF_INET6 10
#define HM_NO_FD -1

/* A TLS call in flight on one thread. */
struct hm_tls_call {
	__u64 ssl;
	__u64 buf;
	__u64 ex_length; /* user address of the _ex forms' size_t out-parameter, or 0 */
	__u64 start_ns;
	__s32 fd;        /* from the syscall tracepoints while the call runs */
	__u32 endpoint_id;
	__u32 tid;       /* the thread whose call this is; 0 when the slot is free */
	__u32 _pad;
};

struct hm_ssl_key {
	__u64 ssl;
	__u32 tgid;
	__u32 _pad;
};

/* Watched network namespaces: inode number -> endpoint id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
} hm_watched_netns SEC(".maps");

/*
 * Calls in flight: a thread runs one TLS call at a time, in the slot its thread id picks. An array, not a
 * hash keyed by thread: a lookup is inlined by the JIT and a slot is written by its own thread only, so
 * recording a call costs plain stores instead of a locked insert and delete. This matters twice: every TLS
 * call does it, and the syscall tracepoints look a slot up on every read and write on the node. Two threads
 * whose ids share the low bits, in TLS calls at the same moment, would share a slot: the later call wins,
 * the earlier is counted as lost (HM_STAT_TLS_SLOT_TAKEN).
 */
#define HM_CALL_SLOTS (1 << 16)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HM_CALL_SLOTS);
	__type(key, __u32);
	__type(value, struct hm_tls_call);
} hm_tls_calls SEC(".maps");

static __always_inline struct hm_tls_call *call_slot(__u32 tid)
{
	__u32 slot = tid & (HM_CALL_SLOTS - 1);

	return bpf_map_lookup_elem(&hm_tls_calls, &slot);
}

/*
 * The connection of an SSL pointer: its socket, that socket's addresses, and the raw words they were read
 * from, so that a later call can tell it is still the same connection by reading three words.
 */
struct hm_ssl_conn {
	__u64 sk;          /* the struct sock the addresses were read from */
	__u64 addrpair;    /* skc_addrpair: IPv4 remote and local address */
	__u32 portpair;    /* skc_portpair: remote and local port */
	__u32 _pad;
	__u64 v6_daddr[2]; /* skc_v6_daddr */
	struct hm_flow_tuple tuple;
};

/*
 * The connection of each SSL pointer, for calls that make no syscall, and so that a call on the connection
 * of the last one costs three reads instead of a dozen and a map update. Keyed by SSL pointer and process,
 * and checked: the same socket pointer with the same address and port words, so that an SSL object and a
 * socket both reused (freed and allocated again) for a new connection get that connection's addresses.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct hm_ssl_key);
	__type(value, struct hm_ssl_conn);
} hm_ssl_conns SEC(".maps");

/* Room to build one event: too large for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hm_tls_event);
} hm_tls_scratch SEC(".maps");

static __always_inline __u32 watched_endpoint(void)
{
	/* A direct load through the task's BTF pointer: no probe read per hop. */
	__u32 inum = bpf_get_current_task_btf()->nsproxy->net_ns->ns.inum;
	__u32 *id = bpf_map_lookup_elem(&hm_watched_netns, &inum);

	return id ? *id : 0;
}

static __always_inline int enter(void *ssl, const void *buf, void *ex_length)
{
	__u32 endpoint = watched_endpoint();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct hm_tls_call *call;

	if (!endpoint || !(call = call_slot(tid)))
		return 0;
	if (call->tid && call->tid != tid)
		hm_count(HM_STAT_TLS_SLOT_TAKEN);
	call->ssl = (__u64)ssl;
	call->buf = (__u64)buf;
	call->ex_length = (__u64)ex_length;
	call->start_ns = bpf_ktime_get_ns();
	call->fd = HM_NO_FD;
	call->endpoint_id = endpoint;
	call->tid = tid;
	return 0;
}

/* Records the descriptor a marked thread reads or writes while its TLS call runs. */
static __always_inline void note_fd(long fd)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct hm_tls_call *call = call_slot(tid);

	if (call && call->tid == tid && call->fd == HM_NO_FD)
		call->fd = (__s32)fd;
}

/* The socket behind a descriptor of the current task, or NULL. */
static __always_inline struct socket *fd_socket(__s32 fd)
{
	/* Direct loads through the task's BTF pointer (cheaper than a probe read each), as far as BTF goes. */
	struct fdtable *fdt = bpf_get_current_task_btf()->files->fdt;
	struct file **fds;
	struct file *file = NULL;

	if (fd < 0 || (__u32)fd >= fdt->max_fds)
		return NULL;
	fds = fdt->fd;
	if (bpf_core_read(&file, sizeof(file), &fds[fd]) || !file)
		return NULL;
	if ((BPF_CORE_READ(file, f_inode, i_mode) & HM_S_IFMT) != HM_S_IFSOCK)
		return NULL;
	return BPF_CORE_READ(file, private_data);
}

/* A socket's addresses, local to remote. */
static __always_inline bool socket_tuple(struct socket *sock, struct sock_common *sk, struct hm_flow_tuple *t)
{
	__u16 family = BPF_CORE_READ(sk, skc_family);

	__builtin_memset(t, 0, sizeof(*t));
	/* Explicit sizes: the destination arrays are larger than an IPv4 address. */
	if (family == HM_AF_INET) {
		bpf_core_read(t->saddr, 4, &sk->skc_rcv_saddr);
		bpf_core_read(t->daddr, 4, &sk->skc_daddr);
	} else if (family == HM_AF_INET6) {
		bpf_core_read(t->saddr, 16, &sk->skc_v6_rcv_saddr);
		bpf_core_read(t->daddr, 16, &sk->skc_v6_daddr);
	} else {
		return false;
	}
	t->family = family;
	t->proto = BPF_CORE_READ(sock, type) == 1 /* SOCK_STREAM */ ? 6 : 17;
	t->sport = BPF_CORE_READ(sk, skc_num);
	t->dport = bpf_ntohs(BPF_CORE_READ(sk, skc_dport));
	return true;
}

/*
 * The connection of this call: through the descriptor its syscalls used when there was one (the cache
 * entry is reused while the socket is the same), else the SSL pointer's last known connection.
 */
static __always_inline bool call_tuple(const struct hm_tls_call *call, __u32 tgid, struct hm_flow_tuple *t)
{
	struct hm_ssl_key key = {.ssl = call->ssl, .tgid = tgid};
	struct hm_ssl_conn *cached = bpf_map_lookup_elem(&hm_ssl_conns, &key);
	struct hm_ssl_conn fresh = {};
	struct socket *sock;
	struct sock_common *sk;

	if (call->fd == HM_NO_FD || !(sock = fd_socket(call->fd)) ||
	    !(sk = (struct sock_common *)BPF_CORE_READ(sock, sk))) {
		if (!cached)
			return false;
		*t = cached->tuple; /* served from the library's buffer: no syscall, same connection */
		return true;
	}
	bpf_core_read(&fresh.addrpair, sizeof(fresh.addrpair), &sk->skc_addrpair);
	bpf_core_read(&fresh.portpair, sizeof(fresh.portpair), &sk->skc_portpair);
	bpf_core_read(fresh.v6_daddr, sizeof(fresh.v6_daddr), &sk->skc_v6_daddr);
	if (cached && cached->sk == (__u64)sk && cached->addrpair == fresh.addrpair &&
	    cached->portpair == fresh.portpair && cached->v6_daddr[0] == fresh.v6_daddr[0] &&
	    cached->v6_daddr[1] == fresh.v6_daddr[1]) {
		*t = cached->tuple;
		return true;
	}
	if (!socket_tuple(sock, sk, &fresh.tuple))
		return false;
	fresh.sk = (__u64)sk;
	bpf_map_update_elem(&hm_ssl_conns, &key, &fresh, BPF_ANY);
	*t = fresh.tuple;
	return true;
}

static __always_inline int leave(struct pt_regs *ctx, __u8 op, bool ex)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct hm_tls_call *call = call_slot((__u32)id);
	struct hm_tls_event *e;
	__u32 zero = 0, captured;
	/* All four return int: only eax is set, so -1 must not be read as 4294967295 from rax. */
	int ret = (int)PT_REGS_RC(ctx);
	__u64 length = 0;

	if (!call || call->tid != (__u32)id)
		return 0; /* the call was entered before the probes, or its slot was taken */
	if (ex) {
		/*
		 * int SSL_write_ex(SSL *, const void *, size_t, size_t *written): 1 on success. The internal
		 * functions behind both forms (ssl_write_internal, ssl_read_internal) share this shape.
		 */
		if (ret > 0 && call->ex_length)
			bpf_probe_read_user(&length, sizeof(length), (void *)call->ex_length);
	} else if (ret > 0) {
		length = ret;
	}
	if (length == 0) {
		hm_count(HM_STAT_TLS_CALL_FAILED);
		goto done;
	}
	e = bpf_map_lookup_elem(&hm_tls_scratch, &zero);
	if (!e)
		goto done;

	e->kind = HM_EVENT_TLS_DATA;
	e->op = op;
	e->flags = ex ? HM_TLS_F_EX : 0;
	e->endpoint_id = call->endpoint_id;
	e->start_ns = call->start_ns;
	e->end_ns = bpf_ktime_get_ns();
	e->ssl = call->ssl;
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->length = length;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->_pad0 = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));

	if (call_tuple(call, id >> 32, &e->tuple)) {
		e->flags |= HM_TLS_F_TUPLE;
	} else {
		__builtin_memset(&e->tuple, 0, sizeof(e->tuple));
		hm_count(HM_STAT_TLS_NO_SOCKET);
	}

	captured = length < HM_TLS_MAX_CAPTURE ? length : HM_TLS_MAX_CAPTURE;
	/* Keep the clamp visible to the verifier: clang would otherwise fold it into the line above. */
	asm volatile("" : "+r"(captured));
	if (captured > HM_TLS_MAX_CAPTURE)
		captured = HM_TLS_MAX_CAPTURE;
	if (bpf_probe_read_user(e->data, captured, (void *)call->buf))
		captured = 0;
	e->captured = captured;
	/* Only the header and the captured bytes travel, not the whole 4 KiB. */
	if (bpf_ringbuf_output(&hm_events, e, offsetof(struct hm_tls_event, data) + captured,
			       hm_ringbuf_flags()))
		hm_count(HM_STAT_RINGBUF_FULL);
	else
		hm_count(HM_STAT_TLS_CALLS);
done:
	call->tid = 0;
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(hm_ssl_write, void *ssl, const void *buf, int num)
{
	return enter(ssl, buf, NULL);
}

SEC("uretprobe")
int BPF_KRETPROBE(hm_ssl_write_ret)
{
	return leave(ctx, HM_TLS_WRITE, false);
}

SEC("uprobe")
int BPF_KPROBE(hm_ssl_write_ex, void *ssl, const void *buf, size_t num, size_t *written)
{
	return enter(ssl, buf, written);
}

SEC("uretprobe")
int BPF_KRETPROBE(hm_ssl_write_ex_ret)
{
	return leave(ctx, HM_TLS_WRITE, true);
}

SEC("uprobe")
int BPF_KPROBE(hm_ssl_read, void *ssl, void *buf, int num)
{
	return enter(ssl, buf, NULL);
}

SEC("uretprobe")
int BPF_KRETPROBE(hm_ssl_read_ret)
{
	return leave(ctx, HM_TLS_READ, false);
}

SEC("uprobe")
int BPF_KPROBE(hm_ssl_read_ex, void *ssl, void *buf, size_t num, size_t *readbytes)
{
	return enter(ssl, buf, readbytes);
}

SEC("uretprobe")
int BPF_KRETPROBE(hm_ssl_read_ex_ret)
{
	return leave(ctx, HM_TLS_READ, true);
}

/*
 * One entry and one return program for every site, told apart by the link's cookie (enum hm_tls_cookie):
 * user space attaches them with uprobe_multi links (Linux 6.6), one pair of links per file and process for
 * all its sites. The programs above serve kernels without those links, one perf-event link per site.
 */
SEC("uprobe")
int BPF_KPROBE(hm_tls_enter, void *ssl, const void *buf, size_t num, size_t *out)
{
	return enter(ssl, buf, (bpf_get_attach_cookie(ctx) & HM_TLS_COOKIE_EX) ? out : NULL);
}

SEC("uretprobe")
int BPF_KRETPROBE(hm_tls_leave)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);

	return leave(ctx, (cookie & HM_TLS_COOKIE_WRITE) ? HM_TLS_WRITE : HM_TLS_READ, cookie & HM_TLS_COOKIE_EX);
}

SEC("tracepoint/syscalls/sys_enter_write")
int hm_enter_write(struct trace_event_raw_sys_enter *ctx)
{
	note_fd(ctx->args[0]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_sendto")
int hm_enter_sendto(struct trace_event_raw_sys_enter *ctx)
{
	note_fd(ctx->args[0]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_read")
int hm_enter_read(struct trace_event_raw_sys_enter *ctx)
{
	note_fd(ctx->args[0]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_recvfrom")
int hm_enter_recvfrom(struct trace_event_raw_sys_enter *ctx)
{
	note_fd(ctx->args[0]);
	return 0;
}

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

char LICENSE[] SEC("license") = "Dual BSD/GPL";
