#!/usr/bin/env bash
# Mounts the kernel file systems the BPF programs and tests use, where a fresh machine lacks them.
# Does nothing without root (the kernel tests then skip, or fail under -Dhmesh.requireKernel=true).
set -euo pipefail
[ "$(id -u)" -eq 0 ] || exit 0
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
mkdir -p /run/netns
