#!/usr/bin/env bash
# The Observer API's streaming rate to one follower and the flow ring's memory, in one JVM
# (io.hybridmesh.bench.ObserverStreamBench): ObserverServer on 127.0.0.1 over real TCP (Netty), a producer
# thread writing realistic L3/L4 + L7 flows into the RingSink, one gRPC client following with a
# flow-type L7 filter (half the flows match). Prints delivered flows/s per round, the median and the
# spread, and the ring's heap for 65,536 flows (heap delta after GC, and JOL's object-graph size).
#
# Goals: >= 200,000 flows/s delivered to the follower; 65,536 flows in <= 64 MiB.
#
# Environment (all optional):
#   BENCH_ROUNDS=7 BENCH_ROUND_S=5 BENCH_WARMUP_S=10   rounds, seconds per round, warm-up seconds
#   BENCH_CAPACITY=65536                               ring capacity (a power of two)
#   BENCH_PRODUCER_RATE="0 500000"                     producer rates to run, flows/s (0 = full speed)
#   BENCH_BATCH="1 256"                                flows per response the follower asks for (hmesh observe: 256)
#   BENCH_FOLLOWER="decode count"                      the follower decodes every flow, or counts them in the bytes
#   JAVA=java JAVA_OPTS="-Xmx1g"
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"
java="${JAVA:-java}"

. "$here/lib.sh"
bench_jar

echo "bench: load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs" >&2
for follower in ${BENCH_FOLLOWER:-decode count}; do
for batch in ${BENCH_BATCH:-1 256}; do
for rate in ${BENCH_PRODUCER_RATE:-0 500000}; do
  # shellcheck disable=SC2086  # JAVA_OPTS is a word list on purpose
  "$java" ${JAVA_OPTS:--Xmx1g} -cp "$jar" io.hybridmesh.bench.ObserverStreamBench \
    "${BENCH_ROUNDS:-7}" "${BENCH_ROUND_S:-5}" "${BENCH_WARMUP_S:-10}" "${BENCH_CAPACITY:-65536}" "$rate" "$batch" "$follower" \
    2> >(grep -v '^WARNING\|^# WARNING' >&2)
done
done
done
echo "bench: load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
