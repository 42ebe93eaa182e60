#!/usr/bin/env bash
# Installs everything the build, the tests and the demo need on Debian 12 (run as root).
# Idempotent: packages already present are not fetched again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config
  libarchive-dev libzstd-dev libssl-dev nlohmann-json3-dev libcurl4-openssl-dev
  libcli11-dev catch2 libcpp-httplib-dev
  zstd libarchive-tools openssl curl ca-certificates
  zlib1g-dev libbz2-dev   # delta/: recompressing image files as pigz, zlib and bzip2 made them
  pigz bzip2 gzip         # the delta tests compare that with the real compressors
  clang libclang-rt-dev   # the fuzz stage (scripts/fuzz.sh): clang, libFuzzer, ASan/UBSan runtimes
  # The portable installer's static archives (cmake/PortableInstaller.cmake, docs/porting.md).
  libnghttp2-dev libidn2-dev libunistring-dev libpsl-dev libssh2-1-dev libbrotli-dev
  heimdal-multidev comerr-dev libcrypt-dev libsqlite3-dev
  groff-base file dpkg-dev   # tests/ship: groff checks the man pages; cpack's .deb Depends (dpkg-shlibdeps, file)
)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# Node.js and npm run Joyent's own clients in the conformance tests. A machine that
# already has a node with npm (e.g. from nodesource) keeps it.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Joyent's npm packages (sdc-clients, imgmanifest), pinned by the lockfile.
if [[ ! -d tests/conformance/node_modules/sdc-clients || \
      tests/conformance/package-lock.json -nt tests/conformance/node_modules/.package-lock.json ]]; then
  echo "setup: installing npm packages for the conformance tests" >&2
  (cd tests/conformance && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
