#!/usr/bin/env bash
# What one uprobe hit costs, per class of first instruction, with the agent's own TLS programs attached
# (root, x86-64).
#
# Builds bench/uprobe-cost-driver.c with gcc in a temporary directory: functions that start with push,
# nop (1, 4 and 5 bytes), call rel32, jmp rel32 (the kernel emulates these), endbr64, sub and mov (it
# single-steps these out of line: a debug exception, on a KVM guest a VM exit), each with SSL_write_ex's
# signature; and a TLS connection with itself over TCP on 127.0.0.1 for libssl's real SSL_write. Finds
# libssl's sites with objdump: SSL_write's entry and the first function SSL_write calls (OpenSSL 3.0's
# internal write, which has SSL_write_ex's signature).
#
# Then runs bench's UprobeCostBench in a network namespace of its own, watched: the agent's tc_flow anchor
# and tls_uprobe object loaded as the agent loads them (ring buffer drained, syscall tracepoints attached);
# hm_ssl_write_ex + hm_ssl_write_ex_ret on every site (hm_ssl_write + hm_ssl_write_ret on SSL_write, as the
# agent attaches there), each site in a copy of the driver of its own (pid-filtered probes), an unprobed
# copy timed in the same round. Prints ns per hit and the ratio to unprobed, medians of ROUNDS rounds.
# Then the same hit on push with CONSUMERS other watched processes' links on the site (the agent's
# uprobe_multi links, one pair per process), to show what sharing a library file costs each hit.
#
# Environment (all optional):
#   ROUNDS=7        rounds (each times every site once, unprobed and probed)
#   CALLS=2000      calls of a site function per loop
#   SSL_CALLS=1000  SSL_write + SSL_read of 64 bytes per loop
#   LIBSSL=path     the libssl to probe (default: the one the driver links)
#   CONSUMERS="0 1 8 32 64"   other watched processes carrying links on one site, in turn (idle copies of
#                   the driver; a hit walks every link on its site: nginx's workers, replicas of an image)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
ROUNDS="${ROUNDS:-7}"
CALLS="${CALLS:-2000}"
SSL_CALLS="${SSL_CALLS:-1000}"
CONSUMERS="${CONSUMERS:-0 1 8 32 64}"

die() { echo "uprobe-cost: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (BPF programs, uprobes, a network namespace)"
[ "$(uname -m)" = x86_64 ] || die "x86-64 only: which instructions the kernel emulates is architecture-specific"
for tool in gcc objdump nm readelf ip openssl java; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (scripts/install-deps.sh installs it)"
done
[ -f /usr/include/openssl/ssl.h ] || die "libssl-dev is missing (scripts/install-deps.sh installs it)"

. "$here/lib.sh"
bench_jar || die "cannot build bench/target/benchmarks.jar"
work="$(mktemp -d /tmp/uprobe-cost.XXXXXX)"
netns="hmuc$$"

cleanup() {
  local rc=$?
  set +e
  ip netns del "$netns" 2>/dev/null
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

gcc -O2 -Wall -Wextra -Werror -o "$work/driver" "$here/uprobe-cost-driver.c" -lssl -lcrypto \
  || die "cannot build the driver"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=hmesh-bench" \
  -keyout "$work/key.pem" -out "$work/cert.pem" >"$work/openssl.log" 2>&1 \
  || { cat "$work/openssl.log" >&2; die "openssl could not make a certificate"; }

libssl="${LIBSSL:-$(ldd "$work/driver" | awk '$1 ~ /^libssl\.so/ { print $3 }')}"
libssl="$(readlink -f "$libssl")"
[ -f "$libssl" ] || die "cannot find the libssl the driver links"

# SSL_write's entry and first instruction, and the site the agent's prober picks for it (the internal function
# SSL_write and SSL_write_ex both call, where the kernel emulates the first instruction): hmesh probe's JSON.
"$root/hmesh" probe --output json "$libssl" >"$work/probe.json" 2>"$work/probe.log" \
  || { cat "$work/probe.log" >&2; die "hmesh probe failed on $libssl"; }
read -r write_addr write_insn callee_offset callee_insn < <(python3 - "$work/probe.json" <<'EOF'
import json, sys
t = next(t for t in json.load(open(sys.argv[1]))[0]["uprobeTargets"] if t["symbol"] == "SSL_write")
entry = t["offset"]
site = t.get("probeOffset", entry)
# Instructions as one word each for read (spaces would split them).
print(f"{entry:x}", "?", hex(site), (t.get("instruction") or "?").replace(" ", "_"))
EOF
)
[ -n "${callee_offset:-}" ] || die "hmesh probe chose no site for SSL_write in $libssl"
disasm() { objdump -d --no-show-raw-insn --start-address="0x$1" --stop-address="$(printf '0x%x' $((0x$1 + $2)))" "$libssl"; }
write_insn="$(disasm "$write_addr" 16 | awk -F'\t' '/^ *[0-9a-f]+:\t/ { print $2; exit }' | sed -E 's/ +/ /g; s/ $//')"
callee_insn="${callee_insn//_/ }"
[ "$callee_offset" != "$(printf '0x%x' $((0x$write_addr)))" ] \
  || echo "uprobe-cost: the prober keeps SSL_write's entry on this libssl (its first instruction is emulated, or no shared internal function was proven)" >&2

ip netns add "$netns"
ip -n "$netns" link set lo up

echo "uprobe-cost: $(uname -r), $(nproc) CPUs; $libssl: SSL_write at 0x$write_addr starts with '$write_insn'," \
  "the agent's site for it at file offset $callee_offset starts with '$callee_insn'" >&2
java ${HMESH_JAVA_OPTS:-} -cp "$root/bench/target/benchmarks.jar" io.hybridmesh.bench.UprobeCostBench \
  "$work/driver" "$work/cert.pem" "$work/key.pem" "$netns" "$ROUNDS" "$CALLS" "$SSL_CALLS" \
  "$libssl" "$write_insn" "$callee_offset" "$callee_insn" "$CONSUMERS"
