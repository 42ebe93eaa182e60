#!/usr/bin/env bash
# Bundle identity (issue 12 item 4, docs/bundle-format.md §9): bundle_id names a build,
# content_id the content. A rebuild of the same content with a newer sequence installs with
# no file touched by hand (before: exit 11 "bundle was applied with index digest A, this one
# has B"); it says that it carries nothing new and exits 0; a journal left for the same id
# by another build (bundles from builders before content_id share ids) is kept aside, not a
# refusal; a rebuild whose DC has moved away since runs its plan.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
setup_dc
JOURNALS="$HN/var/sdcadm/install/journal"
# rebuild OUT EPOCH: b.sdc's inputs, built at another time (a newer created and sequence).
rebuild() {
  SOURCE_DATE_EPOCH=$2 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" -o "$1" --no-progress \
    --key "$KEYS/alice.pem" --expires-in 3650 >/dev/null 2>"$1.err" || { cat "$1.err" >&2; fail "rebuild $1"; }
  "$BIN" inspect -j "$1" >"$1.json" || fail "inspect $1"
}
CONTENT_ID=$(jsonf inspect.json 'b.index.content_id')
OLD_IMGAPI=$(st 's.instances.find((i) => i.service === "imgapi").image')

# --- the builder: one content id, an id per build --------------------------------------------------
rebuild r.sdc $((SOURCE_DATE_EPOCH + 60))
R_ID=$(jsonf r.sdc.json 'b.index.bundle_id')
check_eq "$(jsonf r.sdc.json 'b.index.content_id')" "$CONTENT_ID" "a rebuild has the same content id"
[[ "$R_ID" != "$BUNDLE_ID" ]] || fail "a rebuild with a newer sequence has the same bundle_id $R_ID"
check_eq "$(jsonf r.sdc.json 'b.index.sequence - 60')" "$(jsonf inspect.json 'b.index.sequence')" "the rebuild's sequence is newer"
"$BIN" inspect r.sdc >r-inspect.txt || fail "inspect r.sdc"
expect_in r-inspect.txt "content id: $CONTENT_ID" "inspect prints the content id"
rebuild r-again.sdc $((SOURCE_DATE_EPOCH + 60))
cmp -s r.sdc r-again.sdc || fail "the same inputs and SOURCE_DATE_EPOCH no longer give the same bytes"
pass "build: the same content id, a new bundle_id per build, still reproducible"

# --- apply b, then its rebuild: accepted, same content said, exit 0 -----------------------------------
expect_exit 0 inst b.sdc -y
check_final_state
before=$(st 's.log.length')
expect_exit 0 inst plan r.sdc
expect_in last.out "note: bundle $BUNDLE_ID with the same content was applied completely" "plan: same content"
expect_exit 0 inst r.sdc -y
expect_in last.out "Bundle $R_ID has the same content as bundle $BUNDLE_ID, applied completely" "apply: same content"
expect_in last.out "nothing to do. Up-to-date." "apply: up to date"
check_eq "$(st 's.log.length')" "$before" "the rebuild ran no sdcadm command"
expect_exit 0 inst trust show -j
check_eq "$(jsonf last.out 'b.channels.dev.sequence + " " + b.channels.dev.bundle_id')" \
  "$(jsonf r.sdc.json 'b.index.sequence') $R_ID" "anti-rollback remembers the rebuild"
expect_exit 0 inst history -j
check_eq "$(jsonf last.out 'b.filter((r) => r.event === "run-start" && r.same_content_as === "'"$BUNDLE_ID"'").length')" 1 \
  "history: the rebuild's run names the build it matches"
check_eq "$(jsonf last.out 'b.filter((r) => r.event === "run-end").map((r) => r.result).join(",")')" "ok,up-to-date" \
  "history: ok, then up-to-date"
# The same rebuild again: applied, says so, exit 0.
expect_exit 0 inst r.sdc -y
expect_in last.out "Bundle $R_ID was applied completely" "the same bundle again"
expect_in last.out "nothing to do. Up-to-date." "the same bundle again: up to date"
# The older build is now a rollback (it names the newer build, not itself).
expect_exit 34 inst b.sdc -y
expect_in last.err "(bundle $R_ID)" "the rollback message names the newer build"
pass "a rebuild of applied content installs, says so and exits 0; again: applied; the older build is a rollback"

# --- a journal of another build under the same id (pre-content_id bundles) ------------------------------
rebuild r2.sdc $((SOURCE_DATE_EPOCH + 120))
R2_ID=$(jsonf r2.sdc.json 'b.index.bundle_id')
cat >"$JOURNALS/$R2_ID.json" <<JSON
{"bundle_id": "$R2_ID", "bundle_digest": "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
 "state": "running", "created": "2026-01-01T00:00:00.000Z", "updated": "2026-01-01T00:00:00.000Z",
 "finished": null, "runs": 1, "steps": [{"name": "stage", "state": "started", "started": "2026-01-01T00:00:00.000Z",
 "ended": null, "attempts": 1, "error": null}]}
JSON
expect_exit 0 inst plan r2.sdc
grep -q "apply resumes there" last.out && fail "plan took another build's journal for this one's"
expect_exit 0 inst r2.sdc -y
expect_in last.out "The journal of another build of bundle $R2_ID (the same content) is kept as $JOURNALS/$R2_ID.abcdef012345.json" \
  "the other build's journal is kept aside"
[[ -f "$JOURNALS/$R2_ID.abcdef012345.json" ]] || fail "the other build's journal was not kept"
check_eq "$(jsonf "$JOURNALS/$R2_ID.json" 'b.state + " " + b.content_id')" "finished $CONTENT_ID" "this build's own journal"
pass "a journal of another build with the same id is kept aside, not a refusal (was exit 11)"

# --- a rebuild when the DC has moved away since: its plan runs -------------------------------------------
node -e 'const fs = require("fs"); const p = process.argv[1]; const s = JSON.parse(fs.readFileSync(p, "utf8"));
  s.instances.find((i) => i.service === "imgapi").image = process.argv[2];
  fs.writeFileSync(p, JSON.stringify(s, null, 2));' "$HN_STATE" "$OLD_IMGAPI"
rebuild r3.sdc $((SOURCE_DATE_EPOCH + 180))
R3_ID=$(jsonf r3.sdc.json 'b.index.bundle_id')
expect_exit 0 inst r3.sdc -y
expect_in last.out "Bundle $R3_ID has the same content as bundle $R2_ID, applied completely" "moved DC: same content said"
expect_in last.out "but its plan has more to do now" "moved DC: the plan runs"
expect_in last.out "--- up-services: sdcadm up: " "moved DC: imgapi goes back to the bundle's image"
check_final_state
pass "a rebuild whose DC moved away since runs its plan"
