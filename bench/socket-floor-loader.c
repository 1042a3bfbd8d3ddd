// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * socket-floor-loader.c: loads bench/socket-floor.bpf.c, attaches one set of its hooks and holds them until
 * SIGTERM or SIGINT, for bench/plaintext-overhead.sh's floor-* variants. Prints "observing" once attached and,
 * at the end, "detached; events=N" with N the programs' runs, as the agent does (the script reads both).
 *
 *   socket-floor-loader OBJECT MODE[:server] PORT CGROUP2_DIR [NETNS:INTERFACE ...]
 *   MODE: none (nothing attached: a control), tp (socket tracepoints), msg (sockmap, sk_msg on sends),
 *         msgskb (sockmap, sk_msg on sends and sk_skb verdict on receives), tc (TC ingress and egress of
 *         each NETNS:INTERFACE, a name under /run/netns), tctp (tc and tp together), tcrec (TC sending one
 *         record per request, drained from the ring every 10 ms as the agent's event thread does when no
 *         wakeup comes); ":server" keeps the socket programs to the server's sockets
 *   The summary adds records=N and lost=N in tcrec mode.
 */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "socket-floor.h"

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static int fail(const char *what)
{
	fprintf(stderr, "socket-floor-loader: %s: %s\n", what, strerror(errno));
	return 1;
}

static int program_fd(struct bpf_object *obj, const char *name)
{
	return bpf_program__fd(bpf_object__find_program_by_name(obj, name));
}

/* The TC hooks made, to be destroyed (with their qdisc) in their own namespaces at the end. */
#define FLOOR_MAX_TC 8
struct floor_tc {
	int netns;
	struct bpf_tc_hook hook;
};

/*
 * Attaches the TC program at ingress and egress of "netns:interface", from inside that namespace (an
 * interface index means something only there); returns 0 or -1.
 */
static int attach_tc(struct bpf_object *obj, const char *where, int home, struct floor_tc *tc)
{
	char name[256], path[300], *colon;
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = program_fd(obj, "floor_tc"));
	int ifindex, rc = -1;

	snprintf(name, sizeof(name), "%s", where);
	colon = strchr(name, ':');
	if (!colon)
		return -1;
	*colon = 0;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	tc->netns = open(path, O_RDONLY);
	if (tc->netns < 0 || setns(tc->netns, CLONE_NEWNET))
		return -1;
	ifindex = if_nametoindex(colon + 1);
	memset(&tc->hook, 0, sizeof(tc->hook));
	tc->hook.sz = sizeof(tc->hook);
	tc->hook.ifindex = ifindex;
	tc->hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	if (ifindex && bpf_tc_hook_create(&tc->hook) == 0) {
		tc->hook.attach_point = BPF_TC_INGRESS;
		rc = bpf_tc_attach(&tc->hook, &opts);
		opts.prog_id = 0;
		opts.flags = 0;
		tc->hook.attach_point = BPF_TC_EGRESS;
		rc = rc ? rc : bpf_tc_attach(&tc->hook, &opts);
		tc->hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	}
	setns(home, CLONE_NEWNET);
	return rc ? -1 : 0;
}

/* What the records mode's consumer saw: the records, and sums of what they say (the least a reader does). */
struct floor_seen {
	unsigned long long records, statuses, nanos;
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct floor_seen *seen = ctx;
	const struct floor_record *r = data;

	if (size < sizeof(*r))
		return 0;
	seen->records++;
	seen->statuses += r->status;
	seen->nanos += r->response_ns - r->request_ns;
	return 0;
}

/* The sum of a per-CPU counter (floor_runs, floor_lost). */
static unsigned long long per_cpu_sum(struct bpf_object *obj, const char *map)
{
	int ncpu = libbpf_num_possible_cpus(), zero = 0;
	unsigned long long total = 0, *per;

	per = calloc(ncpu > 0 ? ncpu : 1, sizeof(*per));
	if (per && ncpu > 0 && !bpf_map_lookup_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, map)),
						       &zero, per))
		for (int i = 0; i < ncpu; i++)
			total += per[i];
	free(per);
	return total;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[3] = {0};
	struct floor_tc tcs[FLOOR_MAX_TC];
	struct floor_knobs knobs = {0};
	struct floor_seen seen = {0};
	struct ring_buffer *ring = NULL;
	int ntc = 0, home = -1;
	struct bpf_object *obj;
	struct bpf_map *rodata;
	char mode[32], *scope;
	int n = 0, socks, cgroup;
	size_t size;

	if (argc < 5 || argc > 5 + FLOOR_MAX_TC) {
		fprintf(stderr, "usage: socket-floor-loader OBJECT none|tp|msg|msgskb|tc|tctp|tcrec[:server] PORT "
				"CGROUP2_DIR [NETNS:INTERFACE ...]\n");
		return 2;
	}
	snprintf(mode, sizeof(mode), "%s", argv[2]);
	scope = strchr(mode, ':');
	if (scope) {
		*scope++ = 0;
		if (strcmp(scope, "server")) {
			fprintf(stderr, "socket-floor-loader: unknown scope %s (server, or none)\n", scope);
			return 2;
		}
		knobs.server_only = 1;
	}
	knobs.records = !strcmp(mode, "tcrec");
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj)
		return fail("open");
	/* The knobs are the only constants: .rodata holds them alone (libbpf 1.1's initial value is read-only). */
	rodata = bpf_object__find_map_by_name(obj, ".rodata");
	if (!rodata || !bpf_map__initial_value(rodata, &size) || size != sizeof(knobs))
		return fail("the knobs");
	knobs.port = (unsigned short)atoi(argv[3]);
	if (bpf_map__set_initial_value(rodata, &knobs, sizeof(knobs)))
		return fail("the knobs");
	if (bpf_object__load(obj))
		return fail("load");
	socks = bpf_map__fd(bpf_object__find_map_by_name(obj, "floor_socks"));
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (!strcmp(mode, "tc") || !strcmp(mode, "tctp") || knobs.records) {
		home = open("/proc/self/ns/net", O_RDONLY);
		if (home < 0)
			return fail("this namespace");
		for (int i = 5; i < argc; i++) {
			if (attach_tc(obj, argv[i], home, &tcs[ntc]))
				return fail(argv[i]);
			ntc++;
		}
	}
	if (!strcmp(mode, "tp") || !strcmp(mode, "tctp")) {
		links[n++] = bpf_program__attach(bpf_object__find_program_by_name(obj, "floor_tp_recv"));
		links[n++] = bpf_program__attach(bpf_object__find_program_by_name(obj, "floor_tp_send"));
	} else if (!strcmp(mode, "msg") || !strcmp(mode, "msgskb")) {
		/* Programs on the map first: a socket's psock takes them when it enters the map. */
		if (bpf_prog_attach(program_fd(obj, "floor_msg"), socks, BPF_SK_MSG_VERDICT, 0))
			return fail("attach sk_msg");
		if (!strcmp(mode, "msgskb") && bpf_prog_attach(program_fd(obj, "floor_skb"), socks, BPF_SK_SKB_VERDICT, 0))
			return fail("attach sk_skb verdict");
		cgroup = open(argv[4], O_RDONLY | O_DIRECTORY);
		if (cgroup < 0)
			return fail(argv[4]);
		links[n++] = bpf_program__attach_cgroup(bpf_object__find_program_by_name(obj, "floor_sockops"), cgroup);
	} else if (strcmp(mode, "none") && strcmp(mode, "tc") && !knobs.records) {
		fprintf(stderr, "socket-floor-loader: unknown mode %s\n", mode);
		return 2;
	}
	for (int i = 0; i < n; i++)
		if (!links[i])
			return fail("attach");
	if (knobs.records) {
		ring = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "floor_records")), on_record,
					&seen, NULL);
		if (!ring)
			return fail("the records' ring");
	}
	fprintf(stderr, "socket floor (%s) observing\n", argv[2]);
	while (!stopping) {
		if (!ring) {
			pause();
			continue;
		}
		ring_buffer__consume(ring);
		usleep(10000);
	}
	for (int i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	for (int i = 0; i < ntc; i++) {
		if (setns(tcs[i].netns, CLONE_NEWNET) == 0)
			bpf_tc_hook_destroy(&tcs[i].hook); /* the clsact qdisc, and the filters with it */
		setns(home, CLONE_NEWNET);
	}
	/* The sockmap's programs go with the map, when this process exits. */
	if (ring) {
		ring_buffer__consume(ring);
		fprintf(stderr, "socket floor (%s): mean status %.1f, mean request to response %.1f us\n", argv[2],
			seen.records ? (double)seen.statuses / seen.records : 0.0,
			seen.records ? seen.nanos / 1e3 / seen.records : 0.0);
		fprintf(stderr, "socket floor (%s) detached; events=%llu, records=%llu, lost=%llu\n", argv[2],
			per_cpu_sum(obj, "floor_runs"), seen.records, per_cpu_sum(obj, "floor_lost"));
		ring_buffer__free(ring);
	} else {
		fprintf(stderr, "socket floor (%s) detached; events=%llu\n", argv[2], per_cpu_sum(obj, "floor_runs"));
	}
	bpf_object__close(obj);
	return 0;
}
