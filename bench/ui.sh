#!/usr/bin/env bash
# The browser UI's targets (io.hybridmesh.cli.ui.UiBench, in cli's test classes): headless Chromium against
# the real gateway and a synthetic Observer server on loopback in one JVM.
#   - first paint of the service map for 500 workloads and 5,000 edges, from navigation start (bundle load and
#     the gateway's aggregation included) to the end of the first frame whose visible canvas holds the drawn
#     workloads (the page checks the pixels; map.jsx, afterDrawn); goal <= 1 s
#   - the live flows page under 2,000 flows/s: flows received, animation frames drawn, the page's worst answer
#     time to the driver and its longest task; goal: it keeps up, dropping frames rather than freezing
# BENCH_PROFILE=1 profiles one load instead: the page's CPU up to the paint, in total and by 100 ms (build the UI
# with HM_UI_NO_MINIFY=1 in the environment for readable function names).
# Screenshots go to bench/target/ui/. Needs chromium (scripts/install-deps.sh) and a build (make build).
#
# Environment (all optional): BENCH_PAINTS=5 BENCH_RATE=2000 BENCH_LIVE_S=20 JAVA=java JAVA_OPTS=-Xmx1g
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$root/cli/target/hmesh.jar"
classes="$root/cli/target/test-classes"
if [ ! -f "$jar" ] || [ ! -f "$classes/io/hybridmesh/cli/ui/UiBench.class" ]; then
  echo "bench: build first (make build compiles cli's test classes too)" >&2
  exit 1
fi
command -v chromium >/dev/null 2>&1 || { echo "bench: chromium is missing (scripts/install-deps.sh)" >&2; exit 1; }
# shellcheck disable=SC2086  # JAVA_OPTS is a word list on purpose
"${JAVA:-java}" ${JAVA_OPTS:--Xmx1g} -cp "$classes:$jar" io.hybridmesh.cli.ui.UiBench \
  "${BENCH_PAINTS:-5}" "${BENCH_RATE:-2000}" "${BENCH_LIVE_S:-20}" "$here/target/ui"
