/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * socket-floor.h: what bench/socket-floor.bpf.c and its loader share: the knobs the loader sets before the
 * programs load, and the record the TC program sends per request in records mode. Types only; both sides
 * bring their own definitions of __u8, __u16 and __u64 (vmlinux.h, linux/types.h).
 */
#ifndef SOCKET_FLOOR_H
#define SOCKET_FLOOR_H

/* Bytes of a request line kept and sent per request in records mode. */
#define FLOOR_LINE 64

struct floor_knobs {
	__u16 port;       /* the benchmark's server port */
	__u8 server_only; /* socket programs: the server's sockets alone */
	__u8 records;     /* TC: one record per request to floor_records, not 16 bytes per segment */
};

struct floor_record {
	__u64 connection; /* the client's port */
	__u64 request_ns;
	__u64 response_ns;
	__u16 status;
	__u16 line_len;
	__u8 line[FLOOR_LINE];
	__u8 _pad[4];
};

#endif /* SOCKET_FLOOR_H */
