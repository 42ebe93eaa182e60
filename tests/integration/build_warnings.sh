#!/usr/bin/env bash
# What a release engineer must hear from `sdcadm-bundle build` (issue 14 items 4 and 5,
# docs/logs.md): a build without --key warns that every DC refuses the bundle (--unsigned
# means it); an inventory records the DC's channel and another -C is refused with 38 (an
# old inventory is a warning); a trimmed bundle with part of the agent set says so; the
# builder's log (default under $XDG_STATE_HOME, or --log FILE) records what was resolved
# and written, and every failure with its exit code; --help names the log.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"

make_catalog "$TEST_DIR/catalog"
start_server up "$TEST_DIR/catalog"
cd "$TEST_DIR"
"$BIN" key generate -o alice.pem >/dev/null 2>&1 || fail "key generate"
LOG="$XDG_STATE_HOME/sdcadm-bundle/sdcadm-bundle.log"

# --- unsigned ------------------------------------------------------------------------------
expect_exit 0 "$BIN" build -S "$up_URL" imgapi --cache-dir cache -o plain.sdc --no-progress
expect_in last.err "sdcadm-bundle: warning: the bundle is not signed: every DC refuses it (exit 30)" "unsigned warning"
expect_in last.err "pass --key KEY to sign it now, or --unsigned to build an unsigned bundle on purpose" "unsigned: the fix"
expect_exit 0 "$BIN" build -S "$up_URL" imgapi --cache-dir cache -o unsigned.sdc --no-progress --unsigned
! grep -q "not signed" last.err || fail "--unsigned still warns: $(cat last.err)"
expect_exit 0 "$BIN" build -S "$up_URL" imgapi --cache-dir cache -o signed.sdc --no-progress --key alice.pem
! grep -q "not signed" last.err || fail "a signed build warns: $(cat last.err)"
expect_exit 2 "$BIN" build -S "$up_URL" imgapi --cache-dir cache -o both.sdc --unsigned --key alice.pem
expect_in last.err "--unsigned and --key contradict each other" "--unsigned with --key"
pass "build without --key warns (exit 30 at every DC); --unsigned and --key do not"

# --- the log -------------------------------------------------------------------------------
[[ -f "$LOG" ]] || fail "no log at $LOG"
grep -Eq '"msg":"resolved [0-9]+ images on ' "$LOG" || fail "the log does not record the resolution: $(cat "$LOG")"
grep -q '"msg":"wrote plain.sdc"' "$LOG" || fail "the log does not record the bundle written"
grep '"msg":"wrote signed.sdc"' "$LOG" | grep -q '"signers":\["' || fail "the log does not name the signers"
grep -q '"level":40,"msg":"the bundle is not signed' "$LOG" || fail "the warning is not in the log"
# A failure: the output exists (11), recorded with its exit code and command.
expect_exit 11 "$BIN" build -S "$up_URL" imgapi --cache-dir cache -o plain.sdc --unsigned
grep '"level":50' "$LOG" | grep '"exit_code":11' | grep -q '"command":"build"' ||
  fail "exit 11 is not in the log: $(tail -3 "$LOG")"
# --log FILE, after the command as well as before it.
expect_exit 10 "$BIN" build -S "$up_URL" imgapi@99999999-0000-4000-8000-000000000000 --cache-dir cache --unsigned -n --log own.log
grep '"exit_code":10' own.log | grep -q '"argv":\["build"' || fail "--log FILE after the command: $(cat own.log 2>&1)"
expect_exit 0 "$BIN" --log own2.log build -S "$up_URL" imgapi --cache-dir cache --unsigned -n
grep -Eq '"msg":"resolved [0-9]+ images' own2.log || fail "--log FILE before the command"
# An unwritable log: one warning, and the build goes on.
expect_exit 0 "$BIN" build -S "$up_URL" imgapi --cache-dir cache --unsigned -n --log /proc/no/such.log
check_eq "$(grep -c "cannot open log file /proc/no/such.log" last.err)" 1 "one warning for an unwritable log"
expect_exit 0 "$BIN" --help
expect_in last.out "sdcadm-bundle.log" "--help names the log"
expect_in last.out "--log FILE" "--help names --log"
pass "the builder's log records the resolution, the bundle, warnings and failures (exit codes); --log FILE; --help names it"

# --- the inventory's channel ---------------------------------------------------------------
INV="$SDCB_SOURCE/docs/examples/inventory.json"
node -e 'const fs = require("fs"); const j = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const out = {}; for (const k of Object.keys(j)) { out[k] = j[k]; if (k === "created") out.update_channel = "release"; }
  fs.writeFileSync("release-dc.json", JSON.stringify(out, null, 2) + "\n");' "$INV"
expect_exit 38 "$BIN" build -S "$up_URL" --all -C dev --inventory release-dc.json --cache-dir cache --unsigned -n
expect_in last.err "but the inventory says the DC us-east-1 is on channel release, so the DC would refuse it (exit 38)" "another channel refused"
expect_in last.err "build with -C release, or pass --change-channel" "channel refusal: the fix"
grep '"exit_code":38' "$LOG" | grep -q '"command":"build"' || fail "exit 38 is not in the log"
expect_exit 0 "$BIN" build -S "$up_URL" --all -C dev --inventory release-dc.json --cache-dir cache --unsigned -n --change-channel
expect_in last.err "accepts it only with sdcadm-install apply --change-channel" "--change-channel warns"
# Without -C a trimmed build resolves in the DC's channel.
expect_exit 0 "$BIN" build -S "$up_URL" --all --inventory release-dc.json --cache-dir cache --unsigned -n -j
check_eq "$(jsonf last.out 'b.source.channel')" release "resolved in the inventory's channel"
! grep -q "update channel" last.err || fail "matching channels warn: $(cat last.err)"
# An inventory without the field still works, with a warning.
expect_exit 0 "$BIN" build -S "$up_URL" --all -C release --inventory "$INV" --cache-dir cache --unsigned -n
expect_in last.err "does not record the DC's update channel" "old inventory: channel not checked"
pass "an inventory of another channel is refused (38) unless --change-channel; an old one warns"

# --- part of the agent set -----------------------------------------------------------------
# The DC runs cn-agent at the newest release image already: the trim leaves it out, the
# other agents stay. The bundle's agent images then cannot make the agents bootstrap.
cn_agent=$(node -e 'const c = JSON.parse(require("fs").readFileSync("catalog/catalog.json", "utf8"));
  console.log(c.artifacts["cn-agent"].filter(a => a.channels.includes("release")).pop().uuid)')
node -e 'const fs = require("fs"); const j = JSON.parse(fs.readFileSync("release-dc.json", "utf8"));
  const m = JSON.parse(fs.readFileSync("catalog/" + process.argv[1] + ".imgmanifest", "utf8"));
  if (!j.images.some(i => i.uuid === m.uuid)) j.images.push({uuid: m.uuid, name: m.name, version: m.version, published_at: m.published_at});
  const a = j.agents.find(a => a.name === "cn-agent"); if (a) a.images = [m.uuid]; else j.agents.push({name: "cn-agent", images: [m.uuid]});
  const s = j.services.find(s => s.name === "cn-agent");
  if (s) s.instances.forEach(i => i.image = m.uuid);
  fs.writeFileSync("cn-agent-dc.json", JSON.stringify(j, null, 2) + "\n");' "$cn_agent"
expect_exit 0 "$BIN" build -S "$up_URL" --all --no-agentsshar --inventory cn-agent-dc.json --cache-dir cache --unsigned -n -j
jsonf last.out 'b.artifacts.filter(a => a.role === "agent").map(a => a.name).join(" ")' >agents.txt
grep -q "vm-agent" agents.txt || fail "expected vm-agent in the trimmed bundle: $(cat agents.txt)"
! grep -qw "cn-agent" agents.txt || fail "cn-agent was not trimmed: $(cat agents.txt)"
grep -Eq "warning: the bundle carries the agent images of [^(]*vm-agent[^(]* but not of [^(]*cn-agent[^(]* \(trimmed: the DC runs them already\), so the installer cannot make the agents bootstrap" last.err ||
  fail "partial agent set not named: $(cat last.err)"
expect_in last.err "with no agentsshar in the bundle either, agents are not updated at all" "no shar: said"
expect_in last.err "build with --no-agent-images" "partial agent set: the fix"
expect_exit 0 "$BIN" build -S "$up_URL" --all --inventory cn-agent-dc.json --cache-dir cache --unsigned -n --no-agent-images
! grep -q "agents bootstrap" last.err || fail "--no-agent-images still warns about the agent set"
pass "a trimmed bundle with part of the agent set is named, with the fix"
