# Shared by the benchmark scripts; sourced, not run. Expects $root (the repository) and a die().

# The agent command in $HMESH. ./hmesh rebuilds whenever a source is newer than the jar, which would
# land inside a timed round while other work goes on in the tree: build (if needed) once through it,
# then run the jar.
bench_agent_command() {
  local jar="$root/cli/target/hmesh.jar"
  if [ -z "${HMESH:-}" ]; then
    "$root/hmesh" --help >/dev/null 2>&1 || [ -f "$jar" ] || die "cannot build the agent (try make build)"
    [ -f "$jar" ] || die "$jar is missing"
    HMESH="java ${HMESH_JAVA_OPTS:-} -jar $jar"
  fi
}

# Names for two namespaces joined by a veth pair, unique to this run (its pid) and short enough for
# interface names (15 characters): bench_pair_names PREFIX SECOND_OCTET sets nsA nsB vethA vethB addrA
# addrB.
bench_pair_names() {
  local tag="$1$$"
  nsA="${tag}a"; nsB="${tag}b"
  vethA="${tag}a0"; vethB="${tag}b0"
  local octet=$(( ($$ % 200) + 20 ))
  addrA="10.$2.$octet.1"; addrB="10.$2.$octet.2"
}

# Creates the pair named by bench_pair_names and checks that A reaches B.
bench_pair_up() {
  ip netns add "$nsA"
  ip netns add "$nsB"
  ip link add "$vethA" netns "$nsA" type veth peer name "$vethB" netns "$nsB"
  ip -n "$nsA" addr add "$addrA/24" dev "$vethA"
  ip -n "$nsB" addr add "$addrB/24" dev "$vethB"
  for ns in "$nsA" "$nsB"; do ip -n "$ns" link set lo up; done
  ip -n "$nsA" link set "$vethA" up
  ip -n "$nsB" link set "$vethB" up
  ip netns exec "$nsA" ping -c 1 -W 2 "$addrB" >/dev/null || die "no connectivity between $nsA and $nsB"
}

bench_pair_down() {
  ip netns del "$nsA" 2>/dev/null
  ip netns del "$nsB" 2>/dev/null
}

# Stops the processes named by pid (empty ones skipped) and waits for each.
bench_stop() {
  local p
  for p in "$@"; do
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then kill -TERM "$p"; wait "$p" 2>/dev/null || true; fi
  done
}

# bench/target/benchmarks.jar, rebuilt through the reactor (nothing installed) when a main source of a
# module it carries, or the bench module itself, is newer than it. Needs $root.
bench_jar() {
  local jar="$root/bench/target/benchmarks.jar" log
  if [ -f "$jar" ] && [ -z "$(find "$root/bench/src" "$root/bench/pom.xml" "$root"/{api,jni,ebpf-agent,xds,controller}/src/main \
      -newer "$jar" -type f -print -quit)" ]; then
    return 0
  fi
  echo "bench: building $jar (reactor build, nothing installed) ..." >&2
  log="$(mktemp)"
  if ! (cd "$root" && mvn -B -ntp -q -pl bench -am package -DskipTests) >"$log" 2>&1; then
    tail -50 "$log" >&2; rm -f "$log"; return 1
  fi
  rm -f "$log"
}

# The side-by-side load runs of tls-overhead.sh and plaintext-overhead.sh. They expect, besides $root and
# die(): $work (the run's directory), $nsA and $nsB (from bench_pair_names), $python, $ticks (CLK_TCK),
# $nginx_pid, $HMESH (bench_agent_command), $AGENT_OPTS, $SETTLE, $BPF_STATS, $THREADS, $CONNS, $WARM and
# $DURATION; start_agent sets $agent_pid.

cpu_ticks() { # $1: pid; utime + stime of the process (all its threads) in clock ticks
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
# A JVM's CPU in clock ticks by thread group, space-separated: its event thread (hmesh-agent-event), its
# JIT compilers (C1, C2), garbage collection and the VM's own threads, all the others. Nothing for a process
# without JIT compiler threads (not a JVM: HAProxy, a loader). $1: pid.
jvm_thread_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    printf '%s\t' "$(cat "$t/comm" 2>/dev/null)"
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "$t/stat" 2>/dev/null || echo 0
  done | awk -F'\t' '
    $1 ~ /^C[12] Compiler/ { jit += $2; jvm = 1; next }
    $1 ~ /^hmesh-agent-eve/ { event += $2; next }
    $1 ~ /^(GC |G1 |VM )/ { gc += $2; next }
    { other += $2 }
    END { if (jvm) print event + 0, jit + 0, gc + 0, other + 0 }'
}

jit_drained() { # $1: pid; waits until its JIT compilers took no CPU for 0.6 s (at most 10 s), prints their ticks
  local last now i
  last="$(jvm_thread_ticks "$1" | awk '{ print $2 }')"
  for i in $(seq 16); do
    sleep 0.6
    now="$(jvm_thread_ticks "$1" | awk '{ print $2 }')"
    [ "$now" = "$last" ] && break
    last="$now"
  done
  echo "$now"
}

# Lets a JVM's just-in-time compilers finish before a timed window: a long-running agent has its event path
# compiled, and the compile queue a saturated warm-up leaves (the compilers yield with the event thread, so
# they wait for idle CPU) would otherwise be worked off inside the window (measured: 0.1-0.7 s of compiler
# CPU in a 5 s window, 1-9 us a request, varying with how much the warm-up left). Each new client also takes
# branches the compiled code has not seen and has it recompiled, so after a pause that lets the queue drain
# (the machine idle), warm-up runs follow, each with its own pause, until one of them and its pause took at
# most JIT_QUIET (5) ticks of compiler CPU, or WARM_MORE (4) of them ran. Prints the runs it added and the
# compiler ticks of the last. $1: name, $2: pid.
settle_jit() {
  local name=$1 pid=$2 more=0 start now
  now="$(jit_drained "$pid")"
  start="$now"
  while [ "$more" -lt "${WARM_MORE:-4}" ]; do
    start="$now"
    more=$(( more + 1 ))
    ip netns exec "$nsA" "${WARMCMD[@]}" >>"$work/warm-$name.log" 2>&1 || die "warm-up failed for $name"
    now="$(jit_drained "$pid")"
    [ $(( now - start )) -le "${JIT_QUIET:-5}" ] && break
  done
  echo "$more $(( now - start ))"
}

machine_counters() { # one read of /proc/stat: busy ticks of all CPUs (all but idle and iowait), context
  # switches since boot, and steal ticks (the hypervisor ran something else while this machine's CPUs
  # wanted to run), space-separated
  awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; steal = $9 } /^ctxt / { ctxt = $2 }
       END { print busy, ctxt, steal }' /proc/stat
}

start_agent() { # $1: log file, $2: sink (null | wc | serve), $3...: extra agent options
  local log=$1 out=$2 ns watch=()
  shift 2
  # Both ends are watched unless a variant names the namespaces in $AGENT_NETNS (the server's alone, say).
  for ns in ${AGENT_NETNS:-$nsA $nsB}; do watch+=(--netns "$ns"); done
  # shellcheck disable=SC2086  # HMESH and AGENT_OPTS are command lines
  if [ "$out" = wc ]; then
    $HMESH agent --standalone "${watch[@]}" --print jsonl $AGENT_OPTS "$@" > >(wc -l >"$log.lines") 2>"$log" &
  elif [ "$out" = serve ]; then
    $HMESH agent --standalone "${watch[@]}" --serve "127.0.0.1:$(( 20000 + $$ % 20000 ))" \
      $AGENT_OPTS "$@" >/dev/null 2>"$log" &
  else
    $HMESH agent --standalone "${watch[@]}" --print jsonl $AGENT_OPTS "$@" >/dev/null 2>"$log" &
  fi
  agent_pid=$!
  await_observing "$log" "$agent_pid" 300 "the agent"
  sleep "$SETTLE"
}

# Waits until a log says "observing". $1: the log, $2: the pid writing it (dying first is an error), $3: the
# longest wait in tenths of a second, $4: what it is, for the message.
await_observing() {
  local i
  for i in $(seq "$3"); do
    if grep -q "observing" "$1"; then return 0; fi
    kill -0 "$2" 2>/dev/null || { cat "$1" >&2; die "$4 exited before observing"; }
    sleep 0.1
  done
  cat "$1" >&2; die "$4 did not start observing within $(( $3 / 10 ))s"
}

# With BPF_STATS=1, the loaded programs with their run counts and times, beside the log $1 (as .progs.json):
# taken before the process that loaded them stops.
keep_program_stats() {
  [ "$BPF_STATS" != 1 ] || bpftool -j prog show >"${1%.log}.progs.json" 2>/dev/null || true
}

stop_agent() { # $1: log file
  keep_program_stats "$1"
  kill -TERM "$agent_pid"
  wait "$agent_pid" || true
  agent_pid=""
  grep -Eq 'detached[^;]*; [{]?events' "$1" || { cat "$1" >&2; die "no agent summary in $1"; }
}

# One timed run of a load generator after an untimed warm-up of the same kind. $1: name, $2: pid whose CPU
# to measure ("" for none), $3: warm-up seconds, $4...: the load command (run in the client namespace under
# time(1)). Appends "name agent_or_proxy_cpu nginx_cpu client_cpu machine_cpu window warm_requests
# switches steal" to $work/cpu.tsv: CPU in seconds; switches, the machine's context switches in the window
# (they tell an observer that interrupts the workload often from one that costs it CPU only); steal, the
# seconds the hypervisor gave this machine's CPUs to others while they wanted to run (a neighbour's load,
# not ours). The command's output goes to $work/out-$name.log. The warm-up's requests are counted so
# that the agent's event counters (which run from its start) can be read per request.
timed() {
  local name=$1 pid=$2 warm=$3; shift 3
  local before=0 after=0 t0 t1 nb na mb ma sb sa xb xa more quiet
  rm -f "$work/warm-$name.log"
  if [ "$warm" != 0 ]; then
    # The warm-up runs the same load (WARMCMD) twice: the agent's JIT compiles its event path during the
    # first, and the second (a new process, new connections) takes the branches a fresh client takes, so
    # that their recompilation happens here and not in the timed window.
    ip netns exec "$nsA" "${WARMCMD[@]}" >"$work/warm-$name.log" 2>&1 || die "warm-up failed for $name"
    ip netns exec "$nsA" "${WARMCMD[@]}" >>"$work/warm-$name.log" 2>&1 || die "warm-up failed for $name"
    # Saturating runs (wrk_run, h2_run) time a JVM at its steady state: see settle_jit.
    if [ "${settle:-0}" = 1 ] && [ -n "$pid" ] && [ -n "$(jvm_thread_ticks "$pid")" ]; then
      read -r more quiet <<<"$(settle_jit "$name" "$pid")"
      echo "  $name: $more more warm-up run(s) for the agent's JIT compilers; the last and its pause took $quiet" \
        "ticks of their CPU (quiet: ${JIT_QUIET:-5})" >&2
    fi
  fi
  [ -z "$pid" ] || before="$(cpu_ticks "$pid")"
  local threads_before=""
  [ -z "$pid" ] || threads_before="$(jvm_thread_ticks "$pid")"
  nb="$(cpu_ticks "$nginx_pid")"; read -r mb sb xb <<<"$(machine_counters)"
  local perf_pid=""
  if [ -n "${PERF:-}" ]; then # a whole-machine profile of the timed window, kept as $PERF/perf-<name>.data
    command -v perf >/dev/null 2>&1 || die "PERF is set but perf is missing (apt-get install linux-perf)"
    mkdir -p "$PERF"
    perf record -q -a -g -F "${PERF_FREQ:-1999}" -o "$PERF/perf-$name.data" >/dev/null 2>&1 &
    perf_pid=$!
    sleep 0.3
  fi
  t0="$(date +%s.%N)"
  ip netns exec "$nsA" /usr/bin/time -f "%U %S" -o "$work/time-$name" "$@" >"$work/out-$name.log" 2>&1 \
    || { cat "$work/out-$name.log" >&2; die "load failed for $name"; }
  t1="$(date +%s.%N)"
  if [ -n "$perf_pid" ]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
  [ -z "$pid" ] || after="$(cpu_ticks "$pid")"
  if [ -n "$threads_before" ]; then # the JVM's CPU over the window by thread group, in seconds
    paste -d' ' <(tr ' ' '\n' <<<"$threads_before") <(jvm_thread_ticks "$pid" | tr ' ' '\n') \
      | awk -v n="$name" -v hz="$ticks" 'BEGIN { printf "%s", n } { printf "\t%.3f", ($2 - $1) / hz } END { print "" }' \
      >>"$work/threads.tsv"
  fi
  na="$(cpu_ticks "$nginx_pid")"; read -r ma sa xa <<<"$(machine_counters)"
  cat "$work/out-$name.log" >>"$work/load.log"
  "$python" - "$name" "$(( after - before ))" "$(( na - nb ))" "$work/time-$name" "$(( ma - mb ))" "$ticks" \
    "$t0" "$t1" "$work/warm-$name.log" "$(( sa - sb ))" "$(( xa - xb ))" >>"$work/cpu.tsv" <<'EOF'
import os, re, sys
name, proc, nginx, timefile, machine, hz, t0, t1, warm, switches, steal = sys.argv[1:]
hz = int(hz)
client = sum(float(x) for x in open(timefile).read().split()[-2:])
text = open(warm).read() if os.path.exists(warm) else ""
warm_requests = sum(int(x) for x in re.findall(r"(\d+) requests in", text) + re.findall(r"requests: (\d+) total", text))
print(f"{name}\t{int(proc) / hz:.3f}\t{int(nginx) / hz:.3f}\t{client:.3f}\t{int(machine) / hz:.3f}"
      f"\t{float(t1) - float(t0):.3f}\t{warm_requests}\t{switches}\t{int(steal) / hz:.3f}")
EOF
}

# Writes $work/nginx.conf for the benchmarks' server: one worker and no master (its pid is the server's), logs
# and temporary files under $work, keep-alive for as long as a run lasts. $1: the rest of the http block (TLS
# settings, the server block), indented by two.
bench_nginx_conf() {
  mkdir -p "$work/nginx"
  cat >"$work/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
$1
}
EOF
}

# The HAProxy hop runs for its own windows only. A pod on the eBPF path has no proxy in it; an idle HAProxy
# left in the server's namespace would be one more watched process mapping libssl, whose uprobe links every
# TLS call of nginx then walks (about 70 ns a hit each, README "Benchmarks"). Needs $haproxy_bin, $nsA, $nsB,
# $work/haproxy.cfg and a ready() that says whether a URL answers; sets $haproxy_pid. $1: the hop's URL.
proxy_up() {
  local _
  ip netns exec "$nsB" "$haproxy_bin" -db -f "$work/haproxy.cfg" >>"$work/haproxy.log" 2>&1 &
  haproxy_pid=$!
  for _ in $(seq 50); do ready "$1" && return 0; sleep 0.1; done
  cat "$work/haproxy.log" >&2; die "haproxy does not answer on $1"
}

proxy_down() {
  bench_stop "$haproxy_pid"
  haproxy_pid=""
}

# Whether round $1 ran undisturbed: none of its timed windows lost more than $STEAL_LIMIT percent of its CPU
# to steal (the time the hypervisor gave this machine's CPUs to others while they wanted to run). A round that
# did compared its variants under different machines; run_rounds runs another in its place, and
# overhead-summary.py (which holds the rule) gives its medians over the undisturbed rounds. Says which window
# lost how much.
round_undisturbed() {
  STEAL_LIMIT="$STEAL_LIMIT" "$python" "$root/bench/overhead-summary.py" --disturbed "$work" "$1"
}

# Runs ROUNDS undisturbed rounds (round_undisturbed), with at most EXTRA_ROUNDS more in place of disturbed ones.
# $1: the function that runs one round, given its number.
run_rounds() {
  local r=0 undisturbed=0
  while [ "$undisturbed" -lt "$ROUNDS" ] && [ "$r" -lt $(( ROUNDS + EXTRA_ROUNDS )) ]; do
    r=$(( r + 1 ))
    echo " round $r" >&2
    "$1" "$r"
    if round_undisturbed "$r"; then undisturbed=$(( undisturbed + 1 )); fi
  done
}

wrk_run() { # $1: name, $2: url, $3: pid whose CPU to measure
  WARMCMD=(wrk -t"$THREADS" -c"$CONNS" -d"$(( (WARM + 1) / 2 ))s" "$2")
  settle=1 timed "$1" "$3" "$WARM" wrk --latency -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "$2"
  "$python" - "$work/out-$1.log" "$1" >>"$work/runs.tsv" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
def us(v, unit):
    return float(v) * {"us": 1, "ms": 1e3, "s": 1e6, "m": 60e6, "h": 3600e6}[unit]
m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", text)
if not m:
    sys.exit(f"bench: no request count in wrk output:\n{text}")
lat = {p: us(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)}
errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
errors += sum(int(x) for x in re.findall(r"Non-2xx or 3xx responses: (\d+)", text))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
print(f"{sys.argv[2]}\t{m.group(1)}\t{rps:.1f}\t{lat.get('50', 0):.1f}\t{lat.get('99', 0):.1f}\t{errors}")
EOF
  tail -1 "$work/runs.tsv" | awk -F'\t' '{ printf "  %-12s %7.0f req/s  p50 %6.0f us  p99 %6.0f us  errors %s\n", $1, $3, $4, $5, $6 }' >&2
}

# The common start of the side-by-side HTTP benchmarks (tls-overhead.sh, plaintext-overhead.sh): the agent
# command, two namespaces joined by a veth pair, a work directory, kernel.bpf_stats_enabled with BPF_STATS=1,
# and a trap that stops the agent, HAProxy and nginx and undoes all of it however the script ends (KEEP_LOGS
# keeps the logs). $1: the work directory's prefix, $2 and $3: bench_pair_names' prefix and second octet.
bench_side_by_side_begin() {
  bench_agent_command
  bench_pair_names "$2" "$3"
  work="$(mktemp -d "/tmp/$1.XXXXXX")"
  agent_pid=""; nginx_pid=""; haproxy_pid=""
  trap bench_side_by_side_end EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  bench_pair_up
  if [ "$BPF_STATS" = 1 ]; then
    command -v bpftool >/dev/null 2>&1 || die "BPF_STATS=1 needs bpftool (scripts/install-deps.sh installs it)"
    stats_was="$(sysctl -n kernel.bpf_stats_enabled)"
    sysctl -qw kernel.bpf_stats_enabled=1
  fi
}

bench_side_by_side_end() {
  local rc=$?
  set +e
  bench_stop "$agent_pid" "${floor_pid:-}" "$haproxy_pid" "$nginx_pid"
  [ -z "${stats_was:-}" ] || sysctl -qw "kernel.bpf_stats_enabled=$stats_was"
  bench_pair_down
  if [ -n "${KEEP_LOGS:-}" ]; then mkdir -p "$KEEP_LOGS" && cp "$work"/*.log "$work"/*.tsv "$KEEP_LOGS"/ 2>/dev/null; fi
  rm -rf "$work"
  exit "$rc"
}
