#!/usr/bin/env bash
# The installer's side of trust (docs/trust.md): no trust root => every bundle refused (37)
# and nothing staged; `trust init|show|add`; unsigned (30), unknown key (31), expired (33,
# --allow-expired recorded); anti-rollback per channel after an install (34, --allow-rollback
# recorded in the history); a root rotation carried by a bundle is stored by apply.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
setup_dc   # b.sdc signed by alice (KEYS/root.json: 1 of 1), the headnode trusts KEYS/root.json
build() { "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" --no-progress "$@" >build.out 2>&1 || { cat build.out; fail "build $*"; }; }

# --- no trust root: refused before anything is read or written --------------------------------
mv "$HN/var/sdcadm/trust/root.json" saved-root.json
staged_files "$HN" >before.txt
for cmd in verify stage import plan; do
  expect_exit 37 inst $cmd b.sdc
done
expect_in last.err "sdcadm-install trust init ROOT.json" "the refusal says how to create a root"
expect_exit 37 inst b.sdc -y
staged_files "$HN" | cmp -s - before.txt || fail "something was staged without a trust root"
check_eq "$(st 's.log.length')" 0 "sdcadm was not run"
expect_exit 37 inst trust show
pass "no trust root: every command refuses with 37 and the way to create one"

# --- trust init / show -----------------------------------------------------------------------------
expect_exit 0 inst trust init "$KEYS/root.json"
expect_in last.out "version 1" "init prints the root"
expect_exit 11 inst trust init "$KEYS/root.json"
expect_in last.err "trust add" "a second init points to trust add"
expect_exit 0 inst trust show -j
check_eq "$(jsonf last.out 'b.root.version + " " + b.root.threshold + " " + b.root.keys.length')" "1 1 1" "trust show -j"
echo '{"signed": {}, "signatures": []}' >bogus.json
expect_exit 9 inst trust init bogus.json --replace
pass "trust init installs the root once; show prints it"

# --- unsigned, unknown key, expired ----------------------------------------------------------------
build -o unsigned.sdc --expires-in 3650 --no-agentsshar
expect_exit 30 inst verify unsigned.sdc
expect_exit 30 inst verify - <unsigned.sdc
"$BIN" key generate -o mallory.pem >/dev/null 2>&1 || fail "key generate"
"$BIN" sign unsigned.sdc --key mallory.pem >/dev/null 2>&1 || fail "sign"
expect_exit 31 inst verify unsigned.sdc
expect_exit 31 inst verify - <unsigned.sdc
expect_exit 31 inst verify -j - <unsigned.sdc
check_eq "$(jsonf last.out 'b.ok + " " + b.exit_code')" "false 31" "verify -j - reports the trust refusal"
build -o expired.sdc --expires-in 1 --key "$KEYS/alice.pem" --no-agentsshar
expect_exit 33 inst verify expired.sdc
expect_exit 0 inst verify expired.sdc --allow-expired
expect_in last.err "override --allow-expired" "the override is said"
expect_exit 33 inst verify - <expired.sdc
pass "unsigned (30), unknown key (31) and expired (33; --allow-expired) bundles, as files and on standard input"

# --- anti-rollback: remembered per channel after an install ------------------------------------------
expect_exit 0 inst b.sdc -y
expect_exit 0 inst trust show -j
check_eq "$(jsonf last.out 'b.channels.dev.sequence')" 1764072000 "the installed sequence is remembered"
build -o old.sdc --expires-in 3650 --key "$KEYS/alice.pem" --no-agentsshar --sequence 100
expect_exit 34 inst old.sdc -y
expect_in last.err "older" "rollback message"
expect_exit 34 inst plan old.sdc
expect_exit 0 inst old.sdc -y --allow-rollback
check_eq "$(inst history -j | jsonf /dev/stdin 'b.filter(r => r.event === "run-start" && r.overrides && r.overrides.allow_rollback).length')" 1 \
  "--allow-rollback is recorded in the history"
check_eq "$(inst history -j | jsonf /dev/stdin 'b.filter(r => r.event === "run-start").every(r => r.signers.length === 1)')" true \
  "the history names the signers"
expect_exit 0 inst trust show -j
check_eq "$(jsonf last.out 'b.channels.dev.sequence')" 1764072000 "a rollback install keeps the higher mark"
pass "an older bundle is refused (34) unless --allow-rollback, which the history records"

# --- rotation carried by a bundle: alice -> bob ------------------------------------------------------
"$BIN" key generate -o bob.pem >/dev/null 2>&1 || fail "key generate bob"
"$BIN" trust rotate "$KEYS/root.json" --add-key bob=bob.pub --remove-key "$KEYS/alice.pub" \
  --key "$KEYS/alice.pem" --key bob.pem -o root2.json >/dev/null 2>&1 || fail "trust rotate"
build -o new.sdc --expires-in 3650 --key bob.pem --root root2.json --no-agent-images --sequence 1764072001
expect_exit 0 inst verify new.sdc
expect_in last.err "newer, carried by the bundle" "verify sees the carried root"
expect_exit 0 inst new.sdc -y
expect_exit 0 inst trust show -j
check_eq "$(jsonf last.out 'b.root.version + " " + b.root.keys[0].name')" "2 bob" "apply stored the rotated root"
expect_exit 31 inst verify expired.sdc --allow-expired   # alice's key left with the rotation
pass "a root rotation carried by a bundle is accepted and stored; the removed key is refused"
