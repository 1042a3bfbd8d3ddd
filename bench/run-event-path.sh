#!/usr/bin/env bash
# JMH benchmarks of the agent's Java event paths on one core: L3/L4 (frames -> ConnEvent -> Flow -> sink,
# EventPathBenchmark), HTTP inside TLS (frames -> TlsEvent -> HTTP conversation -> L7 Flow -> sink,
# HttpPathBenchmark) and the product path of `hmesh agent --serve` on the wrk -> nginx stream of
# tls-overhead.sh (the same, then redaction and the flow ring, optionally metrics: ServedTlsPathBenchmark,
# nanoseconds per event; add JMH_ARGS="-prof gc" for bytes allocated per event). Not run by default: the
# HTTP/2 pure core on a netty-written connection (Http2PathBenchmark, frames/s: BENCH_FILTER=Http2PathBenchmark).
#
# Prints events/s for each full path, decode only, assemble only and the full path with the
# JSON-lines printer of `hmesh agent --print jsonl` as sink (median of the measurement
# iterations, and JMH's mean ± error), and whether each full path meets the goal of 1,000,000 events/s.
#
# Environment (all optional):
#   BENCH_CPU=1          core to pin to with taskset ("" or "none": no pinning)
#   BENCH_WI=5 BENCH_W=2s BENCH_I=5 BENCH_R=2s BENCH_F=2
#                        warmup iterations/time, measurement iterations/time, forks
#   BENCH_FILTER=...     JMH benchmark regexp (default: all three,
#                        'EventPathBenchmark|HttpPathBenchmark|ServedTlsPathBenchmark')
#   BENCH_GOAL=1000000   events/s the full path must reach
#   BENCH_H2_GOAL=500000 frames/s the HTTP/2 parse + pair must reach
#   BENCH_OUT=file.json  where JMH writes its JSON result (default: bench/target/event-path.json)
#   JMH_ARGS="..."       extra JMH arguments (e.g. "-prof gc" or "-prof stack")
#   JAVA=java            the java to run
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"
java="${JAVA:-java}"

cpu="${BENCH_CPU-1}"
wi="${BENCH_WI:-5}"; w="${BENCH_W:-2s}"; i="${BENCH_I:-5}"; r="${BENCH_R:-2s}"; f="${BENCH_F:-2}"
filter="${BENCH_FILTER:-EventPathBenchmark|HttpPathBenchmark|ServedTlsPathBenchmark}"
goal="${BENCH_GOAL:-1000000}"
out="${BENCH_OUT:-$here/target/event-path.json}"

. "$here/lib.sh"
bench_jar

pin=()
if [ -n "$cpu" ] && [ "$cpu" != none ]; then
  if command -v taskset >/dev/null 2>&1 && taskset -c "$cpu" true 2>/dev/null; then
    pin=(taskset -c "$cpu")
  else
    echo "bench: cannot pin to CPU $cpu (no taskset or no such CPU); running unpinned" >&2
    cpu=""
  fi
fi

mkdir -p "$(dirname "$out")"
echo "bench: ${pin[*]:-unpinned} $java -jar benchmarks.jar $filter -wi $wi -w $w -i $i -r $r -f $f ${JMH_ARGS:-}" >&2
# shellcheck disable=SC2086  # JMH_ARGS is a word list on purpose
"${pin[@]}" "$java" -jar "$jar" "$filter" -wi "$wi" -w "$w" -i "$i" -r "$r" -f "$f" \
  -rf json -rff "$out" ${JMH_ARGS:-} >&2

python3 - "$out" "$goal" "${cpu:-none}" "${BENCH_H2_GOAL:-500000}" <<'EOF'
import json, statistics, sys

path, goal, cpu, h2goal = sys.argv[1], float(sys.argv[2]), sys.argv[3], float(sys.argv[4])
results = json.load(open(path))
rows = {}
alloc = {}
for r in results:
    name = ".".join(r["benchmark"].rsplit(".", 2)[-2:])
    m = r["primaryMetric"]
    raw = [x for fork in m.get("rawData", []) for x in fork]
    rows[name] = (statistics.median(raw) if raw else m["score"], m["score"], m.get("scoreError"), len(raw))
    norm = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
    if norm:
        alloc[name] = norm["score"]

def line(label, name):
    if name not in rows:
        return
    med, mean, err, n = rows[name]
    err = "" if not isinstance(err, (int, float)) or err != err else f" ± {err:,.0f}"  # JMH writes "NaN" as text
    print(f"  {label:<28} {med:>14,.0f} events/s median of {n}  (mean {mean:,.0f}{err})")

def verdict(name):
    if name in rows:
        med = rows[name][0]
        print(f"  goal >= {goal:,.0f} events/s on one core: {'MET' if med >= goal else 'NOT MET'} "
              f"({med / goal:.2f}x)")

if any(k.startswith("EventPathBenchmark.") for k in rows):
    print(f"Event path benchmark, L3/L4 connection events (one thread, CPU {cpu}):")
    line("full path (decode+assemble)", "EventPathBenchmark.eventPath")
    line("decode only", "EventPathBenchmark.decodeOnly")
    line("assemble only", "EventPathBenchmark.assembleOnly")
    line("full path + JSON-lines sink", "EventPathBenchmark.eventPathJsonSink")
    verdict("EventPathBenchmark.eventPath")
if any(k.startswith("HttpPathBenchmark.") for k in rows):
    print(f"HTTP path benchmark, TLS events of ~256 bytes (one thread, CPU {cpu}):")
    line("full path (decode+HTTP+L7)", "HttpPathBenchmark.httpPath")
    line("decode only", "HttpPathBenchmark.decodeOnly")
    line("full path + JSON-lines sink", "HttpPathBenchmark.httpPathJsonSink")
    verdict("HttpPathBenchmark.httpPath")
if any(k.startswith("Http2PathBenchmark.") for k in rows):
    print(f"HTTP/2 parse + pair, netty-written connection of 2000 streams (one thread, CPU {cpu}):")
    for label, name in (("calls as peers write them", "Http2PathBenchmark.parseAndPair"),
                        ("one call per frame", "Http2PathBenchmark.perFrameCalls")):
        if name in rows:
            med, mean, err, n = rows[name]
            err = "" if not isinstance(err, (int, float)) or err != err else f" ± {err:,.0f}"
            print(f"  {label:<28} {med:>14,.0f} frames/s median of {n}  (mean {mean:,.0f}{err})")
    name = "Http2PathBenchmark.parseAndPair"
    if name in rows:
        med = rows[name][0]
        print(f"  goal >= {h2goal:,.0f} frames/s on one core: {'MET' if med >= h2goal else 'NOT MET'} "
              f"({med / h2goal:.2f}x)")
if any(k.startswith("ServedTlsPathBenchmark.") for k in rows):
    print(f"hmesh agent --serve path, wrk -> nginx keep-alive stream (one thread, CPU {cpu}):")
    for label, name in (("redaction + flow ring", "ServedTlsPathBenchmark.served"),
                        ("+ metrics (--metrics)", "ServedTlsPathBenchmark.servedWithMetrics")):
        if name in rows:
            med, mean, err, n = rows[name]
            a = f", {alloc[name]:,.0f} B allocated per event" if name in alloc else ""
            print(f"  {label:<28} {med:>10,.0f} ns per event median of {n} ({1e9 / med:,.0f} events/s, "
                  f"{4 * med / 1000:.2f} us per request of 4 events){a}")
EOF
