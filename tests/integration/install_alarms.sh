#!/usr/bin/env bash
# sdcadm-install's alarm-config step (installer/amon_probes.hpp) on the simulated headnode:
# planned after the last `sdcadm up` (before platform install), with the reason shown when it
# is skipped (no core zone change: a platform-only spec; no amon in the DC); a sdc-amonadm
# that exits 0 having done nothing is caught by the post-step check (exit 46, naming the
# instance without probes); a fault on sdc-amonadm update stops apply with 42, a kill -9 right
# after it leaves the step started; the re-run after each runs the step again and leaves
# `sdc-amonadm update` with nothing to do.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
setup_dc
AMONADM=$HN_SDC_AMONADM

# A second vmapi instance, as `sdcadm create vmapi` leaves one before the sdc zone's hourly
# `sdc-amonadm update` ran: no probes yet.
headnode_instance vmapi "$(st 's.instances.find((i) => i.service === "vmapi").image')" add
VMAPI1=$(st 's.instances.find((i) => i.alias === "vmapi1").instance')
expect_exit 0 "$AMONADM" probes -H -m "$VMAPI1"
check_eq "$(wc -l <last.out)" 0 "the new vmapi instance has no probes yet"

# --- plan: alarm-config after the last up, before platform install --------------------------
expect_exit 0 inst plan b.sdc
cp last.out plan.txt
expect_in plan.txt "update amon probes with sdc-amonadm update (after the core zone changes)" "plan: the alarm step"
grep -q "^    steps: .*, up-manatee, alarm-config, platform-install$" plan.txt || { cat plan.txt >&2; fail "plan: step order"; }
# In the break-out: after the last service block (manatee), before the platform.
check_eq "$(grep -n -e '^update amon probes' -e '^update "manatee"' -e '^install platform' plan.txt | cut -d: -f2 | cut -c1-14 | tr '\n' '|')" \
  'update "manate|update amon pr|install platfo|' "plan: break-out order"
expect_exit 0 inst plan -j b.sdc
check_eq "$(jsonf last.out 'b.alarms.run + " " + b.alarms.reason')" "true after the core zone changes" "plan -j: alarms"
check_eq "$(jsonf last.out 'b.steps.slice(-2).join(",")')" "alarm-config,platform-install" "plan -j: steps"
pass "plan: alarm-config after up-manatee, before platform-install, in text and -j"

# --- skipped, with the reason: no core zone change; no amon ------------------------------------
echo '[{"service": "platform"}]' >platform-only.json
expect_exit 0 inst plan -f platform-only.json b.sdc
expect_in last.out "amon probes: not updated (no core zone changes in this plan (amon probes follow core zones only))" \
  "platform-only plan: the reason"
grep -q "alarm-config" last.out && fail "platform-only plan has the alarm step"
cp "$HN_STATE" state.good
node -e 'const fs = require("fs"), p = process.argv[1], s = JSON.parse(fs.readFileSync(p, "utf8"));
  s.instances = s.instances.filter((i) => i.service !== "amon"); s.services = s.services.filter((v) => v.name !== "amon");
  fs.writeFileSync(p, JSON.stringify(s, null, 2));' "$HN_STATE"
expect_exit 0 inst plan b.sdc
expect_in last.out "amon probes: not updated (the DC has no amon instance)" "no-amon plan: the reason"
grep -q "alarm-config" last.out && fail "no-amon plan has the alarm step"
expect_exit 0 inst plan -j b.sdc
check_eq "$(jsonf last.out 'b.alarms.run')" "false" "no-amon plan -j"
cp state.good "$HN_STATE"
pass "skipped with the reason: a plan without core zone changes, a DC without amon"

# --- a sdc-amonadm that exits 0 having done nothing: exit 46 naming the evidence ----------------
cat >noop-amonadm <<NOOP
#!/usr/bin/env bash
if [[ "\$1" == update ]]; then printf 'added 0 probes\nupdated 0 probes\ndropped 0 probes\n'; exit 0; fi
exec "$SDCB_BIN/fake-sdc-amonadm" "\$@"
NOOP
chmod +x noop-amonadm
expect_exit 46 inst --sdc-amonadm "$TEST_DIR/noop-amonadm" apply -y b.sdc
expect_in last.err "alarm-config: sdc-amonadm update exited 0, but the probes do not match the instances" "46: what"
expect_in last.err "vmapi1 ($VMAPI1) has no probe" "46: the evidence names the instance"
check_eq "$(runs "sdc-amonadm update")" 0 "the no-op ran instead of sdc-amonadm"
check_eq "$(runs "platform install")" 0 "stopped before platform install"
up_runs=$(runs "up -y")
pass "a no-op sdc-amonadm: exit 46 naming vmapi1 without probes; stopped before the platform"

# --- a failing sdc-amonadm update: exit 42; the re-run runs the step again ----------------------
FAKE_SDCADM_FAIL=amonadm-update expect_exit 42 inst apply -y b.sdc
expect_in last.err "step alarm-config failed: sdc-amonadm update failed (exit 1)" "42: the step"
expect_in last.err "simulated failure (fake-sdcadm fault knob)" "42: sdc-amonadm's words"
check_eq "$(runs "up -y")" "$up_runs" "the re-run did not repeat the up steps"
grep -q "^end [0-9]* [0-9]* 1 sdc-amonadm update$" "$HN/var/fake-sdcadm/commands.log" || fail "command log: the failed run"
expect_exit 0 inst plan b.sdc
expect_in last.out "update amon probes with sdc-amonadm update (an earlier run of this bundle did not finish it)" \
  "plan after the failure: the step again"
# kill -9 of the installer right after sdc-amonadm update succeeded (the fake kills its parent,
# test_knobs.hpp): the journal still says started; the re-run checks it and runs it again.
FAKE_SDCADM_KILL_PARENT="sdc-amonadm update" expect_exit 137 inst apply -y b.sdc
check_eq "$(jsonf "$HN/var/sdcadm/install/journal/$BUNDLE_ID.json" 'b.steps.find((s) => s.name === "alarm-config").state')" \
  started "killed: the journal says started"
check_eq "$(runs "sdc-amonadm update")" 1 "the killed run's sdc-amonadm update finished"
expect_exit 0 inst apply -y b.sdc
cp last.out apply.txt
expect_in apply.txt "--- alarm-config: interrupted in an earlier run; interrupted before the DC showed its outcome" \
  "re-run: the killed step is settled as failed"
expect_in apply.txt "--- alarm-config: sdc-amonadm update (amon probes, an earlier run of this bundle did not finish it)" \
  "re-run: the step runs again though no core zone changes are left"
expect_in apply.txt "--- up-services: done in an earlier run, skipped" "re-run: up done earlier"
expect_in apply.txt "Bundle $BUNDLE_ID applied." "re-run finished"
check_final_state
check_eq "$(runs "sdc-amonadm update")" 2 "sdc-amonadm update: the killed run's and the re-run's"
order=$(st 's.log.map((l) => l.argv.slice(0, 2).join(" ")).slice(-2).join(",")')
check_eq "$order" "sdc-amonadm update,platform install" "alarm-config before platform install"
pass "fault on sdc-amonadm update: exit 42; kill -9 after it: 137; the re-run runs alarm-config again, then the platform"

# --- the DC afterwards: probes clean, evidence recorded ----------------------------------------
node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
  const r = lines.filter((l) => l.event === "step" && l.step === "alarm-config" && l.result === "done").pop();
  if (!r || !r.evidence || r.evidence.check !== "amon-probes") { console.error(JSON.stringify(r)); process.exit(1); }
  const v = r.evidence.roles.vmapi;
  if (v.instances !== 2 || v.probes !== 12) { console.error(JSON.stringify(r.evidence)); process.exit(1); }' \
  "$HN/var/sdcadm/install/history.jsonl" || fail "history: alarm-config's evidence"
expect_exit 0 "$AMONADM" probes -H -m "$VMAPI1"
check_eq "$(wc -l <last.out)" 6 "vmapi1's probes"
expect_exit 0 "$AMONADM" update
check_eq "$(tail -3 last.out | tr '\n' ',')" "added 0 probes,updated 0 probes,dropped 0 probes," "nothing stale after apply"
pass "after apply: vmapi1 has its 6 probes, the evidence is in the history, sdc-amonadm update has nothing to do"

# --- nothing changed: no second alarm-config ------------------------------------------------------
before=$(runs "sdc-amonadm update")
expect_exit 0 inst apply -y b.sdc
check_eq "$(runs "sdc-amonadm update")" "$before" "a finished bundle runs no sdc-amonadm"
pass "a second apply of the finished bundle does not run sdc-amonadm"
