#!/usr/bin/env bash
# The "sidecar tax" of HTTPS with the agent attached, against no agent and against a user-space proxy hop
# (root).
#
# Two fresh namespaces joined by a veth pair: nginx with TLS (self-signed certificate, keep-alive, a
# 2-byte `return 200 "ok"`, one worker) in the server namespace, wrk over HTTPS keep-alive in the client
# namespace. Each round runs, one after the other so that slow drift of a noisy machine hits all alike:
#   base    wrk -> nginx, no agent
#   agent   the same with `hmesh agent --standalone --netns A --netns B --print jsonl >/dev/null`
#           (TC programs and OpenSSL uprobes on both ends: every request is 4 TLS calls, 4 L7 flows)
#   piped   the same with the agent's stdout piped to `wc -l` (a consumer that reads every line)
#   served  the agent with --serve instead of --print: flows kept in memory for the Observer API
#   notls   the agent with --no-tls (TC programs only), to split the agent's cost (NOTLS=0: skip)
#   proxy   wrk -> HAProxy (TLS terminated, re-originated to nginx on 127.0.0.1) -> nginx, no agent: a
#           stand-in for a sidecar in front of the server
# Every timed run is preceded by an untimed warm-up run of the same kind, so that JVM start-up and JIT
# compilation of the agent, and TLS session set-up, stay out of the timed window.
#
# Prints every run, the medians, throughput ratios against the baseline, the latency each variant adds
# at p50 and p99, the agent's CPU (utime+stime of its process over the timed window, from
# /proc/<pid>/stat) per 1000 requests and per 1000 req/s, events ingested per second and ring-buffer
# drops (from the agent's exit summary). Then one run at a fixed rate (default 5,000 req/s) with the
# agent attached. Targets are printed MET / NOT MET; the script exits non-zero on errors only.
#
# Environment (all optional):
#   ROUNDS=5 DURATION=5 WARM=10  rounds, seconds per timed wrk run, seconds of warm-up before each (the
#                                agent's JIT compiler runs for ~10 s after start: it is not steady state)
#   THREADS=1 CONNS=16           wrk threads and connections at saturation
#   RATE=5000 RATE_DURATION=10   the fixed-rate run: requests/s aimed at and seconds (RATE=0: skip)
#   RATE_DELAY_MS=50             the fixed-rate run: each connection waits this long between requests
#   RATE_CONNS=RATE*(RATE_DELAY_MS+2)/1000   its connections (2 ms allowed for each response)
#   NOTLS=1                      also run the agent with --no-tls
#   SETTLE=1                     seconds between the agent saying "observing" and the warm-up
#   HMESH="java -jar cli/target/hmesh.jar"   how to start the agent (default: the built jar)
#   HMESH_JAVA_OPTS="..."        JVM options for the default HMESH
#   KEEP_LOGS=dir                keep the logs (agents, nginx, haproxy, wrk) there
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
ROUNDS="${ROUNDS:-5}"
DURATION="${DURATION:-5}"
WARM="${WARM:-10}"
THREADS="${THREADS:-1}"
CONNS="${CONNS:-16}"
RATE="${RATE:-5000}"
RATE_DURATION="${RATE_DURATION:-10}"
RATE_DELAY_MS="${RATE_DELAY_MS:-50}"
RATE_CONNS="${RATE_CONNS:-$(( RATE * (RATE_DELAY_MS + 2) / 1000 ))}"
NOTLS="${NOTLS:-1}"
SETTLE="${SETTLE:-1}"

die() { echo "tls-overhead: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, TC programs, uprobes)"
for tool in ip wrk nginx haproxy openssl python3; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (scripts/install-deps.sh installs it)"
done
python="$(command -v python3)"
nginx_bin="$(command -v nginx)"
haproxy_bin="$(command -v haproxy)"
ticks="$(getconf CLK_TCK)"

. "$here/lib.sh"
bench_agent_command
bench_pair_names hmt 252
port=8443; proxy_port=9443
work="$(mktemp -d /tmp/tls-overhead.XXXXXX)"
agent_pid=""; nginx_pid=""; haproxy_pid=""

cleanup() {
  local rc=$?
  set +e
  bench_stop "$agent_pid" "$haproxy_pid" "$nginx_pid"
  bench_pair_down
  if [ -n "${KEEP_LOGS:-}" ]; then mkdir -p "$KEEP_LOGS" && cp "$work"/*.log "$work"/*.tsv "$KEEP_LOGS"/ 2>/dev/null; fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_pair_up

# A throw-away self-signed certificate (EC P-256: what a mesh would issue; cheap handshakes).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj "/CN=hmesh-bench" -keyout "$work/key.pem" -out "$work/cert.pem" >"$work/openssl.log" 2>&1 \
  || { cat "$work/openssl.log" >&2; die "openssl could not make a certificate"; }
cat "$work/cert.pem" "$work/key.pem" >"$work/haproxy.pem"

mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  ssl_certificate $work/cert.pem;
  ssl_certificate_key $work/key.pem;
  ssl_protocols TLSv1.2 TLSv1.3;
  server {
    listen $port ssl;
    default_type text/plain;
    location / { return 200 "ok"; }
  }
}
EOF
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
  bind $addrB:$proxy_port ssl crt $work/haproxy.pem
  default_backend be
backend be
  http-reuse always
  server s1 127.0.0.1:$port ssl verify none
EOF

ip netns exec "$nsB" "$nginx_bin" -e "$work/nginx-error.log" -p "$work/nginx" -c "$work/nginx.conf" \
  >"$work/nginx.log" 2>&1 &
nginx_pid=$!
ip netns exec "$nsB" "$haproxy_bin" -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
haproxy_pid=$!

url="https://$addrB:$port/"
proxy_url="https://$addrB:$proxy_port/"
ready() { # $1: url
  ip netns exec "$nsA" wrk -t1 -c1 -d1s "$1" 2>/dev/null | grep -q "requests in"
}
for _ in $(seq 50); do ready "$url" && break; sleep 0.1; done
ready "$url" || { cat "$work/nginx.log" "$work/nginx-error.log" >&2; die "nginx does not answer on $url"; }
for _ in $(seq 50); do ready "$proxy_url" && break; sleep 0.1; done
ready "$proxy_url" || { cat "$work/haproxy.log" >&2; die "haproxy does not answer on $proxy_url"; }

cat >"$work/rate.lua" <<EOF
-- Each connection waits a fixed time between its requests: connections * 1000 / (delay + response
-- time in ms) is the rate.
local wait_ms = $RATE_DELAY_MS
function delay()
  return wait_ms
end
EOF

cpu_ticks() { # $1: pid; utime + stime of the process (all its threads) in clock ticks
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

start_agent() { # $1: log file, $2: sink (null | wc | serve), $3...: extra agent options
  local log=$1 out=$2; shift 2
  # shellcheck disable=SC2086  # HMESH is a command line
  if [ "$out" = wc ]; then
    $HMESH agent --standalone --netns "$nsA" --netns "$nsB" --print jsonl "$@" \
      > >(wc -l >"$log.lines") 2>"$log" &
  elif [ "$out" = serve ]; then
    $HMESH agent --standalone --netns "$nsA" --netns "$nsB" --serve "127.0.0.1:$(( 20000 + $$ % 20000 ))" \
      "$@" >/dev/null 2>"$log" &
  else
    $HMESH agent --standalone --netns "$nsA" --netns "$nsB" --print jsonl "$@" >/dev/null 2>"$log" &
  fi
  agent_pid=$!
  local i
  for i in $(seq 300); do
    if grep -q "observing" "$log"; then sleep "$SETTLE"; return 0; fi
    kill -0 "$agent_pid" 2>/dev/null || { cat "$log" >&2; agent_pid=""; die "the agent exited before observing"; }
    sleep 0.1
  done
  cat "$log" >&2; die "the agent did not start observing within 30s"
}

stop_agent() { # $1: log file
  kill -TERM "$agent_pid"
  wait "$agent_pid" || true
  agent_pid=""
  grep -Eq 'detached[^;]*; [{]?events' "$1" || { cat "$1" >&2; die "no agent summary in $1"; }
}

# One timed wrk run after an untimed warm-up of the same kind; $1: name, $2: url, $3: pid whose CPU to
# measure ("" for none), $4: connections, $5: seconds, $6...: more wrk options. Appends "name requests
# seconds rps p50_us p99_us cpu_seconds errors window_seconds" to $work/runs.tsv.
wrk_run() {
  local name=$1 target=$2 pid=$3 conns=$4 seconds=$5; shift 5
  local before=0 after=0 t0 t1
  if [ "$WARM" != 0 ]; then
    ip netns exec "$nsA" wrk -t"$THREADS" -c"$conns" -d"${WARM}s" "$@" "$target" >/dev/null 2>&1 \
      || die "wrk warm-up failed for $name"
  fi
  [ -z "$pid" ] || before="$(cpu_ticks "$pid")"
  local nginx_before; nginx_before="$(cpu_ticks "$nginx_pid")"
  t0="$(date +%s.%N)"
  ip netns exec "$nsA" /usr/bin/time -f "%U %S" -o "$work/wrk-time" wrk --latency -t"$THREADS" -c"$conns" -d"${seconds}s" "$@" "$target" \
    >"$work/wrk-$name.log" 2>&1 \
    || { cat "$work/wrk-$name.log" >&2; die "wrk failed for $name"; }
  t1="$(date +%s.%N)"
  [ -z "$pid" ] || after="$(cpu_ticks "$pid")"
  local nginx_after; nginx_after="$(cpu_ticks "$nginx_pid")"
  cat "$work/wrk-$name.log" >>"$work/wrk.log"
  "$python" - "$work/wrk-$name.log" "$name" "$(( after - before ))" "$ticks" "$t0" "$t1" \
    "$(( nginx_after - nginx_before ))" "$work/wrk-time" >>"$work/runs.tsv" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
name, dticks, hz, t0, t1 = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
nginx_cpu = int(sys.argv[7]) / hz
wrk_cpu = sum(float(x) for x in open(sys.argv[8]).read().split()[-2:])
def us(v, unit):
    return float(v) * {"us": 1, "ms": 1e3, "s": 1e6, "m": 60e6, "h": 3600e6}[unit]
m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", text)
if not m:
    sys.exit(f"tls-overhead: no request count in wrk output:\n{text}")
requests, seconds = int(m.group(1)), us(m.group(2), m.group(3)) / 1e6
lat = {p: us(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)}
errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
errors += sum(int(x) for x in re.findall(r"Non-2xx or 3xx responses: (\d+)", text))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
print(f"{name}\t{requests}\t{seconds:.3f}\t{rps:.1f}\t{lat.get('50', 0):.1f}\t{lat.get('99', 0):.1f}"
      f"\t{dticks / hz:.3f}\t{errors}\t{t1 - t0:.3f}\t{nginx_cpu:.3f}\t{wrk_cpu:.3f}")
EOF
  local last; last="$(tail -1 "$work/runs.tsv")"
  echo "$last" | awk -F'\t' '{ printf "  %-12s %7.0f req/s  p50 %6.0f us  p99 %6.0f us  cpu: measured %.2f s, nginx %.2f s, wrk %.2f s  errors %s\n", $1, $4, $5, $6, $7, $10, $11, $8 }' >&2
}

: >"$work/runs.tsv"
echo "tls-overhead: $nsA ($addrA) -> $nsB ($addrB); $ROUNDS rounds of ${DURATION}s (+${WARM}s warm-up)," \
  "wrk -t$THREADS -c$CONNS, $(nproc) CPUs" >&2
for r in $(seq "$ROUNDS"); do
  echo " round $r" >&2
  wrk_run "base-$r" "$url" "" "$CONNS" "$DURATION"

  start_agent "$work/agent-agent-$r.log" null
  wrk_run "agent-$r" "$url" "$agent_pid" "$CONNS" "$DURATION"
  stop_agent "$work/agent-agent-$r.log"

  start_agent "$work/agent-piped-$r.log" wc
  wrk_run "piped-$r" "$url" "$agent_pid" "$CONNS" "$DURATION"
  stop_agent "$work/agent-piped-$r.log"

  start_agent "$work/agent-served-$r.log" serve
  wrk_run "served-$r" "$url" "$agent_pid" "$CONNS" "$DURATION"
  stop_agent "$work/agent-served-$r.log"

  if [ "$NOTLS" = 1 ]; then
    start_agent "$work/agent-notls-$r.log" null --no-tls
    wrk_run "notls-$r" "$url" "$agent_pid" "$CONNS" "$DURATION"
    stop_agent "$work/agent-notls-$r.log"
  fi

  wrk_run "proxy-$r" "$proxy_url" "$haproxy_pid" "$CONNS" "$DURATION"
done

if [ "$RATE" -gt 0 ]; then
  echo " fixed rate: $RATE req/s aimed at ($RATE_CONNS connections, $RATE_DELAY_MS ms" \
    "between requests on each), ${RATE_DURATION}s, agent attached" >&2
  wrk_run "ratebase-1" "$url" "" "$RATE_CONNS" "$RATE_DURATION" -s "$work/rate.lua"
  start_agent "$work/agent-rate-1.log" null
  wrk_run "rate-1" "$url" "$agent_pid" "$RATE_CONNS" "$RATE_DURATION" -s "$work/rate.lua"
  stop_agent "$work/agent-rate-1.log"
fi

"$python" - "$work" "$RATE" <<'EOF'
import glob, os, re, statistics, sys
work, rate_goal = sys.argv[1], float(sys.argv[2])
med = statistics.median

def summary(log):
    tot = {}
    text = open(log).read() if os.path.exists(log) else ""
    m = re.search(r"detached[^;\n]*; \{?(events[^}\n]*)\}?", text)
    if m:
        for item in m.group(1).split(", "):
            kv = re.fullmatch(r"\s*(.*?)\s*[= ]\s*(-?\d+)\s*", item)
            if kv:
                tot[kv.group(1)] = int(kv.group(2))
    lines = log + ".lines"
    if os.path.exists(lines):
        tot["lines printed"] = int(open(lines).read().split()[0] or 0)
    return tot

runs = {}
for line in open(os.path.join(work, "runs.tsv")).read().split("\n"):
    if not line:
        continue
    f = line.split("\t")
    variant, rnd = f[0].rsplit("-", 1)
    d = dict(round=int(rnd), requests=int(f[1]), seconds=float(f[2]), rps=float(f[3]), p50=float(f[4]),
             p99=float(f[5]), cpu=float(f[6]), errors=int(f[7]), window=float(f[8]), nginx=float(f[9]),
             wrk=float(f[10]))
    d.update(summary(os.path.join(work, f"agent-{variant}-{rnd}.log")))
    runs.setdefault(variant, []).append(d)

def per_k_requests(d):   # vCPU-seconds per 1000 requests
    return d["cpu"] / (d["requests"] / 1000)

def per_k_rps(d):        # vCPU at this rate, per 1000 req/s (the same number, over the wrk window)
    return (d["cpu"] / d["window"]) / (d["rps"] / 1000)

labels = {"base": "baseline (no agent)", "agent": "agent, stdout >/dev/null",
          "piped": "agent, stdout | wc -l", "served": "agent --serve (flows kept for the Observer API, none printed)",
          "notls": "agent --no-tls (TC only)",
          "proxy": "HAProxy hop (no agent)"}
base = runs.get("base", [])
bmed = {k: med(d[k] for d in base) for k in ("rps", "p50", "p99")} if base else None
results = {}
print("HTTPS keep-alive through TLS (wrk -> nginx), medians over rounds; cpu is the agent's "
      "(HAProxy's for the proxy hop)")
for v in ("base", "agent", "piped", "served", "notls", "proxy"):
    rs = runs.get(v)
    if not rs:
        continue
    print(f"{labels[v]}:")
    for d in rs:
        extra = ""
        if "events" in d:
            extra = (f", events {d['events']}, drops {d.get('events lost (ring buffer full)', 0)}, TLS calls "
                     f"{d.get('TLS calls', 0)}, unparsed {d.get('TLS plaintext not parsed as HTTP/1.x', 0)}")
            if "lines printed" in d:
                extra += f", flows printed {d['lines printed']}"
        cpu = f", cpu {d['cpu']:.2f}s = {per_k_requests(d) * 1000:.1f} ms/1000 req" if v != "base" else ""
        print(f"  round {d['round']}: {d['rps']:,.0f} req/s, p50 {d['p50']:.0f} us, p99 {d['p99']:.0f} us"
              f"{cpu}{extra}, errors {d['errors']}")
    m = {k: med(d[k] for d in rs) for k in ("rps", "p50", "p99")}
    line = f"  median {m['rps']:,.0f} req/s, p50 {m['p50']:.0f} us, p99 {m['p99']:.0f} us"
    if bmed and v != "base":
        ratio = m["rps"] / bmed["rps"]
        per_round = med(d["rps"] / b["rps"] for d, b in zip(rs, base))
        line += (f"; throughput vs baseline {ratio:.3f} (median of per-round ratios {per_round:.3f}); "
                 f"added p50 {m['p50'] - bmed['p50']:+.0f} us, p99 {m['p99'] - bmed['p99']:+.0f} us")
        results[v] = ratio
    print(line)
    if v != "base":
        cpu_req = med(per_k_requests(d) for d in rs)
        cpu_rps = med(per_k_rps(d) for d in rs)
        print(f"  cpu: {cpu_req:.4f} vCPU-s per 1000 requests; {cpu_rps:.4f} vCPU per 1000 req/s "
              f"({med(d['cpu'] / d['window'] for d in rs):.2f} vCPU at {m['rps']:,.0f} req/s)")
        results[v + ".cpu"] = cpu_rps
    print(f"  nginx cpu {med(d['nginx'] / (d['requests'] / 1000) for d in rs):.4f}, wrk cpu "
          f"{med(d['wrk'] / (d['requests'] / 1000) for d in rs):.4f} vCPU-s per 1000 requests "
          f"(their own time, uprobes and syscall tracepoints included)")
    if "events" in rs[0]:
        print(f"  events ingested {med(d['events'] / d['seconds'] for d in rs):,.0f}/s (summary events / "
              f"wrk duration), ring-buffer drops {sum(d.get('events lost (ring buffer full)', 0) for d in rs)} "
              f"in all rounds, malformed {sum(d.get('malformed events', 0) for d in rs)}")

rate = runs.get("rate", [])
if rate:
    d = rate[0]
    rb = runs.get("ratebase", [None])[0]
    drops = d.get("events lost (ring buffer full)", 0)
    print(f"fixed rate (wrk, {rate_goal:,.0f} req/s aimed at, Lua delay() between requests per connection):")
    if rb:
        print(f"  without agent: {rb['rps']:,.0f} req/s, p50 {rb['p50']:.0f} us, p99 {rb['p99']:.0f} us")
    print(f"  with agent:    {d['rps']:,.0f} req/s, p50 {d['p50']:.0f} us, p99 {d['p99']:.0f} us; events "
          f"{d.get('events', 0)} ({d.get('events', 0) / d['seconds']:,.0f}/s), ring-buffer drops {drops}; "
          f"agent cpu {d['cpu'] / d['window']:.3f} vCPU = {per_k_rps(d):.4f} vCPU per 1000 req/s")
    results["rate.drops"] = drops
    results["rate.rps"] = d["rps"]
    results["rate.cpu"] = per_k_rps(d)

def verdict(ok):
    return "MET" if ok else "NOT MET"
print("targets:")
if "agent" in results:
    print(f"  attached/baseline throughput at saturation >= 0.90: {verdict(results['agent'] >= 0.90)} "
          f"({results['agent']:.3f}; piped {results.get('piped', float('nan')):.3f})")
    # The product path keeps flows for the Observer API; printing JSON lines is a debugging aid.
    cpu_key = "served.cpu" if "served.cpu" in results else "agent.cpu"
    print(f"  agent CPU <= 0.05 vCPU per 1000 req/s: {verdict(results[cpu_key] <= 0.05)} "
          f"(saturation {results[cpu_key]:.4f} with --serve; printing JSON lines {results['agent.cpu']:.4f}"
          + (f", at {results['rate.rps']:,.0f} req/s {results['rate.cpu']:.4f}" if "rate.cpu" in results else "")
          + ")")
if "rate.drops" in results:
    reached = results["rate.rps"] >= 0.95 * rate_goal
    print(f"  no ring-buffer drops at {rate_goal:,.0f} req/s: {verdict(results['rate.drops'] == 0 and reached)} "
          f"({results['rate.drops']} drops at {results['rate.rps']:,.0f} req/s"
          + ("" if reached else f"; only {results['rate.rps'] / rate_goal:.0%} of the rate was reached") + ")")
EOF
