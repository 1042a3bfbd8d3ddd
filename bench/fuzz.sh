#!/usr/bin/env bash
# The fuzz campaigns in long mode: the same four targets CI runs at scale 1 (`make test`: ELF reader and
# prober 10,000 damaged binaries, x86 decoder and probe-site selector 10,000 mutated libssl entries, HTTP/1.x
# and HTTP/2 100,000 hostile conversations each, ~2.5 minutes here), FUZZ_SCALE times as many inputs.
# Prints one line per campaign (inputs, time, slowest input, findings); exits non-zero on a finding, with the
# seeds to replay it (-Dhmesh.fuzz.seed=SEED -Dhmesh.fuzz.scale=0 runs that one input).
#
# Environment: FUZZ_SCALE=10 (about 25 minutes here), FUZZ_FILTER='*FuzzCampaignIT' (one campaign: e.g.
# Http2FuzzCampaignIT), FUZZ_SEED (a base seed, for a repeatable run).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
scale="${FUZZ_SCALE:-10}"
filter="${FUZZ_FILTER:-*FuzzCampaignIT}"
seed=()
[ -z "${FUZZ_SEED:-}" ] || seed=("-Dhmesh.fuzz.seed=$FUZZ_SEED")

cd "$root"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "fuzz: scale $scale, $filter" >&2
status=0
mvn -B -ntp -q -pl ebpf-agent -am verify -Dtest=none -Dit.test="$filter" -Dhmesh.fuzz.scale="$scale" \
  "${seed[@]}" -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dfailsafe.timeout=0 >"$log" 2>&1 || status=$?
grep -h '^fuzz ' ebpf-agent/target/failsafe-reports/*FuzzCampaignIT-output.txt 2>/dev/null \
  || grep '^fuzz ' "$log" || true
if [ "$status" -ne 0 ]; then
  grep -E 'findings|seed ' "$log" | head -20 >&2
  echo "fuzz: FAILED (see the seeds above)" >&2
fi
exit "$status"
