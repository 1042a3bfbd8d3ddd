#!/usr/bin/env bash
# A small mesh on one host: two network namespaces ("web" and "api") joined by a veth pair, nginx in
# "api" (HTTP on 8080, HTTPS on 8443), a curl client in "web", the agent serving the Observer API, and
# `hmesh observe -f` showing every connection and every HTTPS request as it happens. Root only.
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

mkdir -p "$dir/www/api"; head -c 20000 /dev/zero > "$dir/www/catalog.json"; echo '{}' > "$dir/www/api/cart"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=api \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1
cat > "$dir/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1; pid $dir/nginx.pid; error_log $dir/error.log;
events { worker_connections 64; }
http { access_log off; client_body_temp_path $dir/b; proxy_temp_path $dir/p; fastcgi_temp_path $dir/f;
       uwsgi_temp_path $dir/u; scgi_temp_path $dir/s;
       server { listen 8080; root $dir/www; }
       server { listen 8443 ssl; ssl_certificate $dir/cert.pem; ssl_certificate_key $dir/key.pem;
                root $dir/www; location = /api/checkout { return 503; } } }
CONF
ip netns exec "$api" nginx -c "$dir/nginx.conf" -e "$dir/error.log" & nginx_pid=$!

port=$(( 20000 + $$ % 20000 ))
./hmesh agent --standalone --netns "$web" --netns "$api" --serve "127.0.0.1:$port" 2> "$dir/agent.log" &
agent_pid=$!
for _ in $(seq 300); do grep -q observing "$dir/agent.log" 2>/dev/null && break; sleep 0.1; done
grep -q observing "$dir/agent.log" || { cat "$dir/agent.log" >&2; exit 1; }

echo "web ($web, 10.240.0.1) calls api ($api, 10.240.0.2) over HTTP and HTTPS for ${seconds}s;" >&2
echo "the flows, as 'hmesh observe -f --server 127.0.0.1:$port' shows them:" >&2
./hmesh observe --server "127.0.0.1:$port" -f & tail_pid=$!
end=$((SECONDS + seconds))
while [ $SECONDS -lt $end ]; do
  ip netns exec "$web" curl -s -o /dev/null http://10.240.0.2:8080/catalog.json || true
  # One keep-alive HTTPS connection, three requests: read before encryption by the agent's uprobes.
  ip netns exec "$web" curl -sk -o /dev/null -o /dev/null https://10.240.0.2:8443/api/cart \
    https://10.240.0.2:8443/catalog.json --next -sk -o /dev/null -X POST https://10.240.0.2:8443/api/checkout || true
  sleep 1
done
sleep 1
kill "$tail_pid" 2>/dev/null || true
