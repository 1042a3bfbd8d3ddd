/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hm_abi.h: every struct and constant shared between the BPF programs and Java, and nothing else.
 *
 * Java decodes these byte for byte (io.hybridmesh.agent.abi); AbiLayoutTest compares its offsets with
 * the ones a C compiler computes from this file, so a change here that Java does not follow fails the
 * build. Rules: fixed-width types only, explicit padding (the build compiles this with -Wpadded), every
 * struct a multiple of 8 bytes, never packed. Add fields at the end of a struct and bump HM_ABI_VERSION.
 */
#ifndef HM_ABI_H
#define HM_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define HM_ABI_VERSION 5

/* First field of every ring-buffer record. */
enum hm_event_kind {
	HM_EVENT_CONN = 1,
	HM_EVENT_TLS_DATA = 2,
	HM_EVENT_PROCESS = 3,
	/* Plaintext a watched process read from or wrote to a TCP socket: a struct hm_tls_event (see there). */
	HM_EVENT_SOCK_DATA = 4,
	/* A plaintext HTTP/1.x request's head start and its response's status line, read by the TC programs. */
	HM_EVENT_TC_HTTP = 5,
};

/* Connection states as the kernel reports them; timeouts are decided in user space. */
enum hm_conn_state {
	HM_CONN_NEW = 1,
	HM_CONN_ACTIVE = 2,
	HM_CONN_CLOSED = 3,
	HM_CONN_RESET = 4,
};

/* hm_conn_value.conn_flags and hm_conn_event.conn_flags */
enum hm_conn_flag {
	/* The initiator was seen opening the connection (SYN, ICMP echo request), not guessed. */
	HM_CONN_F_INITIATOR_KNOWN = 0x1,
	/* The close or reset could not be sent (ring buffer full): user space must report it. */
	HM_CONN_F_END_PENDING = 0x2,
	/* The watched endpoint is the initiator (it sent the first packet out, or received the reply). */
	HM_CONN_F_LOCAL_INITIATOR = 0x4,
	/* In the table, the key's destination end is the initiator (keys order their ends canonically). */
	HM_CONN_F_INITIATOR_IS_KEY_DST = 0x8,
	/*
	 * A TCP connection's first payload, in the first packet with any: looked at once (SEEN), and said to
	 * be plaintext HTTP (a request line, a status line, the HTTP/2 preface) or a TLS record. A connection
	 * joined mid-stream is judged by the first payload the programs see, wherever in the stream it is.
	 */
	HM_CONN_F_PAYLOAD_SEEN = 0x10,
	HM_CONN_F_PAYLOAD_HTTP = 0x20,
	HM_CONN_F_PAYLOAD_TLS = 0x40,
};

/* Indexes of the per-CPU counter array hm_stats. */
enum hm_stat {
	/* A record could not be reserved in the ring buffer: an event was lost. */
	HM_STAT_RINGBUF_FULL = 0,
	/* A header ended before the packet did (truncated or malformed). */
	HM_STAT_TRUNCATED = 1,
	/* A non-first IP fragment: no transport header, not attributed to a connection. */
	HM_STAT_FRAGMENT = 2,
	/* Not IPv4 or IPv6 (ARP and the like). */
	HM_STAT_NOT_IP = 3,
	/* The connection table refused a new entry (no entry could be evicted for it). */
	HM_STAT_CONN_TABLE_FULL = 4,
	/* A TCP segment without SYN or payload for a connection not in the table. */
	HM_STAT_UNTRACKED = 5,
	/* Packets seen, all hooks. */
	HM_STAT_PACKETS = 6,
	/* A TLS call whose socket could not be found (no read/write syscall seen, not a socket). */
	HM_STAT_TLS_NO_SOCKET = 7,
	/* A TLS call that returned an error or nothing (SSL_read at end of stream, would-block). */
	HM_STAT_TLS_CALL_FAILED = 8,
	/* TLS calls of watched processes that were reported. */
	HM_STAT_TLS_CALLS = 9,
	/* A TLS call lost because another thread's call held its slot (thread ids equal in their low bits). */
	HM_STAT_TLS_SLOT_TAKEN = 10,
	/*
	 * Entries the programs added to and removed from the connection table. With the entries user space
	 * removed and the ones still there, they tell how many the LRU table evicted: nothing else counts an
	 * eviction, and kprobes (which could see one) are not available everywhere.
	 */
	HM_STAT_CONN_INSERTED = 11,
	HM_STAT_CONN_DELETED = 12,
	/*
	 * A TCP segment with payload but no SYN for a connection not in the table: its entry was evicted, or
	 * it began before the agent; tracking starts again mid-stream, with the initiator guessed.
	 */
	HM_STAT_CONN_MIDSTREAM = 13,
	/* Socket reads and writes of watched processes that were reported (HM_EVENT_SOCK_DATA). */
	HM_STAT_SOCK_CALLS = 14,
	/* TCP connections whose first bytes were a TLS record: left to the TLS probes for their life. */
	HM_STAT_SOCK_TLS = 15,
	/* A socket call lost because another thread's call held its slot (thread ids equal in their low bits). */
	HM_STAT_SOCK_SLOT_TAKEN = 16,
	/* A socket's first call moved too few bytes, or bytes that could not be read, to classify it: skipped. */
	HM_STAT_SOCK_UNCLASSIFIED = 17,
	/* A socket's classification was refused by its table (hm_sock_states): its call was skipped. */
	HM_STAT_SOCK_TABLE_FULL = 18,
	/*
	 * TCP connections of watched endpoints whose first payload was plaintext HTTP, or a TLS record. User
	 * space attaches the plaintext socket hooks when the first count moves (see WatchedNamespaces).
	 */
	HM_STAT_CONN_HTTP = 19,
	HM_STAT_CONN_TLS = 20,
	/*
	 * A receive or send on a TCP socket of a watched process that the socket tracepoints' variant of the
	 * plaintext hooks cannot read: it came through a call whose buffer it does not know (io_uring, splice,
	 * recvmmsg, sendmmsg), or a 32-bit process's.
	 */
	HM_STAT_SOCK_OTHER_CALL = 21,
	/* Exchanges the TC programs read (--plaintext tc): one HM_EVENT_TC_HTTP each. */
	HM_STAT_TC_HTTP_EXCHANGES = 22,
	/*
	 * A request that began while the one before it still waited for its response (pipelined, or a client
	 * that gave up on an answer): the TC programs read one request at a time, so it was not read.
	 */
	HM_STAT_TC_HTTP_PIPELINED = 23,
	/* A connection's first request could not get an entry in hm_tc_http: not read. */
	HM_STAT_TC_HTTP_TABLE_FULL = 24,
	/*
	 * TLS writes reported at their entry, without a return probe (uprobe sessions, Linux 6.13): the
	 * connection was known and its socket had room for the whole write (tls_uprobe.bpf.c, write_at_entry).
	 */
	HM_STAT_TLS_WRITES_AT_ENTRY = 25,
	HM_STAT_MAX = 28,
};

/* Addresses and ports as on the wire, oriented from the connection's initiator to its responder. */
struct hm_flow_tuple {
	__u8 saddr[16]; /* IPv4 in the first 4 bytes, the rest zero */
	__u8 daddr[16];
	__u16 sport;    /* host byte order; for ICMP echo the identifier, else 0 */
	__u16 dport;
	__u8 family;    /* AF_INET (2) or AF_INET6 (10) */
	__u8 proto;     /* IPPROTO_* */
	__u16 _pad;
};

/* Key of the connection table hm_conns; its tuple's ends are in canonical order (see conn_flags). */
struct hm_conn_key {
	__u32 endpoint_id; /* which watched endpoint saw it: each keeps its own view */
	__u32 _pad;
	struct hm_flow_tuple tuple;
};

struct hm_counters {
	__u64 bytes;         /* at the IP layer, headers included */
	__u64 packets;       /* segments on the wire, GSO counted per segment */
	__u64 payload_bytes; /* above the transport header */
};

/* Value of the connection table. */
struct hm_conn_value {
	__u64 first_ns;       /* CLOCK_MONOTONIC */
	__u64 last_ns;
	__u64 last_report_ns;
	struct hm_counters to_responder;
	struct hm_counters to_initiator;
	/*
	 * The four bytes below as one aligned word too: several CPUs update one entry (each direction's
	 * packets, RSS, GSO), and BPF atomics work on 32 or 64 bits only, so the programs change these bytes
	 * by atomic operations on flag_word.
	 */
	union {
		struct {
			__u8 flags_to_responder; /* TCP flags seen, OR'ed */
			__u8 flags_to_initiator;
			__u8 state;              /* enum hm_conn_state */
			__u8 conn_flags;         /* enum hm_conn_flag */
		};
		__u32 flag_word;
	};
	__u32 ifindex;
};

/* Ring-buffer record: a connection opened, was updated, closed or was reset. */
struct hm_conn_event {
	__u16 kind;         /* HM_EVENT_CONN */
	__u8 state;         /* enum hm_conn_state */
	__u8 conn_flags;    /* enum hm_conn_flag */
	__u32 endpoint_id;
	__u64 ts_ns;        /* CLOCK_MONOTONIC time of the packet that caused the event */
	__u64 first_ns;     /* when the connection was first seen */
	struct hm_flow_tuple tuple;
	struct hm_counters to_responder; /* cumulative */
	struct hm_counters to_initiator;
	__u32 ifindex;
	__u8 pkt_tcp_flags; /* flags of the packet that caused the event */
	__u8 pkt_egress;    /* 1: that packet left the endpoint; 0: it arrived */
	__u8 flags_to_responder;
	__u8 flags_to_initiator;
	__u8 icmp_type;     /* of that packet, for ICMP */
	__u8 icmp_code;
	__u8 pkt_to_responder; /* 1: that packet went initiator to responder */
	__u8 _pad0;
	__u32 _pad1;
};

/* Which TLS library function produced a hm_tls_event. */
enum hm_tls_op {
	HM_TLS_WRITE = 1, /* plaintext handed to the library to send */
	HM_TLS_READ = 2,  /* plaintext the library returned after receiving */
};

enum hm_tls_flag {
	/* tuple holds the connection's addresses (local to remote) */
	HM_TLS_F_TUPLE = 0x1,
	/*
	 * The byte count came from the _ex convention's size_t out-parameter: SSL_write_ex / SSL_read_ex, or
	 * the internal function that both the plain and the _ex form call (probed instead of either).
	 */
	HM_TLS_F_EX = 0x2,
	/*
	 * Read at Go's crypto/tls.(*Conn).Write or Read (their entry and their ret instructions), not at a TLS
	 * library: ssl holds the *tls.Conn.
	 */
	HM_TLS_F_GO = 0x4,
	/*
	 * Reported at the write's entry: the connection was known and its socket had room for all of it, so
	 * the call could only hand it on (end_ns is start_ns; length is the bytes asked to be written).
	 */
	HM_TLS_F_AT_ENTRY = 0x8,
};

/*
 * The BPF cookie of a TLS probe attached with one program for every site (uprobe_multi links): what the
 * calls at that site do and how their arguments read.
 */
enum hm_tls_cookie {
	HM_TLS_COOKIE_WRITE = 0x1, /* a write; otherwise a read */
	HM_TLS_COOKIE_EX = 0x2,    /* the _ex convention (size_t out-parameter, 1 on success) */
	HM_TLS_COOKIE_SET_FD = 0x4, /* SSL_set_fd(ssl, fd): an entry only, remembering the socket's connection */
};

/* Bytes of plaintext captured per call at most; length says how many the call really moved. */
#define HM_TLS_MAX_CAPTURE 4096

/*
 * Ring-buffer record: one read or write of plaintext by a watched process, followed by `captured` bytes. Two
 * sources share it, told apart by kind: HM_EVENT_TLS_DATA, a call into the TLS library (uprobes; `ssl` is
 * the SSL pointer), and HM_EVENT_SOCK_DATA, a read/write syscall on a TCP socket (tracepoints; `ssl` is the
 * struct sock's address, and `captured` may be 0 with `length` > 0 for bytes sent by sendfile). Either way
 * `ssl` names the connection inside the process, and the parsers downstream are the same.
 */
struct hm_tls_event {
	__u16 kind;        /* HM_EVENT_TLS_DATA */
	__u8 op;           /* enum hm_tls_op */
	__u8 flags;        /* enum hm_tls_flag */
	__u32 endpoint_id; /* the watched network namespace the process is in */
	__u64 start_ns;    /* CLOCK_MONOTONIC at the call's entry */
	__u64 end_ns;      /* and at its return */
	__u64 ssl;         /* the SSL pointer, or the struct sock: names the connection inside the process */
	__u64 cgroup_id;
	__u64 length;      /* bytes the call really wrote or read */
	__u32 pid;         /* thread group id */
	__u32 tid;
	__u32 captured;    /* bytes of data that follow this header */
	__u32 _pad0;
	struct hm_flow_tuple tuple; /* local to remote, when HM_TLS_F_TUPLE */
	char comm[16];
	__u8 data[HM_TLS_MAX_CAPTURE];
};

/*
 * Value of hm_go_procs (keyed by thread group id), written by user space when it probes a Go process: how to
 * go from a *tls.Conn to its socket's file descriptor, three loads (io.hybridmesh.agent.probe.go.
 * GoStructOffsets): the data word of the net.Conn interface tls.Conn.conn, then net.TCPConn's *netFD, then
 * netFD.pfd.Sysfd. From the binary's DWARF, or the project's table for its Go release.
 */
struct hm_go_offsets {
	__u32 conn_data;   /* *tls.Conn + conn_data: the conn's data pointer (a *net.TCPConn) */
	__u32 tcpconn_fd;  /* *net.TCPConn + tcpconn_fd: its *netFD */
	__u32 netfd_sysfd; /* *netFD + netfd_sysfd: the descriptor, a Go int (64 bits) */
	__u32 attach_id;   /* which attachment wrote it: only that one removes it (pids are reused) */
	__u32 flags;       /* enum hm_go_flag */
	/*
	 * With HM_GO_F_READ_AT_UNLOCK: where Read's frame keeps n (its first result) and the pointer to its
	 * deferred unlock closure, as offsets from Read's stack pointer while that closure runs.
	 */
	__u16 read_result_slot;
	__u16 read_closure_slot;
};

enum hm_go_flag {
	/*
	 * A Write is reported when its goroutine's first send on the connection's socket succeeds
	 * (sock:sock_send_length), with the length it was called with: user space then puts no probe on Write's
	 * ret instructions, each a single step. Set where the socket tracepoints are attached (Linux 6.3+).
	 */
	HM_GO_F_WRITE_AT_SEND = 0x1,
	/*
	 * A Read is reported when it runs its deferred c.in.Unlock() closure (hm_go_read_unlock), whose prologue
	 * jump the kernel emulates, reading n from Read's frame: user space then probes only those of Read's rets
	 * that no such call precedes, each a single step but rarely reached (an empty buffer, a failed handshake).
	 */
	HM_GO_F_READ_AT_UNLOCK = 0x2,
};

/* Bytes of a request's head kept from the segment that starts it, and of a response's status line. */
#define HM_TC_HTTP_HEAD 128
#define HM_TC_HTTP_STATUS_LINE 16

/*
 * Ring-buffer record: one plaintext HTTP/1.x exchange read by the TC programs on a watched interface
 * (--plaintext tc): the first HM_TC_HTTP_HEAD bytes of the segment that started the request (the request
 * line and, when they fit, the first headers), and the start of the segment that started its response. Sent
 * when the response begins. Nothing of the bodies, nothing past the first segments; one request at a time per
 * connection (see HM_STAT_TC_HTTP_PIPELINED).
 */
struct hm_tc_http_event {
	__u16 kind;         /* HM_EVENT_TC_HTTP */
	__u8 conn_flags;    /* the connection's (enum hm_conn_flag): LOCAL_INITIATOR says which end is local */
	__u8 status_len;    /* bytes of status_line that hold the response's start */
	__u32 endpoint_id;
	__u64 request_ns;   /* CLOCK_MONOTONIC: the request's first segment passed the hook */
	__u64 response_ns;  /* and the response's */
	struct hm_flow_tuple tuple; /* initiator (the client) to responder */
	__u32 ifindex;
	__u16 head_len;     /* bytes of head that hold the request's start */
	__u16 _pad0;
	__u8 status_line[HM_TC_HTTP_STATUS_LINE];
	__u8 head[HM_TC_HTTP_HEAD];
};

/* What happened to a process in a watched network namespace (hm_process_event.op). */
enum hm_process_op {
	HM_PROCESS_EXEC = 1, /* it replaced its program: its libraries are about to be loaded */
	HM_PROCESS_FORK = 2, /* a new process (not a thread), a copy of parent_pid */
	HM_PROCESS_EXIT = 3, /* its thread group leader exited */
};

/*
 * Ring-buffer record: a process of a watched network namespace began, was replaced or ended, so that user
 * space attaches its TLS probes (which are scoped to processes) before the process makes its first TLS
 * call, and detaches them when it is gone. Sent with a wakeup: it is latency-critical.
 */
struct hm_process_event {
	__u16 kind;        /* HM_EVENT_PROCESS */
	__u8 op;           /* enum hm_process_op */
	__u8 _pad0;
	__u32 endpoint_id; /* the watched network namespace it is in */
	__u64 ts_ns;       /* CLOCK_MONOTONIC */
	__u32 pid;         /* thread group id */
	__u32 parent_pid;  /* FORK: the process it was copied from; otherwise 0 */
};

/* How a TCP socket's first bytes classified it (hm_sock_state.verdict). */
enum hm_sock_verdict {
	HM_SOCK_PLAIN = 1,   /* plaintext: its calls are reported */
	HM_SOCK_TLS = 2,     /* a TLS record: left to the TLS probes for the socket's life */
};

/* hm_sock_state.flags */
enum hm_sock_flag {
	/* The first bytes were received: the local end answers (the responder, a server), as in HTTP and TLS. */
	HM_SOCK_F_FIRST_READ = 0x1,
};

/*
 * Value of hm_sock_states, keyed by the struct sock's address (__u64): how a watched TCP socket was
 * classified, by whom, and its addresses. The words it was classified with tell a struct sock freed and
 * allocated again for another connection, which starts anew. Shared so that user space can read which ports
 * carried plaintext and which TLS.
 */
struct hm_sock_state {
	__u64 addrpair;       /* skc_addrpair, skc_v6_daddr and skc_portpair when classified */
	__u64 v6_daddr[2];
	__u32 portpair;
	__u32 endpoint_id;    /* the watched network namespace of the process that classified it */
	__u8 verdict;         /* enum hm_sock_verdict */
	__u8 flags;           /* enum hm_sock_flag */
	__u16 _pad0;
	__u32 _pad1;
	struct hm_flow_tuple tuple; /* local to remote */
};

/* TCP flag bits as in hm_conn_event.pkt_tcp_flags (the TCP header's 13th byte). */
#define HM_TCP_FIN 0x01
#define HM_TCP_SYN 0x02
#define HM_TCP_RST 0x04
#define HM_TCP_PSH 0x08
#define HM_TCP_ACK 0x10
#define HM_TCP_URG 0x20
#define HM_TCP_ECE 0x40
#define HM_TCP_CWR 0x80

#endif /* HM_ABI_H */
