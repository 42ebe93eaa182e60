#!/usr/bin/env bash
# Configures and builds into build/ (executables in build/bin/). Extra arguments go to cmake.
# CI=true turns warnings into errors.
set -euo pipefail
cd "$(dirname "$0")/.."
extra=()
[[ "${CI:-}" == "true" ]] && extra+=(-DSDCB_WARNINGS_AS_ERRORS=ON)
# The portable installer too (build/portable/sdcadm-install, docs/porting.md).
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSDCB_PORTABLE_INSTALLER=ON "${extra[@]}" "$@" >/dev/null
cmake --build build -j"$(nproc)"
