#!/usr/bin/env bash
# Bundles the UI into $1 (the jar's io/hybridmesh/ui/web/). Installs the npm packages pinned in
# package-lock.json first when node_modules does not hold exactly them (npm ci, from the npm registry).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out="${1:?usage: build.sh OUTPUT_DIR}"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "the UI is built with node and npm, which are missing: run scripts/install-deps.sh (Debian packages nodejs, npm)" >&2
  exit 1
fi
stamp=node_modules/.hmesh-lock-sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
node build.mjs "$out"
