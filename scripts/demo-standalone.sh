#!/usr/bin/env bash
# A small mesh on one host: two network namespaces ("web" and "api") joined by a veth pair, nginx in
# "api", a curl client in "web", and the agent printing every connection as JSON. Root only.
# Usage: scripts/demo-standalone.sh [SECONDS]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
[ "$(id -u)" -eq 0 ] || { echo "the demo needs root (network namespaces and BPF): sudo $0" >&2; exit 1; }

suffix=$$
web="hm-web-$suffix"; api="hm-api-$suffix"; dir="$(mktemp -d)"
cleanup() {
  [ -n "${agent_pid:-}" ] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
  [ -n "${nginx_pid:-}" ] && kill "$nginx_pid" 2>/dev/null || true
  ip netns del "$web" 2>/dev/null || true
  ip netns del "$api" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

./scripts/prepare-kernel.sh
ip netns add "$web"; ip netns add "$api"
ip -n "$web" link add eth0 type veth peer name eth0 netns "$api"
ip -n "$web" addr add 10.240.0.1/24 dev eth0; ip -n "$api" addr add 10.240.0.2/24 dev eth0
for ns in "$web" "$api"; do ip -n "$ns" link set eth0 up; ip -n "$ns" link set lo up; done

mkdir -p "$dir/www"; head -c 20000 /dev/zero > "$dir/www/catalog.json"
cat > "$dir/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1; pid $dir/nginx.pid; error_log $dir/error.log;
events { worker_connections 64; }
http { access_log off; client_body_temp_path $dir/b; proxy_temp_path $dir/p; fastcgi_temp_path $dir/f;
       uwsgi_temp_path $dir/u; scgi_temp_path $dir/s;
       server { listen 8080; root $dir/www; } }
CONF
ip netns exec "$api" nginx -c "$dir/nginx.conf" -e "$dir/error.log" & nginx_pid=$!

./hmesh agent --standalone --netns "$web" --netns "$api" --print jsonl > "$dir/flows.jsonl" &
agent_pid=$!
for _ in $(seq 100); do grep -q '"podName"' "$dir/flows.jsonl" 2>/dev/null && break; \
  ip netns exec "$web" curl -s -o /dev/null http://10.240.0.2:8080/catalog.json || true; sleep 0.3; done

echo "web ($web, 10.240.0.1) calls api ($api, 10.240.0.2:8080) for ${seconds}s; flows as the agent prints them:" >&2
end=$((SECONDS + seconds))
tail -n +1 -f "$dir/flows.jsonl" & tail_pid=$!
while [ $SECONDS -lt $end ]; do
  ip netns exec "$web" curl -s -o /dev/null http://10.240.0.2:8080/catalog.json || true
  sleep 1
done
kill "$tail_pid" 2>/dev/null || true
