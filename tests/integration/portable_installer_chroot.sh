#!/usr/bin/env bash
# The portable installer (issue 15 item 1; docs/porting.md, cmake/PortableInstaller.cmake):
# build/portable/sdcadm-install needs exactly the shared libraries docs/porting.md names
# (readelf -d, no run path), and runs in a chroot that holds only that binary, the loader,
# those libraries and its data (no /proc, no /dev, no shell): running_binary_path() (the file
# the self-update replaces, through tests/portability/running_path_probe.cpp), --version, trust init of a DC
# root, verify of a signed bundle (exit 0; then again asking a DC IMGAPI over HTTP), of a
# bundle with a flipped index byte (20, the same code as the normal build), and of one signed
# by a key the DC does not trust (31).
# Needs root (chroot); anywhere else it is skipped with exit 77, saying why.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"
source "$SDCB_SOURCE/tests/integration/install_helpers.bash"   # make_release_keys, make_bundle
PORTABLE=${SDCB_PORTABLE:-$SDCB_BIN/../portable/sdcadm-install}
[[ -x "$PORTABLE" ]] || fail "$PORTABLE missing: configure with -DSDCB_PORTABLE_INSTALLER=ON (scripts/build.sh does)"
# running_binary_path() of the installer library, linked the same way (tests/portability/).
PROBE=$SDCB_BIN/../portable-link/running-path-probe
[[ -x "$PROBE" ]] || fail "$PROBE missing: build the running-path-probe target (cmake/PortableInstaller.cmake)"
cd "$TEST_DIR"

# --- readelf: NEEDED is exactly docs/porting.md's list, no run path -------------------------------
# The list is the fenced block after the marker line in docs/porting.md, one soname a line.
want=$(awk '/<!-- portable-installer-needed -->/ { f = 1; next }
            f && /^```/ { if (in_block) exit; in_block = 1; next }
            in_block && NF { print $1 }' "$SDCB_SOURCE/docs/porting.md" | sort)
[[ -n "$want" ]] || fail "docs/porting.md has no NEEDED list after <!-- portable-installer-needed -->"
readelf -d "$PORTABLE" >readelf.txt || fail "readelf -d $PORTABLE"
got=$(sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' readelf.txt | sort)
check_eq "$got" "$want" "NEEDED of $PORTABLE against docs/porting.md"
if grep -E '\((RPATH|RUNPATH)\)' readelf.txt; then fail "$PORTABLE has a run path"; fi
pass "readelf -d: NEEDED is docs/porting.md's list ($(echo $got)), no RPATH/RUNPATH"

# --- may we chroot? -------------------------------------------------------------------------------
# skip WHY: exit 77 (ctest's SKIP_RETURN_CODE) saying why; nothing was started, nothing to keep.
skip() {
  echo "SKIP: $*" >&2
  trap - EXIT
  cd / && rm -rf "$TEST_DIR"
  exit 77
}
[[ $(id -u) -eq 0 ]] || skip "the chroot part needs root (chroot(2)); run as root, as CI does"
CHROOT=$(command -v chroot) || skip "no chroot command (coreutils)"
# Into an empty directory: 127 (nothing to run in there) means the chroot itself worked.
mkdir -p probe
rc=0; "$CHROOT" probe /nonexistent 2>probe.err || rc=$?
[[ $rc -eq 127 ]] || skip "chroot is not permitted here (exit $rc): $(cat probe.err)"

# --- the host side: keys, trust root, signed bundles (made with the normal build/bin) --------------
make_bundle "$TEST_DIR/good.sdc" 1M     # signed by KEYS/alice.pem, KEYS/root.json trusts it
cp good.sdc index-flipped.sdc
byte=$(od -An -tu1 -j 60 -N1 good.sdc | tr -d ' ')   # inside frame 0, the signed index
printf "\\x$(printf %02x $((255 - byte)))" | dd of=index-flipped.sdc bs=1 seek=60 conv=notrunc status=none
"$BIN" key generate -o mallory.pem >/dev/null 2>&1 || fail "key generate"
"$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" -o mallory.sdc --no-progress --key mallory.pem \
  --expires-in 3650 >build-mallory.out 2>&1 || { cat build-mallory.out >&2; fail "build mallory.sdc"; }

# --- the chroot: the binary, the loader and the libraries it names, the data ----------------------
ROOT="$TEST_DIR/chroot"
mkdir -p "$ROOT/opt/smartdc/sdcadm-install" "$ROOT/data" "$ROOT/dc"
cp "$PORTABLE" "$ROOT/opt/smartdc/sdcadm-install/sdcadm-install"
cp "$PROBE" "$ROOT/opt/smartdc/sdcadm-install/running-path-probe"
# Resolved by the loader itself (ldd): each library the binary loads, at the path it loads it
# from, and the loader named in PT_INTERP.
interp=$(readelf -l "$PORTABLE" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
[[ -n "$interp" ]] || fail "no program interpreter in $PORTABLE"
ldd "$PORTABLE" >ldd.txt || fail "ldd $PORTABLE"
libs=$( { echo "$interp"; awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' ldd.txt; } | sort -u)
for lib in $libs; do
  mkdir -p "$ROOT$(dirname "$lib")"
  cp -L "$lib" "$ROOT$lib"
done
cp "$KEYS/root.json" good.sdc index-flipped.sdc mallory.sdc "$ROOT/data/"
find "$ROOT" -type f | sed "s|^$ROOT||" | sort >chroot-files.txt
check_eq "$(grep -c . chroot-files.txt)" "$(( $(echo "$libs" | grep -c .) + 6 ))" \
  "the chroot holds the binary, the probe, the loader, the libraries and 4 data files, nothing else"
[[ ! -e "$ROOT/proc/self" && ! -e "$ROOT/bin/sh" && ! -e "$ROOT/dev/null" ]] || fail "the chroot has /proc, /bin/sh or /dev"

# The self-update's own path without /proc (docs/porting.md §6): argv[0] when run by its full
# path, the $PATH entry when run by name.
rc=0; env -i PATH=/nonexistent "$CHROOT" "$ROOT" /opt/smartdc/sdcadm-install/running-path-probe >probe.out 2>&1 || rc=$?
check_eq "$rc $(cat probe.out)" "0 /opt/smartdc/sdcadm-install/running-path-probe" "running_binary_path() by full path, no /proc"
rc=0; env -i PATH=/opt/smartdc/sdcadm-install "$CHROOT" "$ROOT" running-path-probe >probe.out 2>&1 || rc=$?
check_eq "$rc $(cat probe.out)" "0 /opt/smartdc/sdcadm-install/running-path-probe" "running_binary_path() by name in \$PATH, no /proc"
pass "without /proc, the installer finds its own file from argv[0] or \$PATH (what the self-update replaces)"

# in_chroot CODE ARGS...: the portable installer in the chroot (PATH empty, nothing else in
# there), expecting exit CODE.
in_chroot() {
  local want=$1; shift
  local rc=0
  env -i PATH=/nonexistent "$CHROOT" "$ROOT" /opt/smartdc/sdcadm-install/sdcadm-install "$@" \
    >"$TEST_DIR/last.out" 2>"$TEST_DIR/last.err" || rc=$?
  if [[ $rc -ne $want ]]; then
    cat "$TEST_DIR/last.out" "$TEST_DIR/last.err" >&2
    fail "in the chroot: expected exit $want, got $rc: sdcadm-install $*"
  fi
}

in_chroot 0 --version
check_eq "$(cat last.out)" "$("$SDCB_BIN/sdcadm-install" --version)" "--version in the chroot, as the normal build says it"
pass "--version runs in a chroot holding only the binary, the loader and $(echo $got)"

in_chroot 0 --root /dc trust init /data/root.json
[[ -s "$ROOT/dc/var/sdcadm/trust/root.json" ]] || fail "trust init wrote no /dc/var/sdcadm/trust/root.json"
in_chroot 0 --root /dc trust show -j
check_eq "$(jsonf last.out 'b.root.version + " " + b.root.threshold + " " + b.root.keys.length')" "1 1 1" "trust show -j in the chroot"
in_chroot 0 --root /dc verify /data/good.sdc
expect_in last.out "$(jsonf inspect.json 'b.index.bundle_id')" "verify names the bundle"
pass "in the chroot: trust init of the DC root, verify of a signed bundle (exit 0)"

# Over HTTP (the static libcurl): with a DC IMGAPI named in /dc/usbkey/config (a server on the
# host's 127.0.0.1, which the chroot shares), verify asks it which images the DC has.
mkdir -p "$ROOT/dc/usbkey/images" "$ROOT/dc/usbkey/extra/agents" "$ROOT/dc/usbkey/os" "$ROOT/dc/var/run" "$ROOT/dc/var/log"
start_dc "$ROOT/dc"
in_chroot 0 --root /dc verify /data/good.sdc -j
check_eq "$(jsonf last.out 'b.ok + " " + b.signatures_checked + " " + b.space.imgapi_consulted')" "true true true" \
  "verify -j in the chroot: checked, signed, and the DC IMGAPI consulted over HTTP"
stop_dc
pass "in the chroot: verify consults the DC IMGAPI over HTTP (static libcurl)"

# The same refusals as the normal, dynamically linked build on the host.
expect_exit 20 "$SDCB_BIN/sdcadm-install" --root "$ROOT/dc" verify index-flipped.sdc
in_chroot 20 --root /dc verify /data/index-flipped.sdc
expect_in last.err "bundle.json" "the refusal names the damaged index"
in_chroot 31 --root /dc verify /data/mallory.sdc
expect_exit 31 "$SDCB_BIN/sdcadm-install" --root "$ROOT/dc" verify mallory.sdc
pass "in the chroot: a flipped index byte is refused with 20, a bundle signed by an unknown key with 31, as on the host"
