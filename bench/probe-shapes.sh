#!/usr/bin/env bash
# Which half of a TLS call's probe pair costs what at saturation, with no BPF at all (root, x86-64).
#
# The agent probes each TLS call twice: at the entry of libssl's internal read and write functions (where the
# buffer is) and at their return (where the length is, and a read's bytes). This puts tracefs uprobes on the
# same sites the agent picks (`hmesh probe -o json` on the libssl nginx loads), with tracing switched off, so
# that each hit costs the kernel's trap and return mechanics and nothing else, and measures HTTPS keep-alive
# throughput (wrk -c16 -> nginx, one worker, two namespaces over a veth pair) for five shapes, rotated from
# round to round:
#   none        no probe
#   pairs       entry and return on reads and writes (the agent's shape)
#   noreadret   no return on reads (3 of a request's 5 returns here: both ends' data reads, nginx's WANT_READ)
#   nowriteret  no return on writes
#   entries     entries only
# Each shape's median ratio to `none` of the same round is the answer; steal (the hypervisor running others
# on this machine's CPUs) is printed per window, since it moves a window's throughput by about its share.
#
# Environment (all optional): ROUNDS=6 DURATION=5 WARM=2 (seconds), LIBSSL=path (default: nginx's).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
ROUNDS="${ROUNDS:-6}"
DURATION="${DURATION:-5}"
WARM="${WARM:-2}"
tracefs=/sys/kernel/tracing
group="hmshape$$"

die() { echo "probe-shapes: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, uprobes)"
[ "$(uname -m)" = x86_64 ] || die "x86-64 only (the sites are the prober's x86-64 choice)"
for tool in ip wrk nginx openssl python3 java; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (scripts/install-deps.sh installs it)"
done
[ -w "$tracefs/uprobe_events" ] || die "tracefs is not mounted at $tracefs"

. "$here/lib.sh"
bench_agent_command
libssl="${LIBSSL:-$(ldd "$(command -v nginx)" | awk '/libssl/ { print $3 }')}"
[ -f "$libssl" ] || die "nginx links no libssl here"

# The agent's sites: one probeOffset for SSL_read and its _ex form, one for SSL_write and its _ex form.
# shellcheck disable=SC2086  # HMESH is a command line
read -r read_off write_off < <($HMESH probe -o json "$libssl" | python3 -c '
import json, sys
offsets = {}
def walk(o):
    if isinstance(o, dict):
        if "probeOffset" in o and o.get("symbol") in ("SSL_read", "SSL_write"):
            offsets[o["symbol"]] = o["probeOffset"]
        for v in o.values():
            walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)
walk(json.load(sys.stdin))
if len(offsets) != 2:
    sys.exit("no SSL_read and SSL_write sites in the prober\x27s answer")
print(offsets["SSL_read"], offsets["SSL_write"])')
[ -n "${write_off:-}" ] || die "the prober found no sites in $libssl"

bench_pair_names hms 254
work="$(mktemp -d /tmp/probe-shapes.XXXXXX)"
nginx_pid=""
tracing_was="$(cat "$tracefs/tracing_on")"
cleanup() {
  local rc=$? e
  set +e
  for e in "$tracefs/events/$group"/*/enable; do [ -f "$e" ] && echo 0 >"$e"; done
  for e in wr wrr rd rdr; do echo "-:$group/$e" >>"$tracefs/uprobe_events"; done 2>/dev/null
  echo "$tracing_was" >"$tracefs/tracing_on"
  bench_stop "$nginx_pid"
  bench_pair_down
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
bench_pair_up

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=hmesh-bench" \
  -keyout "$work/key.pem" -out "$work/cert.pem" >"$work/openssl.log" 2>&1 || die "openssl could not make a certificate"
bench_nginx_conf "  ssl_certificate $work/cert.pem;
  ssl_certificate_key $work/key.pem;
  server { listen $addrB:8443 ssl; location / { return 200 \"ok\"; } }"
ip netns exec "$nsB" nginx -e "$work/nginx-error.log" -p "$work/nginx" -c "$work/nginx.conf" >"$work/nginx.log" 2>&1 &
nginx_pid=$!
url="https://$addrB:8443/"
for _ in $(seq 50); do ip netns exec "$nsA" wrk -t1 -c1 -d1s "$url" 2>/dev/null | grep -q "requests in" && break; sleep 0.1; done

# Tracing off: a hit still traps and runs the event's handler, which then has nowhere to write.
echo 0 >"$tracefs/tracing_on"
{
  echo "p:$group/wr $libssl:$write_off"
  echo "r:$group/wrr $libssl:$write_off"
  echo "p:$group/rd $libssl:$read_off"
  echo "r:$group/rdr $libssl:$read_off"
} >>"$tracefs/uprobe_events"
shape() { # the probes of one shape, enabled; the rest disabled
  local e
  for e in wr wrr rd rdr; do echo 0 >"$tracefs/events/$group/$e/enable"; done
  case "$1" in
    none) ;;
    pairs) set -- wr wrr rd rdr ;;
    noreadret) set -- wr wrr rd ;;
    nowriteret) set -- wr rd rdr ;;
    entries) set -- wr rd ;;
  esac
  [ "$1" = none ] || for e in "$@"; do echo 1 >"$tracefs/events/$group/$e/enable"; done
}

shapes=(none pairs noreadret nowriteret entries)
echo "probe-shapes: $libssl, read site 0x$(printf %x "$read_off"), write site 0x$(printf %x "$write_off"); $ROUNDS rounds of ${DURATION}s (+${WARM}s warm-up), wrk -t1 -c16" >&2
: >"$work/runs.tsv"
for r in $(seq "$ROUNDS"); do
  for i in "${!shapes[@]}"; do
    s=${shapes[$(( (i + r - 1) % ${#shapes[@]} ))]}
    shape "$s"
    ip netns exec "$nsA" wrk -t1 -c16 -d"${WARM}s" "$url" >/dev/null 2>&1
    read -r busy0 _ steal0 <<<"$(machine_counters)"
    rps="$(ip netns exec "$nsA" wrk -t1 -c16 -d"${DURATION}s" "$url" | awk '/Requests\/sec/ { print $2 }')"
    read -r busy1 _ steal1 <<<"$(machine_counters)"
    [ -n "$rps" ] || die "wrk gave no rate for $s"
    printf '%s\t%s\t%s\t%s\n' "$r" "$s" "$rps" "$(( steal1 - steal0 )) $(( busy1 - busy0 ))" >>"$work/runs.tsv"
    tail -1 "$work/runs.tsv" | awk -F'\t' '{ split($4, t, " "); printf "  %-11s round %s  %8.0f req/s  steal %.1f%%\n", $2, $1, $3, t[2] ? 100 * t[1] / t[2] : 0 }' >&2
  done
done
shape none

python3 - "$work/runs.tsv" <<'EOF'
import collections, statistics, sys
by_round = collections.defaultdict(dict)
for line in open(sys.argv[1]).read().splitlines():
    r, shape, rps, _ = line.split("\t")
    by_round[r][shape] = float(rps)
print("throughput against no probes (median of per-round ratios; tracefs uprobes, tracing off, no BPF):")
for shape, what in [("pairs", "entry + return on reads and writes (the agent's shape)"),
                    ("noreadret", "no return on reads"), ("nowriteret", "no return on writes"),
                    ("entries", "entries only")]:
    ratios = [rs[shape] / rs["none"] for rs in by_round.values()]
    print(f"  {shape:<11} {statistics.median(ratios):.3f}  {what}; per round " + " ".join(f"{x:.2f}" for x in ratios))
print("  none        " + " ".join(f"{rs['none']:.0f}" for rs in by_round.values()) + " req/s per round")
EOF
