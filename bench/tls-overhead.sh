#!/usr/bin/env bash
# Is the eBPF path cheaper than a sidecar? HTTPS with the agent attached, against no agent and against a
# user-space proxy hop that terminates and re-originates TLS (our sidecar stand-in), side by side in one
# run (root).
#
# Two fresh namespaces joined by a veth pair: nginx with TLS (self-signed certificate, keep-alive, a
# 2-byte `return 200 "ok"`, one worker) in the server namespace, the load generator in the client
# namespace. Each round runs, one after the other so that slow drift of a noisy machine hits all alike
# (and in an order rotated from round to round):
#   base    wrk -> nginx, no agent
#   served  the same with `hmesh agent --standalone --netns A --netns B --serve` (TC programs and TLS
#           uprobes on both ends, flows kept for the Observer API): the product path. Its plaintext socket
#           hooks are attached as the namespaces are watched and detached after --plaintext-idle without
#           plaintext HTTP (the TC programs see only TLS here); the timed run starts once they are, so it
#           measures a TLS-only node's steady state (PLAINTEXT_IDLE, 5s here, 30s by default)
#   proxy   wrk -> HAProxy (TLS terminated, re-originated to nginx on 127.0.0.1) -> nginx, no agent: a
#           stand-in for a sidecar in front of the server
# and, when asked (VARIANTS), agent (--print jsonl >/dev/null), piped (--print jsonl | wc -l) and notls
# (--no-tls: TC programs only). Every timed run follows an untimed warm-up of the same kind, so that JVM
# start-up, JIT compilation and TLS session set-up stay out of the timed window; the agent's CPU is also
# printed by thread (event thread, JIT compilers, GC, the rest), so that what compilation remains is seen.
#
# CPU is counted where it is spent: the agent's process, nginx, wrk (its own time, so the probes' traps
# and programs inside it count) and HAProxy, each from /proc/<pid>/stat or time(1) over the timed window,
# and the whole machine from /proc/stat (softirq work and anything else included). The answer to "is this
# cheaper than a sidecar" is the CPU each variant adds per request over the baseline, both ends included:
# for the agent, agent + what nginx and wrk spend more; for the proxy hop, HAProxy + what nginx and wrk
# spend more.
#
# Then the fixed-rate case (RATE req/s; on by default): h2load --h1 at a fixed request rate with
# per-request latencies logged (microseconds), for base, served and proxy, RATE_ROUNDS rounds; p50/p99/p999
# medians and what each variant adds at p99, ring-buffer drops with the agent. Targets print MET / NOT MET;
# the script exits non-zero on errors only.
#
# Environment (all optional):
#   ROUNDS=3 DURATION=5 WARM=10  rounds, seconds per timed wrk run, seconds of warm-up before each
#   THREADS=1 CONNS=16           wrk threads and connections at saturation
#   WARM_MORE=4 JIT_QUIET=5      before an agent's saturating window, more warm-up runs (each followed by a
#                                pause until its JIT compilers rest) until one took at most JIT_QUIET ticks
#                                of compiler CPU, up to WARM_MORE: the window then times the agent's steady
#                                state, not compilation a saturated warm-up deferred (lib.sh settle_jit)
#   VARIANTS="served proxy"      besides base; add agent, piped, notls to split the agent's costs, and
#                                syscalls for --serve with the syscall tracepoints of kernels before 6.3,
#                                persite for --serve with a perf-event uprobe link per site (before 6.6),
#                                multi for --serve with entry and return uprobe_multi links (6.6 to 6.12:
#                                no uprobe sessions, so every write takes a return probe too),
#                                noplain for --serve without the plaintext socket hooks (--plaintext off),
#                                plainon for --serve with them kept attached (--plaintext on: a node
#                                where some workload speaks plaintext HTTP), evnormal for --serve with
#                                the event thread at normal priority (--event-thread normal; with it in
#                                VARIANTS the fixed-rate case runs it too)
#   STEAL_LIMIT=3 EXTRA_ROUNDS=2  a round any of whose timed windows lost more than STEAL_LIMIT percent of its CPU to steal
#                                (the hypervisor running others on this machine's CPUs) is disturbed: another
#                                round runs in its place, up to EXTRA_ROUNDS more, and the medians and verdicts
#                                are over the undisturbed rounds (every round is printed)
#   RATE=5000 RATE_DURATION=10 RATE_ROUNDS=3 RATE_CONNS=50   the fixed-rate case (RATE=0: skip)
#   RATE_WARM=30                 seconds of the same paced load before each fixed-rate window (two runs of half
#                                each): the agent's JIT compilers still work 15-35 s after its start, and a
#                                compile on a 2-core machine is a stall in someone's tail; until session 14 the
#                                window began ~10 s after the agent's start, so its p99 measured that transient
#   RATE_LOAD=paced              the fixed-rate load: paced (bench/paced-load.c, one request every 1/RATE s
#                                round the connections, timed from when it was due) or h2load (--rps per
#                                connection: all connections fire together, RATE_CONNS-request bursts)
#   RATE_IDLE=poll               how idle CPUs wait during the fixed-rate case: poll (default) holds
#                                /dev/cpu_dma_latency at 0 so they spin instead of halting; halt leaves
#                                the machine's own idle policy. On a KVM guest without halt polling (this
#                                one: cpuidle haltpoll, guest_halt_poll_ns=0) each halt is a VM exit and a
#                                wake-up after it costs ~0.1-2 ms, which then decides every variant's p99
#                                and buries the path's own latency; idle polling takes it out of all
#                                variants alike (CPU times are process times and do not count the spin)
#   SETTLE=1                     seconds between the agent saying "observing" and the warm-up
#   HMESH="java -jar cli/target/hmesh.jar"   how to start the agent (default: the built jar)
#   HMESH_JAVA_OPTS="..."        JVM options for the default HMESH
#   AGENT_OPTS="..."             more agent options (e.g. --uprobe-links=per-site)
#   H2=1 STREAMS=100             HTTP/2 instead: nginx and the hop speak h2 (ALPN), the load is h2load with
#                                STREAMS concurrent streams on each of CONNS connections (no fixed-rate part)
#   GO=1                         the server is a Go HTTPS server (net/http, ListenAndServeTLS; the kernel
#                                tests' ebpf-agent/src/test/resources/go-tls-peers/server.go, built here with the
#                                machine's go, stripped) instead of nginx: the agent reads Go's crypto/tls at
#                                the server end; the HAProxy hop forwards to it the same way
#   BPF_STATS=1                  kernel.bpf_stats_enabled during the run: each agent program's own time per
#                                run (it adds two clock reads to every program run, so costs are a bit higher)
#   PERF=dir                     a whole-machine profile of each timed run (perf record -a -g, PERF_FREQ=1999 Hz),
#                                kept as dir/perf-<run>.data (the linux-perf package)
#   KEEP_LOGS=dir                keep the logs (agents, nginx, haproxy, wrk, h2load) there
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-5}"
STEAL_LIMIT="${STEAL_LIMIT:-}" # empty: overhead-summary.py's default (3)
EXTRA_ROUNDS="${EXTRA_ROUNDS:-2}"
WARM="${WARM:-10}"
THREADS="${THREADS:-1}"
CONNS="${CONNS:-16}"
VARIANTS="${VARIANTS:-served proxy}"
RATE="${RATE:-5000}"
RATE_DURATION="${RATE_DURATION:-10}"
RATE_ROUNDS="${RATE_ROUNDS:-3}"
RATE_CONNS="${RATE_CONNS:-50}"
RATE_WARM="${RATE_WARM:-30}"
RATE_IDLE="${RATE_IDLE:-poll}"
RATE_LOAD="${RATE_LOAD:-paced}"
SETTLE="${SETTLE:-1}"
PLAINTEXT_IDLE="${PLAINTEXT_IDLE:-5s}"
AGENT_OPTS="${AGENT_OPTS:-}"
BPF_STATS="${BPF_STATS:-0}"
H2="${H2:-0}"
STREAMS="${STREAMS:-100}"
GO="${GO:-0}"
[ "$H2" != 1 ] || RATE=0
[ "$GO" != 1 ] || [ "$H2" != 1 ] || die "GO=1 with H2=1 is not supported (the Go server speaks h2, wrk does not)"

die() { echo "tls-overhead: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, TC programs, uprobes)"
for tool in ip wrk nginx haproxy openssl python3 h2load; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (scripts/install-deps.sh installs it)"
done
python="$(command -v python3)"
nginx_bin="$(command -v nginx)"
haproxy_bin="$(command -v haproxy)"
ticks="$(getconf CLK_TCK)"

. "$here/lib.sh"
port=8443; proxy_port=9443
bench_side_by_side_begin tls-overhead hmt 252

if [ "$RATE" -gt 0 ] && [ "$RATE_LOAD" = paced ]; then
  [ -f /usr/include/openssl/ssl.h ] && command -v gcc >/dev/null 2>&1 \
    || die "the paced load needs gcc and libssl-dev (scripts/install-deps.sh installs them)"
  gcc -O2 -Wall -Wextra -Werror -o "$work/paced-load" "$here/paced-load.c" -lssl -lcrypto -lpthread \
    || die "bench/paced-load.c did not build"
fi
[ "$RATE_LOAD" = paced ] || [ "$RATE_LOAD" = h2load ] || die "RATE_LOAD is paced or h2load, not $RATE_LOAD"

# A throw-away self-signed certificate (EC P-256: what a mesh would issue; cheap handshakes).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj "/CN=hmesh-bench" -keyout "$work/key.pem" -out "$work/cert.pem" >"$work/openssl.log" 2>&1 \
  || { cat "$work/openssl.log" >&2; die "openssl could not make a certificate"; }
cat "$work/cert.pem" "$work/key.pem" >"$work/haproxy.pem"

bench_nginx_conf "  ssl_certificate $work/cert.pem;
  ssl_certificate_key $work/key.pem;
  ssl_protocols TLSv1.2 TLSv1.3;
  server {
    listen $port ssl$([ "$H2" = 1 ] && echo " http2");
    default_type text/plain;
    location / { return 200 \"ok\"; }
  }"
cat >"$work/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 4096
  ssl-server-verify none
defaults
  mode http
  timeout connect 5s
  timeout client 300s
  timeout server 300s
  timeout http-keep-alive 300s
  option http-keep-alive
frontend fe
  bind $addrB:$proxy_port ssl crt $work/haproxy.pem$([ "$H2" = 1 ] && echo " alpn h2,http/1.1")
  default_backend be
backend be
  http-reuse always
  server s1 127.0.0.1:$port ssl verify none$([ "$H2" = 1 ] && echo " alpn h2")
EOF

path=/
if [ "$GO" = 1 ]; then
  # The server of the Go TLS kernel tests, built here (offline, standard library only, stripped as shipped).
  command -v go >/dev/null 2>&1 || die "GO=1 needs go (scripts/install-deps.sh installs golang-go)"
  mkdir -p "$work/gosrc"
  cp "$root/ebpf-agent/src/test/resources/go-tls-peers/server.go" "$work/gosrc/main.go"
  printf 'module example.com/benchserver\n\ngo 1.19\n' >"$work/gosrc/go.mod"
  (cd "$work/gosrc" && GOCACHE="$work/gocache" GOPATH="$work/gopath" GOFLAGS=-mod=mod GOPROXY=off \
    GOTOOLCHAIN=local HOME="$work" go build -ldflags="-s -w" -o "$work/goserver" .) >"$work/gobuild.log" 2>&1 \
    || { cat "$work/gobuild.log" >&2; die "go build of the Go server failed"; }
  # It answers /ok with 200 "ok\n" (nginx's 2-byte "ok" without the newline), on every address.
  ip netns exec "$nsB" "$work/goserver" ":$port" "$work/cert.pem" "$work/key.pem" >"$work/nginx.log" 2>&1 &
  path=/ok
else
  ip netns exec "$nsB" "$nginx_bin" -e "$work/nginx-error.log" -p "$work/nginx" -c "$work/nginx.conf" \
    >"$work/nginx.log" 2>&1 &
fi
nginx_pid=$!  # the server, nginx or Go

url="https://$addrB:$port$path"
proxy_url="https://$addrB:$proxy_port$path"
ready() { # $1: url
  ip netns exec "$nsA" wrk -t1 -c1 -d1s "$1" 2>/dev/null | grep -q "requests in"
}
for _ in $(seq 50); do ready "$url" && break; sleep 0.1; done
ready "$url" || { cat "$work/nginx.log" "$work/nginx-error.log" >&2; die "nginx does not answer on $url"; }
proxy_up "$proxy_url"; proxy_down # the configuration works before any round

# The same with h2load over HTTP/2 (H2=1): CONNS connections, STREAMS concurrent streams each, every
# request's latency logged; writes the same runs.tsv row as wrk_run.
h2_run() { # $1: name, $2: url, $3: pid whose CPU to measure
  WARMCMD=(h2load -c "$CONNS" -m "$STREAMS" -D "$(( (WARM + 1) / 2 ))" "$2")
  rm -f "$work/h2-$1.log"
  settle=1 timed "$1" "$3" "$WARM" h2load -c "$CONNS" -m "$STREAMS" -D "$DURATION" --log-file="$work/h2-$1.log" "$2"
  "$python" - "$work/out-$1.log" "$work/h2-$1.log" "$1" >>"$work/runs.tsv" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored", text)
rps = re.search(r"finished in [\d.]+m?s, ([\d.]+) req/s", text)
if not m or not rps:
    sys.exit(f"tls-overhead: no request count in h2load output:\n{text}")
lat = sorted(int(f[2]) for f in (l.split() for l in open(sys.argv[2])) if len(f) >= 3)
pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else 0
errors = int(m.group(4)) + int(m.group(5))
print(f"{sys.argv[3]}\t{m.group(3)}\t{float(rps.group(1)):.1f}\t{pct(0.5):.1f}\t{pct(0.99):.1f}\t{errors}")
EOF
  tail -1 "$work/runs.tsv" | awk -F'\t' '{ printf "  %-12s %7.0f req/s  p50 %6.0f us  p99 %6.0f us  errors %s\n", $1, $3, $4, $5, $6 }' >&2
}

# One run of the saturating load: HTTP/1.1 with wrk, or HTTP/2 with h2load.
load_run() {
  if [ "$H2" = 1 ]; then h2_run "$@"; else wrk_run "$@"; fi
}

# One connection, each request sent as soon as the last answer arrived: no idle gaps, so no CPU wake-up
# latency (on this VM a request after 10 ms of idleness takes ~300 us at the median and ms at p99, against
# ~30 us back to back), and what remains is the path's own latency. $1: name, $2: url, $3: pid.
serial_run() {
  WARMCMD=(wrk -t1 -c1 -d2s "$2")
  timed "$1" "$3" 2 wrk --latency -t1 -c1 -d"${RATE_DURATION}s" "$2"
  "$python" - "$work/out-$1.log" "$1" >>"$work/serial.tsv" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
def us(v, unit):
    return float(v) * {"us": 1, "ms": 1e3, "s": 1e6}[unit]
lat = {p: us(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)}
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
print(f"{sys.argv[2]}\t{rps:.1f}\t{lat.get('50', 0):.1f}\t{lat.get('99', 0):.1f}")
EOF
  tail -1 "$work/serial.tsv" | awk -F'\t' '{ printf "  %-14s %7.0f req/s  p50 %6.0f us  p99 %6.0f us (one connection, back to back)\n", $1, $2, $3, $4 }' >&2
}

# The fixed-rate load: RATE requests a second over RATE_CONNS keep-alive connections, every request's
# latency logged in microseconds (timed window only); $1: name, $2: url, $3: pid whose CPU to measure.
# RATE_LOAD=paced (default): bench/paced-load.c sends one request every 1/RATE s, each on the next
# connection, and times it from when it was due. RATE_LOAD=h2load: h2load --h1 --rps, as until session 8;
# its connections' timers start together, so every 1/(RATE/RATE_CONNS) s all RATE_CONNS send at once and the
# tail is the burst's queue (a path's added CPU per request times the burst), not the path.
rate_run() {
  rm -f "$work/h2-$1.log"
  if [ "$RATE_LOAD" = paced ]; then
    local hostport=${2#https://}; hostport=${hostport%%/*}
    local path="/${2#https://*/}"
    WARMCMD=("$work/paced-load" "${hostport%:*}" "${hostport##*:}" "$path" "$RATE_CONNS" "$RATE" \
      "$(( (RATE_WARM + 1) / 2 ))" 0 /dev/null)
    timed "$1" "$3" 3 "$work/paced-load" "${hostport%:*}" "${hostport##*:}" "$path" "$RATE_CONNS" "$RATE" \
      "$RATE_DURATION" 1 "$work/h2-$1.log"
  else
    local per=$(( (RATE + RATE_CONNS - 1) / RATE_CONNS ))
    WARMCMD=(h2load --h1 -c "$RATE_CONNS" --rps "$per" -D "$(( (RATE_WARM + 1) / 2 ))" "$2")
    timed "$1" "$3" 3 h2load --h1 -c "$RATE_CONNS" --rps "$per" -D "$RATE_DURATION" --warm-up-time=1s \
      --log-file="$work/h2-$1.log" "$2"
  fi
  "$python" - "$work/h2-$1.log" "$1" "$RATE_DURATION" "$RATE_LOAD" >>"$work/rate.tsv" <<'EOF'
import sys
lat, failed = [], 0
for line in open(sys.argv[1]):
    f = line.split()
    if sys.argv[4] == "paced" and len(f) == 1:
        lat.append(int(f[0]))
    elif len(f) >= 3:
        lat.append(int(f[2]))
        failed += f[1] != "200"
lat.sort()
n = len(lat)
q = lambda p: lat[min(n - 1, int(n * p))] if n else 0
print(f"{sys.argv[2]}\t{n}\t{n / float(sys.argv[3]):.1f}\t{q(0.5)}\t{q(0.99)}\t{q(0.999)}\t{failed}")
EOF
  tail -1 "$work/rate.tsv" | awk -F'\t' '{ printf "  %-12s %7.0f req/s  p50 %6d us  p99 %6d us  p99.9 %6d us  failed %s\n", $1, $3, $4, $5, $6, $7 }' >&2
}

# The plaintext socket hooks of --plaintext auto go once the agent has seen no plaintext HTTP for
# --plaintext-idle; nothing here speaks plaintext, so they do (the agent logs it). $1: the agent's log.
hooks_detached() {
  local i
  for i in $(seq 600); do
    grep -q "detaching the socket hooks" "$1" && return 0
    sleep 0.1
  done
  cat "$1" >&2; die "the agent kept its plaintext socket hooks attached for a minute without plaintext HTTP"
}

: >"$work/runs.tsv"; : >"$work/cpu.tsv"; : >"$work/rate.tsv"; : >"$work/serial.tsv"
echo "tls-overhead: $nsA ($addrA) -> $nsB ($addrB)$([ "$GO" = 1 ] && echo ", Go server (crypto/tls)"); $ROUNDS rounds of ${DURATION}s (+${WARM}s warm-up)," \
  "wrk -t$THREADS -c$CONNS, variants: base $VARIANTS, $(nproc) CPUs" >&2
# Each round rotates the order (base first in round 1, second in round 2, ...): on this kind of machine the
# slot a variant runs in moved its CPU per request by ~5 us, as much as the differences measured.
order=(base $VARIANTS)

one_round() { # $1: the round
  local r=$1 i v
  for i in $(seq 0 $(( ${#order[@]} - 1 ))); do
    v=${order[$(( (i + r - 1) % ${#order[@]} ))]}
    case "$v" in
      base)   load_run "base-$r" "$url" "" ;;
      served) start_agent "$work/agent-served-$r.log" serve --plaintext-idle "$PLAINTEXT_IDLE"
              hooks_detached "$work/agent-served-$r.log"
              load_run "served-$r" "$url" "$agent_pid"; stop_agent "$work/agent-served-$r.log" ;;
      agent)  start_agent "$work/agent-agent-$r.log" null
              load_run "agent-$r" "$url" "$agent_pid"; stop_agent "$work/agent-agent-$r.log" ;;
      piped)  start_agent "$work/agent-piped-$r.log" wc
              load_run "piped-$r" "$url" "$agent_pid"; stop_agent "$work/agent-piped-$r.log" ;;
      syscalls) start_agent "$work/agent-syscalls-$r.log" serve --socket-hooks syscalls
              load_run "syscalls-$r" "$url" "$agent_pid"; stop_agent "$work/agent-syscalls-$r.log" ;;
      persite) start_agent "$work/agent-persite-$r.log" serve --uprobe-links per-site
              load_run "persite-$r" "$url" "$agent_pid"; stop_agent "$work/agent-persite-$r.log" ;;
      multi)  start_agent "$work/agent-multi-$r.log" serve --plaintext-idle "$PLAINTEXT_IDLE" --uprobe-links multi
              hooks_detached "$work/agent-multi-$r.log"
              load_run "multi-$r" "$url" "$agent_pid"; stop_agent "$work/agent-multi-$r.log" ;;
      plainon) start_agent "$work/agent-plainon-$r.log" serve --plaintext on
              load_run "plainon-$r" "$url" "$agent_pid"; stop_agent "$work/agent-plainon-$r.log" ;;
      evnormal) start_agent "$work/agent-evnormal-$r.log" serve --plaintext-idle "$PLAINTEXT_IDLE" --event-thread normal
              hooks_detached "$work/agent-evnormal-$r.log"
              load_run "evnormal-$r" "$url" "$agent_pid"; stop_agent "$work/agent-evnormal-$r.log" ;;
      noplain) start_agent "$work/agent-noplain-$r.log" serve --plaintext off
              load_run "noplain-$r" "$url" "$agent_pid"; stop_agent "$work/agent-noplain-$r.log" ;;
      notls)  start_agent "$work/agent-notls-$r.log" null --no-tls
              load_run "notls-$r" "$url" "$agent_pid"; stop_agent "$work/agent-notls-$r.log" ;;
      proxy)  proxy_up "$proxy_url"; load_run "proxy-$r" "$proxy_url" "$haproxy_pid"; proxy_down ;;
      *) die "unknown variant $v (served, proxy, agent, piped, notls, syscalls, persite, multi, noplain, plainon, evnormal)" ;;
    esac
  done
}
run_rounds one_round

if [ "$RATE" -gt 0 ]; then
  case "$RATE_IDLE" in
    poll) # Held open for the fixed-rate case only: the value is in force while the descriptor is.
          exec {idle_fd}>/dev/cpu_dma_latency || die "RATE_IDLE=poll needs /dev/cpu_dma_latency (root)"
          printf '0x0' >&"$idle_fd" ;;
    halt) ;;
    *) die "RATE_IDLE is poll or halt, not $RATE_IDLE" ;;
  esac
  echo " fixed rate: $RATE req/s aimed at ($([ "$RATE_LOAD" = paced ] && echo "paced-load, evenly spaced" \
    || echo "h2load --h1 --rps, in bursts"), $RATE_CONNS connections), ${RATE_DURATION}s," \
    "$RATE_ROUNDS rounds, idle CPUs $([ "$RATE_IDLE" = poll ] && echo "polling" || echo "halting")" >&2
  for r in $(seq "$RATE_ROUNDS"); do
    rate_run "ratebase-$r" "$url" ""
    serial_run "serialbase-$r" "$url" ""
    start_agent "$work/agent-rateserved-$r.log" serve --plaintext-idle "$PLAINTEXT_IDLE"
    hooks_detached "$work/agent-rateserved-$r.log"
    rate_run "rateserved-$r" "$url" "$agent_pid"
    serial_run "serialserved-$r" "$url" "$agent_pid"
    stop_agent "$work/agent-rateserved-$r.log"
    if [[ " $VARIANTS " == *" evnormal "* ]]; then
      start_agent "$work/agent-rateevnormal-$r.log" serve --plaintext-idle "$PLAINTEXT_IDLE" --event-thread normal
      hooks_detached "$work/agent-rateevnormal-$r.log"
      rate_run "rateevnormal-$r" "$url" "$agent_pid"
      serial_run "serialevnormal-$r" "$url" "$agent_pid"
      stop_agent "$work/agent-rateevnormal-$r.log"
    fi
    proxy_up "$proxy_url"
    rate_run "rateproxy-$r" "$proxy_url" "$haproxy_pid"
    serial_run "serialproxy-$r" "$proxy_url" "$haproxy_pid"
    proxy_down
  done
  [ "$RATE_IDLE" != poll ] || exec {idle_fd}>&-
fi

STEAL_LIMIT="$STEAL_LIMIT" SERVER="$([ "$GO" = 1 ] && echo "Go server" || echo nginx)" H2="$H2" STREAMS="$STREAMS" RATE_LOAD="$RATE_LOAD" "$python" \
  "$here/overhead-summary.py" "$work" "$RATE"
