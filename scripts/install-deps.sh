#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages that building and testing Hybrid Mesh need.
# As root it installs what is missing; otherwise it prints the exact apt-get line and stops.
set -euo pipefail

PACKAGES=(
  # build: BPF C (CO-RE) and the JNI library against the system libbpf
  clang llvm libbpf-dev libelf-dev zlib1g-dev gcc make pkg-config bpftool
  # build: Java
  openjdk-17-jdk-headless maven
  # tests: namespaces, veth, TC, real TLS/TCP/UDP peers and clients
  iproute2 openssl curl nginx python3 iputils-ping
  # the demo: its workloads die with it (setpriv --pdeathsig); essential on Debian, named for minimal images
  util-linux
  # benchmarks: TCP throughput between namespaces; HTTPS load, and a proxy hop to compare with
  iperf3 wrk haproxy nghttp2-client
  # tests: TLS-linkage prober fixtures (static OpenSSL .a, Go incl. boringcrypto, GnuTLS/NSS clients, strip);
  # binutils' objdump is also the reference the x86 instruction decoder is checked against
  libssl-dev golang-go gnutls-bin libgnutls28-dev libnss3-tools binutils
  # tests: a real Go server with TLS that nobody here wrote (EtcdKernelIT runs its own etcd in a namespace; on
  # a machine with systemd the package also starts one on loopback, which the tests do not touch)
  etcd-server
  # tests and benchmarks of the browser UI (hmesh ui): headless Chromium, driven over its DevTools protocol
  chromium
)
# Node.js: a client in the TLS tests, and the UI's build (npm ci of the pinned packages in ui/package-lock.json,
# then esbuild). The machine image carries both; Debian's where it does not.
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)
# A real-world Go binary for the TLS-linkage prober's tests (SystemBinariesTest probes /usr/bin/kubectl): the
# machine image carries one; Debian's (stripped, found through its pclntab) where it does not.
command -v kubectl >/dev/null 2>&1 || PACKAGES+=(kubernetes-client)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "Hybrid Mesh needs these system packages; run as root:" >&2
  echo "  apt-get update && $line" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# iperf3 asks whether to start a daemon; answer no before it asks.
echo "iperf3 iperf3/start_daemon boolean false" | debconf-set-selections 2>/dev/null || true
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
