// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * socket-floor-loader.c: loads bench/socket-floor.bpf.c, attaches one set of its hooks and holds them until
 * SIGTERM or SIGINT, for bench/plaintext-overhead.sh's floor-* variants. Prints "observing" once attached and,
 * at the end, "detached; events=N" with N the programs' runs, as the agent does (the script reads both).
 *
 *   socket-floor-loader OBJECT MODE PORT CGROUP2_DIR
 *   MODE: none (nothing attached: a control), tp (socket tracepoints), msg (sockmap, sk_msg on sends),
 *         msgskb (sockmap, sk_msg on sends and sk_skb verdict on receives)
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The sum of the per-CPU run counters. */
static unsigned long long runs(struct bpf_object *obj)
{
	int ncpu = libbpf_num_possible_cpus(), zero = 0;
	unsigned long long total = 0, *per;

	per = calloc(ncpu > 0 ? ncpu : 1, sizeof(*per));
	if (per && ncpu > 0 && !bpf_map_lookup_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, "floor_runs")),
						       &zero, per))
		for (int i = 0; i < ncpu; i++)
			total += per[i];
	free(per);
	return total;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[2] = {0};
	struct bpf_object *obj;
	struct bpf_map *rodata;
	const char *mode;
	int n = 0, socks, cgroup;
	size_t size;
	unsigned short port;

	if (argc != 5) {
		fprintf(stderr, "usage: socket-floor-loader OBJECT none|tp|msg|msgskb PORT CGROUP2_DIR\n");
		return 2;
	}
	mode = argv[2];
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj)
		return fail("open");
	/* floor_port is the only constant: .rodata holds it alone (libbpf 1.1's initial value is read-only). */
	rodata = bpf_object__find_map_by_name(obj, ".rodata");
	if (!rodata || !bpf_map__initial_value(rodata, &size) || size != sizeof(port))
		return fail("the port knob");
	port = (unsigned short)atoi(argv[3]);
	if (bpf_map__set_initial_value(rodata, &port, sizeof(port)))
		return fail("the port knob");
	if (bpf_object__load(obj))
		return fail("load");
	socks = bpf_map__fd(bpf_object__find_map_by_name(obj, "floor_socks"));
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (!strcmp(mode, "tp")) {
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
	} else if (strcmp(mode, "none")) {
		fprintf(stderr, "socket-floor-loader: unknown mode %s\n", mode);
		return 2;
	}
	for (int i = 0; i < n; i++)
		if (!links[i])
			return fail("attach");
	fprintf(stderr, "socket floor (%s) observing\n", mode);
	while (!stopping)
		pause();
	for (int i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	/* The sockmap's programs go with the map, when this process exits. */
	fprintf(stderr, "socket floor (%s) detached; events=%llu\n", mode, runs(obj));
	bpf_object__close(obj);
	return 0;
}
