#!/usr/bin/env bash
# Makes the packages into build/packages/ (cmake/Packaging.cmake says what each holds):
#   sdcadm-bundle-VERSION-Linux.tar.gz, sdcadm-bundle_VERSION_ARCH.deb   (cpack)
#   sdcadm-install-VERSION-portable-SYSTEM-ARCH.tar.gz   (with -DSDCB_PORTABLE_INSTALLER=ON)
# Configure and build first (scripts/build.sh); this brings the build up to date, then packs.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f build/CPackConfig.cmake ]]; then
  echo "package: build/ is not configured; run scripts/build.sh first" >&2
  exit 1
fi
cmake --build build -j"$(nproc)"
(cd build && cpack -G "TGZ;DEB")
# The target exists only when the build makes the portable installer (cmake/Packaging.cmake).
targets=$(cmake --build build --target help)
if [[ $targets == *portable-tarball* ]]; then
  cmake --build build --target portable-tarball
fi
ls -l build/packages/*.deb build/packages/*.tar.gz
