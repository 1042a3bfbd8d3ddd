#!/usr/bin/env bash
# Mounts the kernel file systems the BPF programs and tests use, where a fresh machine lacks them.
# Does nothing without root (the kernel tests then skip, or fail under -Dhmesh.requireKernel=true).
set -euo pipefail
[ "$(id -u)" -eq 0 ] || exit 0
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
mkdir -p /run/netns
# A writable cgroup v2 hierarchy: the agent's Kubernetes mode finds pods by their processes' cgroup v2 paths,
# and its kernel test (KubernetesAgentKernelIT) builds a kubelet-shaped cgroup in it. A host with only cgroup
# v1 controllers, or a read-only cgroup2 mount, gets one of its own (where a hybrid host would have it, else
# under /run).
if ! awk '$3 == "cgroup2" && $4 ~ /^rw/ { found = 1 } END { exit !found }' /proc/self/mounts; then
  for dir in /sys/fs/cgroup/unified /run/hmesh/cgroup2; do
    mkdir -p "$dir" 2>/dev/null && mount -t cgroup2 cgroup2 "$dir" 2>/dev/null && break
  done
fi
