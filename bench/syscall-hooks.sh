#!/usr/bin/env bash
# What the plaintext socket hooks add to one syscall, for the three ways of hooking (root): the socket
# tracepoints sock_recv_length/sock_send_length (Linux 6.3+, the agent's choice: one program per socket
# receive or send, nothing on other syscalls), one raw sys_enter/sys_exit program pair that switches on the
# syscall number (older kernels; runs at every syscall of the node), and a program on each read and write
# syscall's own tracepoint (runs for those only, but through the kernel's per-syscall tracepoint glue). While
# a syscall tracepoint is attached every syscall of the node takes the traced path.
#
# Builds bench/syscall-cost-driver.c with gcc in a temporary directory, makes two network namespaces (one
# watched, one not), and runs bench's SyscallHookCostBench: the agent's tc_flow anchor and sock_plain
# object loaded as the agent loads them, each set of hooks attached in turn (rotated order), loops of
# getppid, pipe write+read and TCP write+read timed in both namespaces. Prints ns per loop and what each
# set adds per syscall, medians of ROUNDS rounds.
#
# Environment (all optional):
#   ROUNDS=9       rounds (each times every loop with no hooks and with each set of hooks)
#   CALLS=200000   loop iterations per timed run
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
ROUNDS="${ROUNDS:-9}"
CALLS="${CALLS:-200000}"

die() { echo "syscall-hooks: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (BPF programs, tracepoints, network namespaces)"
for tool in gcc ip java; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (scripts/install-deps.sh installs it)"
done

. "$here/lib.sh"
bench_jar || die "cannot build bench/target/benchmarks.jar"
work="$(mktemp -d /tmp/syscall-hooks.XXXXXX)"
watched="hmsh$$w"; other="hmsh$$o"

cleanup() {
  local rc=$?
  set +e
  ip netns del "$watched" 2>/dev/null
  ip netns del "$other" 2>/dev/null
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

gcc -O2 -Wall -Wextra -Werror -o "$work/driver" "$here/syscall-cost-driver.c" || die "cannot build the driver"
for ns in "$watched" "$other"; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
done

echo "syscall-hooks: $(uname -r), $(nproc) CPUs, $ROUNDS rounds of $CALLS iterations" >&2
java ${HMESH_JAVA_OPTS:-} -cp "$root/bench/target/benchmarks.jar" io.hybridmesh.bench.SyscallHookCostBench \
  "$work/driver" "$watched" "$other" "$ROUNDS" "$CALLS"
