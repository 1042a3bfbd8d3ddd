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
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then kill -TERM "$p"; wait "$p" 2>/dev/null; fi
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
