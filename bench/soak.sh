#!/usr/bin/env bash
# Soak: the demo's traffic at a fixed rate for SOAK seconds (600 by default; SOAK=3600 for an hour), the
# agent sampled every SAMPLE seconds: resident memory, Java heap after a full GC, open descriptors, entries
# in the BPF maps it holds, lost events (root). After the warm-up (WARMUP seconds, 120 by default) each series
# gets a least-squares slope; a series fails when that slope, over the time after warm-up, grows it by more
# than its tolerance (RSS and heap 10% of their mean, map entries 10% of their mean plus 64, descriptors 4),
# and lost events fail when any are lost after warm-up. Prints the samples, the slopes and MET / NOT MET;
# writes the samples to bench/target/soak.csv. Exit status: 1 when a series trends upward.
#
# The demo runs the agent in its own JVM (frontend and backend on the eBPF path, payments with a sidecar
# stand-in), so its process is the agent's. PAUSE (0.05 s) is the frontend's pause between rounds;
# FLOW_CAPACITY (8192) the flows it keeps for the Observer API, small enough to be full within the warm-up
# (the ring filling up is growth by design, not a leak).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
SOAK="${SOAK:-600}"
SAMPLE="${SAMPLE:-30}"
WARMUP="${WARMUP:-120}"
PAUSE="${PAUSE:-0.05}"
FLOW_CAPACITY="${FLOW_CAPACITY:-8192}"
METRICS_PORT="${METRICS_PORT:-19965}"
out="$here/target/soak.csv"

die() { echo "soak: $*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "needs root (the demo's namespaces and BPF)"
for tool in jcmd bpftool python3 curl; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (scripts/install-deps.sh installs it)"
done
. "$here/lib.sh"
bench_agent_command
mkdir -p "$here/target"

log="$(mktemp)"
# shellcheck disable=SC2086  # HMESH is a command line
$HMESH demo --pause "$PAUSE" --flow-capacity "$FLOW_CAPACITY" --metrics "127.0.0.1:$METRICS_PORT" --server "127.0.0.1:$((METRICS_PORT + 1))" \
  --xds none >/dev/null 2>"$log" &
demo=$!
# The verdict's status survives stopping the demo (its wait would otherwise set it).
trap 'rc=$?; kill -TERM $demo 2>/dev/null; wait $demo 2>/dev/null; rm -f "$log"; exit $rc' EXIT
for _ in $(seq 120); do
  grep -q "The eBPF data path is attached\|observing" "$log" 2>/dev/null && break
  curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" >/dev/null 2>&1 && break
  kill -0 $demo 2>/dev/null || { cat "$log" >&2; die "the demo exited"; }
  sleep 1
done
jvm=$demo # java itself (./hmesh execs it): the demo's own children are its workloads
echo "soak: demo pid $jvm, ${SOAK}s, a sample every ${SAMPLE}s, warm-up ${WARMUP}s, frontend pause ${PAUSE}s" >&2

sample() { # t rss_kib heap_kib fds map_entries lost flows
  local t="$1" rss heap fds maps=0 lost flows id
  rss="$(awk '/^VmRSS/ {print $2}' "/proc/$jvm/status")"
  jcmd "$jvm" GC.run >/dev/null 2>&1 || true
  heap="$(jcmd "$jvm" GC.heap_info 2>/dev/null | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {v=$(i+1); sub(/K,?/,"",v); print v; exit}}')"
  fds="$(ls "/proc/$jvm/fd" | wc -l)"
  # The maps this process holds, from its descriptors' fdinfo (bpftool here cannot name holders); hash kinds
  # only (BPF_MAP_TYPE_HASH 1, PERCPU_HASH 5, LRU_HASH 9, LRU_PERCPU_HASH 10): arrays are fixed size.
  for id in $(grep -l '^map_type:' /proc/"$jvm"/fdinfo/* 2>/dev/null | xargs -r awk '
      /^map_type:/ {t=$2} /^map_id:/ {if (t==1||t==5||t==9||t==10) print $2}' | sort -u); do
    maps=$((maps + $(bpftool map dump id "$id" -j 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' || echo 0)))
  done
  local metrics
  metrics="$(curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" || true)"
  lost="$(awk '/^hmesh_lost_events_total/ {s+=$2} END {print s+0}' <<<"$metrics")"
  flows="$(awk '/^hmesh_flows_processed_total/ {s+=$2} END {print s+0}' <<<"$metrics")"
  echo "$t,$rss,${heap:-0},$fds,$maps,$lost,$flows"
}

echo "seconds,rss_kib,heap_after_gc_kib,fds,bpf_map_entries,lost_events,flows" >"$out"
start=$(date +%s)
while :; do
  now=$(( $(date +%s) - start ))
  kill -0 "$jvm" 2>/dev/null || die "the demo died at ${now}s (see its log: $(tail -3 "$log"))"
  sample "$now" | tee -a "$out" >&2
  [ "$now" -ge "$SOAK" ] && break
  sleep "$SAMPLE"
done

python3 - "$out" "$WARMUP" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
warm = float(sys.argv[2])
rows = [r for r in rows if float(r["seconds"]) >= warm]
if len(rows) < 3:
    print("soak: too few samples after warm-up for a slope (run longer)"); sys.exit(2)
t = [float(r["seconds"]) for r in rows]
def slope(y):
    mt, my = sum(t) / len(t), sum(y) / len(y)
    den = sum((a - mt) ** 2 for a in t)
    return sum((a - mt) * (b - my) for a, b in zip(t, y)) / den if den else 0.0
span = t[-1] - t[0]
failed = False
flows = [float(r["flows"]) for r in rows]
print(f"soak: {len(rows)} samples over {span:.0f}s after warm-up; {(flows[-1]-flows[0])/span if span else 0:.0f} flows/s")
for col, name, tol in (("rss_kib", "RSS (KiB)", lambda m: 0.10 * m), ("heap_after_gc_kib", "heap after GC (KiB)", lambda m: 0.10 * m),
                       ("bpf_map_entries", "BPF map entries", lambda m: 0.10 * m + 64), ("fds", "open descriptors", lambda m: 4)):
    y = [float(r[col]) for r in rows]
    m = sum(y) / len(y)
    growth = slope(y) * span
    ok = growth <= tol(m)
    failed |= not ok
    print(f"  {name:22s} mean {m:12.0f}  first {y[0]:10.0f}  last {y[-1]:10.0f}  trend {growth:+10.0f} over the run"
          f" (tolerance {tol(m):.0f}): {'flat' if ok else 'TRENDS UPWARD'}")
lost = [float(r["lost_events"]) for r in rows]
ok = lost[-1] - lost[0] == 0
failed |= not ok
print(f"  {'lost events':22s} {lost[-1]-lost[0]:.0f} after warm-up ({lost[-1]:.0f} in all): {'none' if ok else 'LOST'}")
print("target (issue 17): nothing trends upward after warm-up:", "NOT MET" if failed else "MET")
sys.exit(1 if failed else 0)
PY
