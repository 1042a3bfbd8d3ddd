package io.hybridmesh.cli;

import io.hybridmesh.agent.datapath.EventThreadPriority;
import io.hybridmesh.agent.datapath.PlaintextMode;
import io.hybridmesh.agent.datapath.TcAttach;
import io.hybridmesh.agent.datapath.TcSettings;
import io.hybridmesh.agent.datapath.TlsHooks;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code hmesh agent}'s flags for the kernel side: the TC programs' tables and timers, how the TLS probes and
 * the plaintext socket hooks are attached. A picocli mixin, so the command keeps to what it runs.
 */
final class DataPathFlags {

  @Option(names = "--ring-buffer-size", paramLabel = "BYTES",
      description = "Kernel event ring buffer, a power of two (default: ${DEFAULT-VALUE}).")
  int ringBufferBytes = 16 << 20;

  @Option(names = "--connection-table-size", paramLabel = "N",
      description = "Connections tracked at once per node (default: ${DEFAULT-VALUE}).")
  int connectionTableSize = 65536;

  @Option(names = "--report-interval", converter = DurationConverter.class,
      description = "Least time between two updates of a long connection (default: 5s).")
  Duration reportInterval = Duration.ofSeconds(5);

  @Option(names = "--tcp-idle-timeout", converter = DurationConverter.class,
      description = "A TCP connection silent this long is reported timed out (default: 10m).")
  Duration tcpIdleTimeout = Duration.ofMinutes(10);

  @Option(names = "--idle-timeout", converter = DurationConverter.class,
      description = "The same for UDP, ICMP and others (default: 30s).")
  Duration idleTimeout = Duration.ofSeconds(30);

  @Option(names = "--rescan-interval", converter = DurationConverter.class,
      description = "How often namespaces are looked at for new interfaces and TLS libraries (default: 2s).")
  Duration rescanInterval = Duration.ofSeconds(2);

  @Option(names = "--tls", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Read HTTP inside TLS with uprobes on OpenSSL (default: on; --no-tls for L3/L4 only).")
  boolean readTls = true;

  @Option(names = "--uprobe-links", paramLabel = "MODE",
      description = "How TLS probes are attached to each watched process: session (one uprobe session link "
          + "per process and library, Linux 6.13+: writes that a socket takes at once are reported at their "
          + "entry, with no return probe), multi (two uprobe_multi links per process and library, Linux 6.6+), "
          + "per-site (a perf-event link per probe, older kernels), or auto (the first of these the kernel "
          + "has; the default).")
  String uprobeLinks = "auto";

  @Option(names = "--socket-hooks", paramLabel = "MODE",
      description = "Which tracepoints name the socket of each TLS call and read plaintext at the sockets: "
          + "socket (sock_send_length and sock_recv_length, Linux 6.3+: socket I/O only), syscalls (the "
          + "read/write syscalls, older kernels: every syscall on the node takes the traced path), or auto "
          + "(socket where the kernel has them; the default).")
  String socketHooks = "auto";

  @Option(names = "--tls-sockets-idle", converter = DurationConverter.class,
      description = "Detach the tracepoints that name each TLS call's socket after this long without a TLS call on "
          + "watched workloads, and attach them again at the next (default: 5m; 0s keeps them). They run at every "
          + "socket send and receive on the node. While they are away, a TLS flow has its connection's addresses "
          + "where the probes saw SSL_set_fd tie the socket to the SSL object (nginx, Python, wrk) or saw the "
          + "connection before; a client with its own I/O (curl) may have none for its first call or two.")
  Duration tlsSocketsIdle = TlsHooks.SOCKETS_IDLE;

  @Option(names = "--tc-attach", paramLabel = "MODE",
      description = "How the TC programs are attached: tcx (BPF links, Linux 6.6+: they go with the agent if it "
          + "dies), legacy (netlink filters: they stay until the next start or --cleanup), or auto (tcx where "
          + "the kernel has it; the default).")
  String tcAttach = "auto";

  @Option(names = "--plaintext", paramLabel = "MODE",
      description = "Read plaintext HTTP (HTTP/1.x, HTTP/2 h2c) at the TCP sockets of watched workloads with "
          + "the socket tracepoints (Linux 6.3; syscall tracepoints before): auto (where the kernel allows it; "
          + "the default), on (attached from the start and kept, and fail if it cannot), off, or tc. While the "
          + "hooks are attached they run at every socket receive and send on the node (before 6.3 every syscall "
          + "takes the kernel's traced path), so auto attaches them when a workload starts being watched and "
          + "when the TC programs see a watched connection open with plaintext HTTP, and detaches them after "
          + "--plaintext-idle without plaintext HTTP. tc reads HTTP/1.x in the TC programs instead, from the "
          + "packets alone, for a fraction of the cost: the request line and the headers that fit in its first "
          + "128 bytes, the status and the latency; one request at a time per connection, no HTTP/2.")
  String plaintext = "auto";

  @Option(names = "--plaintext-idle", converter = DurationConverter.class,
      description = "With --plaintext auto, detach the socket hooks after this long without plaintext HTTP on "
          + "watched workloads (default: 30s). After a quiet spell, a new plaintext connection's requests "
          + "are read from about a second after it opens.")
  Duration plaintextIdle = Duration.ofSeconds(30);

  @Option(names = "--event-thread", paramLabel = "MODE",
      description = "How the thread that decodes kernel events shares the CPU with the processes it observes: "
          + "yield (SCHED_IDLE while its ring buffer has room, so their requests never wait behind a batch of "
          + "events; raised to normal priority when its backlog grows or busy CPUs give it no turn, so flows "
          + "are delayed, not lost, and kept there 1 s to 32 s when it keeps falling behind; needs "
          + "CAP_SYS_NICE; the default) or normal.")
  String eventThread = "yield";

  /** @throws IllegalArgumentException for a value out of range or a mode that does not exist */
  TcSettings tcSettings() {
    return new TcSettings(ringBufferBytes, connectionTableSize, reportInterval, tcpIdleTimeout, idleTimeout,
        TcAttach.parse(tcAttach), plaintextIdle, EventThreadPriority.parse(eventThread));
  }

  TlsHooks tlsHooks() {
    return TlsHooks.parse(uprobeLinks, socketHooks).withSocketsIdle(tlsSocketsIdle);
  }

  PlaintextMode plaintextMode() {
    return PlaintextMode.parse(plaintext);
  }
}
