#!/usr/bin/env bash
# JMH benchmark of the sidecar access-log path on one core: Envoy HTTP access-log entries through the
# receiver (stream identity, conversion to flows, sink), AlsPathBenchmark. Prints entries/s (median of the
# measurement iterations, and JMH's mean ± error) for the path with a dropping sink and with a serializing
# sink, and whether the first meets the goal of 100,000 entries/s.
#
# Builds through the reactor (bench_jar in lib.sh), never mvn install.
#
# Environment (all optional):
#   BENCH_CPU=1          core to pin to with taskset ("" or "none": no pinning)
#   BENCH_WI=3 BENCH_W=2s BENCH_I=5 BENCH_R=2s BENCH_F=1
#                        warmup iterations/time, measurement iterations/time, forks
#   BENCH_GOAL=100000    entries/s the path must reach
#   BENCH_OUT=file.json  where JMH writes its JSON result (default: bench/target/als-throughput.json)
#   JMH_ARGS="..."       extra JMH arguments (e.g. "-prof gc")
#   JAVA=java            the java to run
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"
java="${JAVA:-java}"

cpu="${BENCH_CPU-1}"
wi="${BENCH_WI:-3}"; w="${BENCH_W:-2s}"; i="${BENCH_I:-5}"; r="${BENCH_R:-2s}"; f="${BENCH_F:-1}"
goal="${BENCH_GOAL:-100000}"
out="${BENCH_OUT:-$here/target/als-throughput.json}"

. "$here/lib.sh"
bench_jar

pin=()
if [ -n "$cpu" ] && [ "$cpu" != none ]; then
  if command -v taskset >/dev/null 2>&1 && taskset -c "$cpu" true 2>/dev/null; then
    pin=(taskset -c "$cpu")
  else
    echo "als-throughput: cannot pin to CPU $cpu (no taskset or no such CPU); running unpinned" >&2
    cpu=""
  fi
fi

mkdir -p "$(dirname "$out")"
echo "als-throughput: ${pin[*]:-unpinned} $java -jar benchmarks.jar AlsPathBenchmark -wi $wi -w $w -i $i -r $r -f $f ${JMH_ARGS:-}" >&2
# shellcheck disable=SC2086  # JMH_ARGS is a word list on purpose
"${pin[@]}" "$java" -jar "$jar" AlsPathBenchmark -wi "$wi" -w "$w" -i "$i" -r "$r" -f "$f" \
  -rf json -rff "$out" ${JMH_ARGS:-} >&2

python3 - "$out" "$goal" "${cpu:-none}" <<'PY'
import json, statistics, sys

path, goal, cpu = sys.argv[1], float(sys.argv[2]), sys.argv[3]
rows = {}
for r in json.load(open(path)):
    name = r["benchmark"].rsplit(".", 1)[-1]
    m = r["primaryMetric"]
    raw = [x for fork in m.get("rawData", []) for x in fork]
    rows[name] = (statistics.median(raw) if raw else m["score"], m["score"], m.get("scoreError"), len(raw))

print(f"Access-log path, Envoy HTTP entries -> flows (one thread, CPU {cpu}):")
for label, name in (("receiver + conversion", "httpEntries"), ("... + flow serialized", "httpEntriesSerialized")):
    if name in rows:
        med, mean, err, n = rows[name]
        err = "" if not isinstance(err, (int, float)) or err != err else f" ± {err:,.0f}"  # JMH writes "NaN" as text
        print(f"  {label:<24} {med:>12,.0f} entries/s median of {n}  (mean {mean:,.0f}{err})")
if "httpEntries" in rows:
    med = rows["httpEntries"][0]
    print(f"  goal >= {goal:,.0f} entries/s on one core: {'MET' if med >= goal else 'NOT MET'} ({med / goal:.2f}x)")
PY
