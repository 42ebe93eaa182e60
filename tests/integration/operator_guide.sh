#!/usr/bin/env bash
# docs/operator-guide.md followed exactly as written (issue 15 item 2): its shell blocks are
# taken from the page and run, in order, on a simulated headnode laid out at the real paths.
#
#   connected side (this script, as docs/release-engineer-guide.md shows): a sample catalog
#     served as the updates server, the release team's three keys and a 2-of-3 trust root, a
#     bundle built with `build --installer INSTALLER --key alice --key bob` into the "stick"
#     (with the installer and its signatures beside it), plus root.json;
#   the headnode: make_headnode's tree (tests/lib/headnode.bash) with /opt/smartdc/bin/sdcadm
#     and sdc-server linked to the simulation's, no /opt/smartdc/sdcadm-install, and the stick's
#     files in /mnt/media. The guide's `<!-- guide-step: headnode -->` blocks run in one bash
#     session inside a chroot whose root is that tree (the host's /usr and /etc bind-mounted
#     read-only, /dev, /proc), so /usbkey, /opt/smartdc and /var/sdcadm are the simulation's;
#     `<!-- guide-step: connected -->` blocks run afterwards in the stick's directory, with
#     sdcadm-bundle on PATH; `<!-- guide-manual: WHY -->` blocks are listed and skipped.
#
# End state asserted here, independently of the guide's own output: the installer is at
# /opt/smartdc/sdcadm-install/sdcadm-install (the delivered bytes), the receipt on the stick
# verifies against the DC key, the history has the run, and `sdcadm-install check BUNDLE`
# finds the DC at the bundle's versions. Then the guide's signature check is run again on a
# changed installer and must fail. Skips (77) only when mount namespaces or chroot are not
# permitted. SDCB_GUIDE=FILE runs another copy of the page (to see a broken command fail);
# SDCB_DELIVER_INSTALLER=FILE delivers another installer binary (default: the portable build
# when it exists, else build/bin/sdcadm-install).
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/lib/headnode.bash"

GUIDE=${SDCB_GUIDE:-$SDCB_SOURCE/docs/operator-guide.md}
BIN="$SDCB_BIN/sdcadm-bundle"
INSTALLER=${SDCB_DELIVER_INSTALLER:-}
if [[ -z "$INSTALLER" ]]; then
  INSTALLER=$SDCB_BIN/sdcadm-install
  [[ -x "$SDCB_BIN/../portable/sdcadm-install" ]] && INSTALLER=$SDCB_BIN/../portable/sdcadm-install
fi
echo "delivering $INSTALLER"

# --- can this machine make the chroot? (a privileged container or root: yes) -----------------
if ! unshare -m --propagation private -- sh -c "mount --bind /usr '$TEST_DIR' && umount '$TEST_DIR'" 2>"$TEST_DIR/unshare.err" ||
   ! chroot / true 2>>"$TEST_DIR/unshare.err"; then
  echo "SKIP: a mount namespace with bind mounts and chroot are needed to lay the headnode out at /: $(head -c 300 "$TEST_DIR/unshare.err")"
  exit 77
fi

# --- the guide's blocks: headnode, connected, manual (anything else is an error) -------------
# Each ```sh block must follow a marker comment (blank lines between are allowed); the blocks
# are written to $TEST_DIR/blocks/NN.{headnode,connected,manual} in page order.
mkdir "$TEST_DIR/blocks"
awk -v dir="$TEST_DIR/blocks" '
  /^<!-- guide-step: (headnode|connected) -->$/ { kind = $3; why = ""; next }
  /^<!-- guide-manual: .* -->$/ { kind = "manual"; why = $0; sub(/^<!-- guide-manual: /, "", why); sub(/ -->$/, "", why); next }
  /^```sh$/ {
    if (kind == "") { printf "line %d: a sh block without a guide-step or guide-manual marker\n", NR > "/dev/stderr"; bad = 1 }
    n++; file = sprintf("%s/%02d.%s", dir, n, kind == "" ? "unmarked" : kind); inblock = 1
    if (kind == "manual") print "# " why > file
    next
  }
  inblock && /^```$/ { inblock = 0; kind = ""; close(file); next }
  inblock { print > file; next }
  /^[^[:space:]]/ { kind = "" }   # a marker applies to the next block only, across blank lines
  END { exit bad }' "$GUIDE" || fail "$GUIDE: every sh block needs a marker (see the page's first section)"
ls "$TEST_DIR/blocks" | grep -q headnode || fail "$GUIDE has no guide-step: headnode block"
last_headnode=$(ls "$TEST_DIR/blocks" | grep headnode | tail -1)
first_connected=$(ls "$TEST_DIR/blocks" | grep connected | head -1)
[[ -z "$first_connected" || "$first_connected" > "$last_headnode" ]] ||
  fail "a connected-side block comes before the last headnode block: this test runs the headnode's first"
for f in "$TEST_DIR"/blocks/*.manual; do
  [[ -e "$f" ]] || continue
  echo "skipped by hand-only block $(basename "$f" .manual) ($(head -1 "$f" | sed 's/^# //')):"
  tail -n +2 "$f" | sed 's/^/    /'
done

# --- the connected side: catalog, updates server, keys, trust root, the signed bundle --------
"$SDCB_BIN/sample-catalog" -o "$TEST_DIR/catalog" --scale 8M --seed 1 -q || fail "sample-catalog"
start_server updates "$TEST_DIR/catalog"
cd "$TEST_DIR"
for k in alice bob carol; do "$BIN" key generate -o $k.pem >/dev/null 2>&1 || fail "key generate $k"; done
"$BIN" trust init --signer alice.pub --signer bob.pub --signer carol.pub --threshold 2 \
  --key alice.pem --key bob.pem -o root.json >/dev/null 2>&1 || fail "trust init"
STICK=$TEST_DIR/stick
mkdir "$STICK"
# As the release-engineer guide builds it (default name, in the stick's directory).
(cd "$STICK" && "$BIN" build -S "$updates_URL" --all --installer "$INSTALLER" --key "$TEST_DIR/alice.pem" \
  --key "$TEST_DIR/bob.pem" --cache-dir "$TEST_DIR/cache" --no-progress) >build.log 2>&1 ||
  { cat build.log >&2; fail "build --installer --key --key"; }
cp root.json "$STICK/"
BUNDLE_NAME=$(cd "$STICK" && ls ./*.sdc | sed 's|^\./||')
BUNDLE_ID=$("$BIN" inspect -j "$STICK/$BUNDLE_NAME" | jsonf /dev/stdin 'b.index.bundle_id')
echo "on the stick: $(ls "$STICK" | tr '\n' ' ')"

# --- the headnode: the simulation at the real paths, an empty /opt/smartdc/sdcadm-install -----
make_headnode "$TEST_DIR/hn" "$TEST_DIR/catalog" dev
HN=$FAKE_SDCADM_ROOT
ln -s "$SDCB_BIN/fake-sdcadm" "$HN/opt/smartdc/bin/sdcadm"
ln -s "$SDCB_BIN/fake-sdc-server" "$HN/opt/smartdc/bin/sdc-server"
[[ ! -e "$HN/opt/smartdc/sdcadm-install" ]] || fail "the headnode already has /opt/smartdc/sdcadm-install"
mkdir -p "$HN/mnt/media" && cp "$STICK"/* "$HN/mnt/media/"
# The rest of a global zone's root: the host's programs and libraries (/usr, read-only; /bin,
# /sbin, /lib64 as the host links them), a writable /lib holding the host's /usr/lib entries
# (the simulated platform writes /lib/sdc/config.sh, as smartos-live ships it), /etc, /dev,
# /proc, /tmp, root's home, and build/bin at its own path (fake-sdcadm's links point there).
mkdir -p "$HN"/{usr,etc,dev,proc,tmp,root,lib} "$HN$SDCB_BIN"
chmod 1777 "$HN/tmp"
for l in bin sbin lib32 lib64 libx32; do
  if [[ -L /$l ]]; then ln -s "$(readlink /$l)" "$HN/$l"; elif [[ -d /$l ]]; then mkdir -p "$HN/$l"; fi
done
for e in /usr/lib/*; do ln -s "$e" "$HN/lib/$(basename "$e")"; done

# in_headnode SCRIPT: runs SCRIPT (a path inside the headnode's root) with bash in the chroot,
# in a mount namespace of its own (the bind mounts vanish with it). FAKE_SDCADM_ROOT tells the
# simulation's sdcadm where its headnode is ("/": the real paths).
in_headnode() {
  unshare -m --propagation private -- bash -euc '
    hn=$1 bin=$2 script=$3
    for d in /usr /etc; do mount --bind "$d" "$hn$d"; mount -o remount,bind,ro "$hn$d"; done
    for d in /bin /sbin /lib64 /lib32 /libx32; do
      [[ -d "$hn$d" && ! -L "$hn$d" && -d "$d" ]] && mount --bind "$d" "$hn$d"
    done
    mount --rbind /dev "$hn/dev"
    mount -t proc proc "$hn/proc"
    mount --bind "$bin" "$hn$bin"; mount -o remount,bind,ro "$hn$bin"
    exec chroot "$hn" /usr/bin/env -i PATH=/usr/bin:/usr/sbin:/bin:/sbin:/opt/smartdc/bin HOME=/root \
      TERM=dumb LANG=C.UTF-8 FAKE_SDCADM_ROOT=/ /bin/bash -e -o pipefail "$script"' _ "$HN" "$SDCB_BIN" "$1"
}

# The bind mounts live only in in_headnode's namespace (private propagation). Were one visible
# here, removing the scratch directory would reach into the host's /usr: fail (which keeps the
# directory) instead.
no_mounts_left() {
  local d
  for d in /usr /etc /dev /proc "$SDCB_BIN"; do
    ! mountpoint -q "$HN$d" || fail "$HN$d is still mounted outside the chroot's namespace; unmount it by hand"
  done
}

# The headnode's blocks, in order, in one session (a variable set in one is seen by the next),
# each announced so that a failure is easy to place.
{
  echo "cd /root"
  for f in "$TEST_DIR"/blocks/*.headnode; do
    printf 'echo "== guide block %s"\n' "$(basename "$f" .headnode)"
    cat "$f"
  done
} >"$HN/tmp/operator-guide.sh"
echo "== running the guide's headnode blocks in the simulated global zone"
rc=0
in_headnode /tmp/operator-guide.sh >"$TEST_DIR/headnode.out" 2>&1 || rc=$?
cat "$TEST_DIR/headnode.out"
no_mounts_left
[[ $rc -eq 0 ]] || fail "the guide's headnode commands failed (exit $rc); see the block named last above"
pass "every headnode block of the guide ran as written (exit 0)"

# The connected side's blocks, in the stick's directory (the operator brought the stick back).
for f in "$TEST_DIR"/blocks/*.connected; do
  [[ -e "$f" ]] || continue
  echo "== guide block $(basename "$f" .connected) (connected side, in the stick's directory)"
  (cd "$HN/mnt/media" && PATH=$SDCB_BIN:$PATH bash -e -o pipefail "$f") || fail "connected-side block $(basename "$f") failed"
done
pass "every connected-side block of the guide ran as written"

# --- the end state, checked here -------------------------------------------------------------
cmp -s "$HN/opt/smartdc/sdcadm-install/sdcadm-install" "$INSTALLER" ||
  fail "/opt/smartdc/sdcadm-install/sdcadm-install is not the installer delivered"
[[ -f "$HN/var/sdcadm/trust/root.json" ]] || fail "the DC has no trust root"
[[ -s "$HN/mnt/media/dc.receipt" && -s "$HN/mnt/media/DC.pub" ]] || fail "the receipt and DC.pub are not on the stick"
cmp -s "$HN/mnt/media/DC.pub" "$HN/var/sdcadm/install/dc-key.pub" || fail "DC.pub is not the DC's key"
"$BIN" receipt verify "$HN/mnt/media/dc.receipt" --dc-key "$HN/mnt/media/DC.pub" -j >receipt.json ||
  fail "the receipt does not verify on the connected side"
check_eq "$(jsonf receipt.json 'b.ok + " " + b.content.bundle.bundle_id + " " + b.content.outcome')" "true $BUNDLE_ID ok" \
  "the receipt: verified, of this bundle, outcome ok"
inst() { "$SDCB_BIN/sdcadm-install" --root "$HN" --sdcadm "$HN_SDCADM" --sdc-server "$HN_SDC_SERVER" "$@"; }
inst history >history.txt || fail "history"
grep -Eq "bundle $BUNDLE_ID \(dev\) by [^ ]+: ok" history.txt || { cat history.txt >&2; fail "the history has no install of the bundle that ended ok"; }
inst check "$STICK/$BUNDLE_NAME" >check.out 2>&1 || { cat check.out >&2; fail "the DC is not at the bundle's versions"; }
pass "end state: installer in /opt/smartdc/sdcadm-install, receipt verified, history ok, DC at the bundle's versions"

# --- the guide's installer check can fail: a changed byte, the same blocks --------------------
printf '\x01' | dd of="$HN/var/tmp/sdcadm-update/sdcadm-install" bs=1 seek=4000 conv=notrunc status=none
{
  for f in "$TEST_DIR"/blocks/*.headnode; do grep -q 'keys/' "$f" && cat "$f"; done
} >"$HN/tmp/guide-signatures.sh"
grep -q 'openssl pkeyutl' "$HN/tmp/guide-signatures.sh" || fail "the guide has no openssl check of the installer"
rc=0
in_headnode /tmp/guide-signatures.sh >sigcheck.out 2>&1 || rc=$?
no_mounts_left
[[ $rc -ne 0 ]] || { cat sigcheck.out; fail "the guide's signature check accepted a changed installer"; }
grep -q 'BAD: ' sigcheck.out || { cat sigcheck.out; fail "the guide's check does not name the bad signature"; }
pass "the guide's openssl check refuses an installer with one byte changed (exit $rc)"
