#!/usr/bin/env bash
# One update channel per DC (issue 12 item 11, docs/trust.md §6a): after a dev bundle, an old
# signed release bundle (sequence 10) is refused with exit 38 (anti-rollback alone is per
# channel and let it in); --change-channel accepts it, runs `sdcadm channel set` (which needs
# the updates server's channel list: refused offline, fine with a mirror named in
# /var/sdcadm/sdcadm.conf) and is recorded in the history; the bundle's older platform is
# kept without --force, as services and gz-tools are.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
setup_dc   # b.sdc: dev; the headnode's sdcadm has update_channel=dev
"$BIN" build -S "$up_URL" --all -C release --sequence 10 --cache-dir "$TEST_DIR/cache" -o rel.sdc --no-progress \
  --key "$KEYS/alice.pem" --expires-in 3650 >rel.out 2>&1 || { cat rel.out >&2; fail "build rel.sdc"; }
"$BIN" inspect -j rel.sdc >rel.json || fail "inspect rel.sdc"
check_eq "$(jsonf rel.json 'b.index.channel + " " + b.index.sequence')" "release 10" "the old release bundle"
check_eq "$(st 's.sdc_app.metadata.update_channel')" dev "the DC's channel"

expect_exit 0 inst b.sdc -y
check_final_state
dev_platform=$(find "$HN/usbkey/os" -mindepth 1 -maxdepth 1 -type d -name '2*Z' -printf '%f\n' | sort | tail -1)
default_platform=$(st 's.platforms.default')
installed_platforms=$(st 's.platforms.installed.join(",")')
platform_runs=$(runs "platform install")

# --- another channel: refused (38) by plan and apply, nothing changed ---------------------------------
before=$(st 's.log.length')
expect_exit 38 inst plan rel.sdc
expect_in last.err "the bundle is for channel release, this DC is on channel dev (sdcadm's update_channel)" "plan: refusal names both"
expect_in last.err "--change-channel" "plan: the refusal says how to change channel"
expect_exit 38 inst rel.sdc -y
check_eq "$(st 's.log.length')" "$before" "a refused bundle ran no sdcadm command"
check_eq "$(inst history -j | jsonf /dev/stdin 'b.filter((r) => r.event === "run-start").length')" 1 "a refused bundle starts no run"
expect_exit 0 inst plan b.sdc
expect_in last.out "channel: dev (the DC's)" "the plan names the DC's channel"
pass "a bundle of another channel is refused with 38 (it was accepted: rollback state is per channel)"

# --- --change-channel offline: sdcadm channel set needs the updates server ----------------------------
expect_exit 42 inst rel.sdc -y --change-channel
expect_in last.err "sdcadm channel set release" "offline: the failing command"
expect_in last.err "updatesServerUrl in /var/sdcadm/sdcadm.conf" "offline: what to do"
check_eq "$(st 's.sdc_app.metadata.update_channel')" dev "offline: the channel stays"
check_eq "$(runs "platform install")" "$platform_runs" "offline: nothing installed"
pass "--change-channel in an offline DC stops before anything else and says how to set the channel"

# --- --change-channel with a mirror inside the gap: the DC moves, recorded ----------------------------------
printf '{"updatesServerUrl": "%s"}\n' "$up_URL" >"$HN/var/sdcadm/sdcadm.conf"
expect_exit 0 inst plan rel.sdc --change-channel
expect_in last.out "channel: the DC moves from channel dev to channel release (--change-channel" "plan: the move"
expect_in last.out "platform:  unchanged (the DC has a newer platform ($dev_platform); --force to install the bundle's)" \
  "plan: the older platform is kept"
expect_exit 0 inst plan rel.sdc --change-channel -j
check_eq "$(jsonf last.out 'b.channel.change_from + " " + b.channel.bundle + " " + b.platform.run')" "dev release false" "plan -j: channel, platform"
expect_exit 0 inst plan rel.sdc --change-channel --force -j
check_eq "$(jsonf last.out 'b.platform.run + " " + b.platform.note')" "true forced downgrade" "plan --force: the platform as a forced downgrade"
expect_exit 0 inst rel.sdc -y --change-channel
expect_in last.out "--- channel-set: sdcadm channel set release (--change-channel, from dev)" "apply: the channel step"
check_eq "$(st 's.sdc_app.metadata.update_channel')" release "the DC is on release"
check_eq "$(runs "channel set release")" 1 "sdcadm channel set ran once"
check_eq "$(st 's.platforms.default')" "$default_platform" "the default boot platform did not move"
check_eq "$(st 's.platforms.installed.join(",")')" "$installed_platforms" "no platform was added"
check_eq "$(runs "platform install")" "$platform_runs" "the older platform was not installed"
expect_exit 0 inst history -j
check_eq "$(jsonf last.out '[b.filter((r) => r.event === "run-start").pop()].map((r) => r.overrides.change_channel + " " + r.channel_change.from + " " + r.channel_change.to)[0]')" \
  "true dev release" "history: the channel change"
expect_exit 0 inst trust show -j
check_eq "$(jsonf last.out 'b.channels.release.sequence')" 10 "anti-rollback: release remembered"
pass "--change-channel: sdcadm channel set with a mirror, recorded in the history; the older platform kept"

# --- now on release: the dev bundle is the other channel --------------------------------------------------
expect_exit 38 inst plan b.sdc
expect_in last.err "the bundle is for channel dev, this DC is on channel release" "back to dev needs --change-channel too"
pass "the DC's channel decides in both directions"
