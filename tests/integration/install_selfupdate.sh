#!/usr/bin/env bash
# The installer's own version (issue 5 item 3; bundle-format.md §3 min_installer_version and
# role installer): a bundle that needs a newer sdcadm-install than the running one and does
# not carry it is refused by every command that reads it (44), naming both versions, before
# anything is staged or sdcadm runs.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
setup_dc   # b.sdc signed by alice, the headnode trusts KEYS/root.json
build() { "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" --no-progress --expires-in 3650 \
  --key "$KEYS/alice.pem" --no-agentsshar "$@" >build.out 2>&1 || { cat build.out; fail "build $*"; }; }
RUNNING=$("$INST" --version | awk '{print $2}')

# --- min_installer_version newer than the running installer: refused ---------------------------
expect_exit 2 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" -o x.sdc --min-installer-version 1.0
build -o needs-new.sdc --min-installer-version 9.0.0
check_eq "$("$BIN" inspect -j needs-new.sdc | jsonf /dev/stdin 'b.index.min_installer_version')" 9.0.0 \
  "build --min-installer-version lands in the index"
staged_files "$HN" >before.txt
for cmd in verify stage import plan avail; do
  expect_exit 44 inst $cmd needs-new.sdc
done
expect_in last.err "9.0.0" "the refusal names the version needed"
expect_in last.err "$RUNNING" "the refusal names the running version"
expect_in last.err "--installer" "the refusal says how to get a bundle that carries the installer"
expect_exit 44 inst stage - <needs-new.sdc
expect_exit 44 inst needs-new.sdc -y
expect_exit 44 inst needs-new.sdc -y -j
check_eq "$(jsonf last.out 'b.exit_code')" 44 "-j reports the code"
staged_files "$HN" | cmp -s - before.txt || fail "something was staged for a bundle needing a newer installer"
check_eq "$(st 's.log.length')" 0 "sdcadm was not run"
pass "a bundle needing a newer installer (and not carrying it) is refused with 44 by every command"

# --- equal version: accepted ----------------------------------------------------------------------
build -o same.sdc --min-installer-version "$RUNNING"
expect_exit 0 inst verify same.sdc
pass "min_installer_version equal to the running version is accepted"

# --- build --installer: the binary as member installer/sdcadm-install, role installer, 0755 ------
NEXT="$SDCB_BIN/sdcadm-install-next"
[[ -x "$NEXT" ]] || fail "$NEXT missing: build the sdcadm-install-next target (installer/CMakeLists.txt)"
NEXT_VERSION=$("$NEXT" --version | awk '{print $2}')
[[ "$NEXT_VERSION" != "$RUNNING" ]] || fail "sdcadm-install-next reports the same version as sdcadm-install"
expect_exit 10 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" -o x.sdc --installer "$TEST_DIR/nonexistent"
printf '#!/bin/sh\necho "not a version"\n' >liar.sh && chmod +x liar.sh
expect_exit 9 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" -o x.sdc --installer liar.sh
expect_in last.err "not a semantic version" "an installer without a semver --version is refused"
[[ ! -e x.sdc ]] || fail "a refused build wrote x.sdc"
"$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" -o carry.sdc --no-progress --key "$KEYS/alice.pem" \
  --expires-in 3650 --installer "$NEXT" --min-installer-version "$NEXT_VERSION" >build.out 2>&1 || { cat build.out; fail "build --installer"; }
"$BIN" inspect -j carry.sdc >"$TEST_DIR/inspect.json" || fail "inspect carry.sdc"
check_eq "$(jsonf inspect.json 'JSON.stringify(b.index.artifacts.filter(a => a.role === "installer").map(a => [a.name, a.version, a.file]))')" \
  "[[\"sdcadm-install\",\"$NEXT_VERSION\",\"installer/sdcadm-install\"]]" "the installer artifact"
check_eq "$(jsonf inspect.json 'b.index.members.find(m => m.name === "installer/sdcadm-install").size')" "$(stat -c %s "$NEXT")" \
  "the installer member's size"
zstd -dcq carry.sdc | tar -tvf - installer/sdcadm-install >tar.txt 2>/dev/null || true
expect_in tar.txt "-rwxr-xr-x" "the installer member has mode 0755"
zstd -dcq carry.sdc | tar -xOf - installer/sdcadm-install 2>/dev/null | cmp -s - "$NEXT" || fail "the carried installer differs from the binary"
pass "build --installer carries the binary (role installer, its --version, mode 0755)"

# --- apply: self-update first, re-exec, continue; a re-run does not update again -------------------
mkdir -p opt && cp "$SDCB_BIN/sdcadm-install" opt/sdcadm-install
OLD_SHA=$(sha1_of opt/sdcadm-install)
INST="$TEST_DIR/opt/sdcadm-install"   # the "running binary" inst() runs
expect_exit 0 inst verify carry.sdc
pass "a bundle needing a newer installer that carries it is not refused"
expect_exit 0 inst carry.sdc -y
expect_in last.out "installed at $INST" "apply says it installed the new installer"
check_eq "$(sha1_of opt/sdcadm-install)" "$(sha1_of "$NEXT")" "the binary at the path is the bundle's"
check_eq "$(sha1_of opt/sdcadm-install.prev)" "$OLD_SHA" "the previous binary is kept as .prev"
check_eq "$(opt/sdcadm-install --version | awk '{print $2}')" "$NEXT_VERSION" "the installed binary's version"
expect_in last.out "Bundle $(jsonf inspect.json 'b.index.bundle_id') applied." "the re-executed installer finished the run"
check_final_state
ls opt | grep -v '^sdcadm-install\(\.prev\)\?$' && fail "temp files left beside the installer"
CARRY_ID=$(jsonf inspect.json 'b.index.bundle_id')
inst history -j >hist.json || fail "history -j"
check_eq "$(jsonf hist.json "b.filter(r => r.bundle_id === '$CARRY_ID' && r.event === 'step' && r.step === 'installer-self-update').map(r => r.result).join()")" \
  done "history: the self-update step, once"
check_eq "$(jsonf hist.json "b.filter(r => r.bundle_id === '$CARRY_ID' && r.event === 'run-end').map(r => r.result).join()")" \
  "re-exec,ok" "history: the first process ends in a re-exec, the new one finishes"
check_eq "$(jsonf hist.json "b.filter(r => r.bundle_id === '$CARRY_ID' && r.event === 'step' && r.step === 'stage').length")" 1 \
  "stage ran once (in the new installer)"
check_eq "$(grep -c '^update "imgapi" service' last.out)" 1 "the plan is shown once, not again by the new installer"
check_eq "$(grep -c "sdcadm-install $NEXT_VERSION continues the confirmed plan" last.out)" 1 \
  "the new installer says it continues the confirmed plan"
pass "apply installs the carried newer installer, keeps .prev, re-executes it and finishes"

expect_exit 0 inst carry.sdc -y
check_eq "$(sha1_of opt/sdcadm-install.prev)" "$OLD_SHA" "a re-run leaves .prev alone"
check_eq "$(sha1_of opt/sdcadm-install)" "$(sha1_of "$NEXT")" "a re-run leaves the installer alone"
inst history -j >hist.json || fail "history -j"
check_eq "$(jsonf hist.json "b.filter(r => r.bundle_id === '$CARRY_ID' && r.event === 'step' && r.step === 'installer-self-update').length")" 1 \
  "a re-run does not self-update again"
pass "a re-run of the applied bundle does not self-update again"

# --- a carried installer that does not run here, or says another version: 45, nothing installed --
# The builder asks the binary its version, so these stand-ins answer one way while the bundle is
# built and another on the headnode (a binary built for another system, a mislabelled build).
cat >wrong-system.sh <<'EOF'
#!/bin/sh
[ -n "$SDCB_TEST_BUILDING" ] || exit 126
echo "sdcadm-install 9.9.9"
EOF
cat >mislabelled.sh <<'EOF'
#!/bin/sh
if [ -n "$SDCB_TEST_BUILDING" ]; then echo "sdcadm-install 9.9.9"; else echo "sdcadm-install 9.9.1"; fi
EOF
chmod +x wrong-system.sh mislabelled.sh
# Each later than the bundles installed above (anti-rollback: a sequence is used once per channel).
SEQ=$(( $(date +%s) + 1000 ))
# (--force: each build with --installer also writes ./sdcadm-install beside its bundle, and
# these bundles share the directory; docs/trust.md §4a.)
SDCB_TEST_BUILDING=1 build -o wrong-system.sdc --installer "$TEST_DIR/wrong-system.sh" --sequence $((SEQ + 1)) --force
SDCB_TEST_BUILDING=1 build -o mislabelled.sdc --installer "$TEST_DIR/mislabelled.sh" --sequence $((SEQ + 2)) --force
SDCB_TEST_BUILDING=1 build -o needs-mislabelled.sdc --installer "$TEST_DIR/mislabelled.sh" \
  --min-installer-version 9.9.9 --sequence $((SEQ + 3)) --force
cp "$SDCB_BIN/sdcadm-install" opt/sdcadm-install   # back to the running version
rm -f opt/sdcadm-install.prev
RUN_SHA=$(sha1_of opt/sdcadm-install)
sdcadm_runs=$(st 's.log.length')
expect_exit 45 inst wrong-system.sdc -y
expect_in last.err "does not run on this headnode" "a binary for another system is named as such"
expect_exit 45 inst mislabelled.sdc -y
expect_in last.err 'says it is version "9.9.1", but the signed index names 9.9.9' "a mislabelled installer is refused"
check_eq "$(sha1_of opt/sdcadm-install)" "$RUN_SHA" "the running installer is untouched"
ls opt | grep -v '^sdcadm-install$' && fail "a refused self-update left files beside the installer"
check_eq "$(st 's.log.length')" "$sdcadm_runs" "sdcadm was not run"
pass "a carried installer that does not run here or says another version is refused (45), nothing installed"

expect_exit 0 inst mislabelled.sdc -y --no-self-update
expect_in last.out "--no-self-update: the bundle's sdcadm-install is not installed" "--no-self-update says so"
check_eq "$(sha1_of opt/sdcadm-install)" "$RUN_SHA" "--no-self-update keeps the running installer"
expect_exit 44 inst needs-mislabelled.sdc -y --no-self-update
expect_in last.err "--no-self-update" "a bundle needing its own installer is refused with --no-self-update, saying why"
pass "--no-self-update goes on with the running installer, unless the bundle needs a newer one (44)"
