#!/usr/bin/env bash
# TCP throughput between two network namespaces with and without the agent's TC programs (root).
#
# Two fresh namespaces joined by a veth pair; iperf3 -s in one. Each round runs the iperf3 client
# without the agent, then with `hmesh agent --standalone` watching both namespaces, so slow drift of a
# noisy machine hits both sides alike. Prints every round, the medians, the ratio with/without (goal
# >= 0.97) and the ring-buffer drops summed from the agents' exit summaries. Then the same for many short
# connections (connect, 1 request/response, close), which stresses the event path rather than the
# per-packet path. Exits non-zero on errors only, never for a missed goal.
#
# Environment (all optional):
#   ROUNDS=5 DURATION=5     rounds, seconds per iperf3 run
#   OMIT=1                  seconds of each iperf3 run left out of its result (slow start)
#   SHORT_ROUNDS=3          rounds of the short-connection test (0: skip it)
#   SHORT_DURATION=5        seconds per short-connection run
#   SHORT_CLIENTS=2         concurrent short-connection clients
#   SETTLE=2                seconds between the agent saying "observing" and the timed run (JVM start-up
#                           and JIT compilation would otherwise land in it on a small machine)
#   GOAL=0.97               throughput ratio to meet
#   HMESH="java -jar cli/target/hmesh.jar"   how to start the agent (default: the built jar; see below)
#   KEEP_LOGS=dir           keep the agents' logs there
#   AGENT_ARGS="--no-tls"   agent options (default --no-tls: this measures the TC programs; the TLS
#                           path adds syscall tracepoints that fire on every read and write)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
ROUNDS="${ROUNDS:-5}"
DURATION="${DURATION:-5}"
OMIT="${OMIT:-1}"
SHORT_ROUNDS="${SHORT_ROUNDS:-3}"
SHORT_DURATION="${SHORT_DURATION:-5}"
SHORT_CLIENTS="${SHORT_CLIENTS:-2}"
GOAL="${GOAL:-0.97}"
SETTLE="${SETTLE:-2}"

die() { echo "tc-throughput: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, TC programs)"
for tool in ip iperf3 python3; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (scripts/install-deps.sh installs it)"
done
python="$(command -v python3)"

. "$here/lib.sh"
bench_agent_command
bench_pair_names hmb 251
work="$(mktemp -d /tmp/tc-throughput.XXXXXX)"
agent_pid=""; server_pid=""; short_server_pid=""

cleanup() {
  local rc=$?
  set +e
  bench_stop "$agent_pid" "$server_pid" "$short_server_pid"
  bench_pair_down
  if [ -n "${KEEP_LOGS:-}" ]; then mkdir -p "$KEEP_LOGS" && cp "$work"/*.log "$KEEP_LOGS"/ 2>/dev/null; fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_pair_up
# Short connections leave TIME_WAIT sockets behind: let the client reuse them and use every port, or
# the connection rate collapses after a few seconds whatever the agent does.
for ns in "$nsA" "$nsB"; do
  ip netns exec "$ns" sysctl -q -w net.ipv4.tcp_tw_reuse=1 net.ipv4.ip_local_port_range="1024 65535" \
    || die "cannot set sysctls in $ns"
done

ip netns exec "$nsB" iperf3 -s -B "$addrB" >"$work/iperf3-server.log" 2>&1 &
server_pid=$!

# Short connections: a server that answers one line and closes, clients that open as many such
# connections as they can for a while and print how many they completed.
cat >"$work/crr.py" <<'EOF'
import socket, sys, threading, time
mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if mode == "server":
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port)); s.listen(1024)
    def serve(c):
        with c:
            if c.recv(64):
                c.sendall(b"ok\n")
    while True:
        c, _ = s.accept()
        serve(c)
else:
    seconds, clients = float(sys.argv[4]), int(sys.argv[5])
    counts = [0] * clients
    deadline = time.monotonic() + seconds
    def run(i):
        while time.monotonic() < deadline:
            c = socket.create_connection((host, port))
            c.sendall(b"hi\n"); c.recv(64); c.close()
            counts[i] += 1
    ts = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    start = time.monotonic()
    for t in ts: t.start()
    for t in ts: t.join()
    print(sum(counts) / (time.monotonic() - start))
EOF
short_port=5399

for _ in $(seq 50); do
  ip netns exec "$nsA" iperf3 -c "$addrB" -t 1 -J >/dev/null 2>&1 && break
  sleep 0.1
done

start_agent() { # $1: log file
  # shellcheck disable=SC2086  # HMESH is a command line
  $HMESH agent --standalone --netns "$nsA" --netns "$nsB" --print jsonl ${AGENT_ARGS---no-tls} >/dev/null 2>"$1" &
  agent_pid=$!
  local i
  for i in $(seq 300); do
    if grep -q "observing" "$1"; then sleep "$SETTLE"; return 0; fi
    kill -0 "$agent_pid" 2>/dev/null || { cat "$1" >&2; agent_pid=""; die "the agent exited before observing"; }
    sleep 0.1
  done
  cat "$1" >&2; die "the agent did not start observing within 30s"
}

stop_agent() {
  kill -TERM "$agent_pid"
  wait "$agent_pid" || true
  agent_pid=""
}

iperf() { # prints bits/s received
  ip netns exec "$nsA" iperf3 -c "$addrB" -t "$((DURATION + OMIT))" -O "$OMIT" -J >"$work/iperf3.json" \
    || { cat "$work/iperf3.json" >&2; die "iperf3 client failed"; }
  "$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"])' \
    "$work/iperf3.json"
}

short() { # prints connections/s
  ip netns exec "$nsA" "$python" "$work/crr.py" client "$addrB" "$short_port" "$SHORT_DURATION" "$SHORT_CLIENTS" \
    || die "short-connection client failed"
}

measure() { # $1: name, $2: rounds, $3: function; writes $work/$1.tsv lines "round without with"
  local name=$1 rounds=$2 fn=$3 r without with
  : >"$work/$name.tsv"
  for r in $(seq "$rounds"); do
    without="$($fn)"
    start_agent "$work/agent-$name-$r.log"
    with="$($fn)" || { stop_agent; exit 1; }
    stop_agent
    grep -Eq 'detached[^;]*; [{]?events' "$work/agent-$name-$r.log" || { cat "$work/agent-$name-$r.log" >&2; die "no agent summary"; }
    printf '%s\t%s\t%s\n' "$r" "$without" "$with" >>"$work/$name.tsv"
    printf '  round %s: without %s, with %s\n' "$r" "$without" "$with" >&2
  done
}

echo "tc-throughput: $nsA ($addrA) <-> $nsB ($addrB); $ROUNDS rounds of ${DURATION}s iperf3, $(nproc) CPUs" >&2
measure tcp "$ROUNDS" iperf
if [ "$SHORT_ROUNDS" -gt 0 ]; then
  ip netns exec "$nsB" "$python" "$work/crr.py" server "$addrB" "$short_port" >"$work/crr-server.log" 2>&1 &
  short_server_pid=$!
  sleep 0.5
  echo "tc-throughput: short connections, $SHORT_ROUNDS rounds of ${SHORT_DURATION}s, $SHORT_CLIENTS clients" >&2
  measure short "$SHORT_ROUNDS" short
fi

"$python" - "$work" "$GOAL" <<'EOF'
import glob, os, re, statistics, sys
work, goal = sys.argv[1], float(sys.argv[2])

def summary(name, rnd="*"):
    tot = {}
    for log in glob.glob(os.path.join(work, f"agent-{name}-{rnd}.log")):
        text = open(log).read()
        # "hmesh: detached; {events=1, ...}" or "hmesh: detached everything; events 1, ..."
        m = re.search(r"detached[^;\n]*; \{?(events[^}\n]*)\}?", text)
        if not m:
            continue
        for item in m.group(1).split(", "):
            kv = re.fullmatch(r"\s*(.*?)\s*[= ]\s*(-?\d+)\s*", item)
            if kv:
                tot[kv.group(1)] = tot.get(kv.group(1), 0) + int(kv.group(2))
    return tot

def report(name, title, unit, scale, fmt):
    path = os.path.join(work, f"{name}.tsv")
    if not os.path.exists(path):
        return
    rows = [l.split("\t") for l in open(path).read().split("\n") if l]
    if not rows:
        return
    wo = [float(r[1]) for r in rows]
    wi = [float(r[2]) for r in rows]
    print(f"{title}:")
    for r, a, b in zip(range(1, len(rows) + 1), wo, wi):
        d = summary(name, r)
        print(f"  round {r}: without {a / scale:{fmt}} {unit}, with {b / scale:{fmt}} {unit}, ratio {b / a:.3f}"
              f"  (events {d.get('events', 0)}, drops {d.get('events lost (ring buffer full)', 0)})")
    mwo, mwi = statistics.median(wo), statistics.median(wi)
    ratio = mwi / mwo
    print(f"  median without {mwo / scale:{fmt}} {unit}, with {mwi / scale:{fmt}} {unit}; "
          f"ratio with/without {ratio:.3f} (goal >= {goal}: {'MET' if ratio >= goal else 'NOT MET'})")
    print(f"  median of per-round ratios {statistics.median(b / a for a, b in zip(wo, wi)):.3f}")
    s = summary(name)
    print(f"  agents: events {s.get('events', 0)}, ring-buffer drops "
          f"{s.get('events lost (ring buffer full)', 0)}, packets seen {s.get('packets seen', 0)}, "
          f"malformed {s.get('malformed events', 0)}, connection table full {s.get('connection table full', 0)}")

report("tcp", "TCP bulk throughput (iperf3, 1 stream)", "Gbit/s", 1e9, ".2f")
report("short", "Short connections (connect, 1 request/response, close)", "conn/s", 1, ",.0f")
EOF
