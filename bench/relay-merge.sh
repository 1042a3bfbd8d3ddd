#!/usr/bin/env bash
# The relay merging live flows from many agents (io.hybridmesh.bench.RelayBench): 50 simulated agents,
# real ObserverServices served in-process, each offered 10,000 flows/s; one client follows through the
# relay. Prints what the client receives per round against what was offered, the median, and the losses.
# Goal (issue 7): the relay keeps up with 50 agents at 10,000 flows/s each.
#
# Environment (all optional): BENCH_AGENTS=50 BENCH_PER_AGENT=10000 BENCH_ROUNDS=5 BENCH_ROUND_S=5
#   BENCH_WARMUP_S=5 JAVA=java JAVA_OPTS="-Xmx1g"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"
. "$here/lib.sh"
bench_jar
echo "bench: load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs" >&2
# shellcheck disable=SC2086  # JAVA_OPTS is a word list on purpose
"${JAVA:-java}" ${JAVA_OPTS:--Xmx1g} -cp "$jar" io.hybridmesh.bench.RelayBench "${BENCH_AGENTS:-50}" \
  "${BENCH_PER_AGENT:-10000}" "${BENCH_ROUNDS:-5}" "${BENCH_ROUND_S:-5}" "${BENCH_WARMUP_S:-5}" 2> >(grep -v 'SLF4J' >&2)
echo "bench: load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
