#!/usr/bin/env bash
# sdcadm-install verify / stage / import on a bare headnode root with a DC-mode IMGAPI:
# every artifact lands where sdcadm expects it, byte for byte; re-runs change nothing
# and read no payload; every image but the platform ends active in IMGAPI with the
# upstream uuid and published_at, origins imported first; an unactivated leftover is
# replaced; import before stage says what to run.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"
source "$SDCB_SOURCE/tests/integration/install_helpers.bash"

cd "$TEST_DIR"
make_bundle b.sdc
HN="$TEST_DIR/hn"
make_root "$HN"

# --- import before stage: names the step to run ----------------------------------------------
expect_exit 10 "$INST" --root "$HN" import b.sdc
expect_in last.err "is not staged" "import before stage"
expect_in last.err "sdcadm-install stage BUNDLE" "import before stage names the fix"
check_eq "$(dc_count all)" 0 "nothing imported before stage"

# --- verify: hash level and space, writes nothing ------------------------------------------
expect_exit 0 "$INST" --root "$HN" verify b.sdc -j
cp last.out verify.json
check_eq "$(jsonf verify.json 'b.ok && b.payload_checked && b.signatures_checked && b.signers.length === 1')" true "verify -j (signatures checked)"
nimg=$(bundle_images | grep -c .)
check_eq "$(jsonf verify.json 'b.space.import_images')" "$nimg" "verify counts every image for IMGAPI"
check_eq "$(jsonf verify.json 'b.space.imgapi_consulted')" true "verify asked the DC IMGAPI"
check_eq "$(jsonf verify.json 'b.space.stage_files')" "$(jsonf inspect.json 'b.index.members.length - 1')" \
  "every member but changelog.json is staged"
check_eq "$(staged_files "$HN" | wc -l)" 0 "verify wrote nothing"
expect_exit 0 "$INST" --root "$HN" verify - <b.sdc
expect_in last.out "match the index of bundle $(jsonf inspect.json 'b.index.bundle_id')" "verify -"
expect_in last.out "signatures: checked against the DC's trust root (1 signer(s))" "verify - checks the signatures too"
pass "verify: every member, the space needed, nothing written"

# --- stage ----------------------------------------------------------------------------------
expect_exit 0 "$INST" --root "$HN" stage b.sdc -j
cp last.out stage.json
check_eq "$(jsonf stage.json 'b.written === b.files && b.already === 0 && b.payload_read')" true "first stage writes all"
check_eq "$(temp_files "$HN")" 0 "no temp file after stage"
# Each artifact's file is the upstream file (sha1 of its manifest), at its stage_as.
node -e '
  const fs = require("fs"), crypto = require("crypto");
  const hn = process.argv[1];
  const arts = JSON.parse(fs.readFileSync("inspect.json", "utf8")).index.artifacts;
  let n = 0;
  for (const a of arts) {
    if (a.role === "installer") continue;
    const file = hn + a.stage_as;
    const inImages = a.stage_as === "/usbkey/images/" + a.uuid + ".imgfile";
    const mpath = hn + (inImages ? "/usbkey/images/" + a.uuid + ".imgmanifest"
                                 : "/var/sdcadm/install/manifests/" + a.uuid + ".imgmanifest");
    const m = JSON.parse(fs.readFileSync(mpath, "utf8"));
    if (m.uuid !== a.uuid || m.published_at !== a.published_at) throw new Error("manifest of " + a.uuid);
    const sha1 = crypto.createHash("sha1").update(fs.readFileSync(file)).digest("hex");
    if (sha1 !== m.files[0].sha1) throw new Error("file of " + a.uuid + " at " + file);
    n++;
  }
  console.log(n);' "$HN" >staged.txt || fail "staged files differ from the bundle's"
[[ -n "$(ls "$HN"/usbkey/extra/agents/agents-*.sh)" ]] || fail "agentsshar not in extra/agents"
[[ -n "$(ls "$HN"/usbkey/extra/platforms/platform-*-[0-9]*T[0-9]*Z.tgz)" ]] || fail "platform name"
[[ -n "$(ls "$HN"/usbkey/extra/gz-tools-*.tgz)" ]] || fail "gz-tools"
[[ ! -e "$HN/usbkey/extra/agents/latest" ]] || fail "stage moved the agents latest link"
pass "stage: $(cat staged.txt) artifacts at their stage_as, manifests beside them, sha1s match"

expect_exit 0 "$INST" --root "$HN" stage b.sdc -j
cp last.out stage2.json
check_eq "$(jsonf stage2.json 'b.written + "," + (b.already === b.files) + "," + b.payload_read')" "0,true,false" \
  "re-run writes nothing and reads no payload"
# A damaged staged file is found and written again.
files=("$HN"/usbkey/images/*.imgfile)
victim=${files[0]}
printf 'X' | dd of="$victim" bs=1 seek=10 conv=notrunc status=none
expect_exit 0 "$INST" --root "$HN" stage b.sdc -j
check_eq "$(jsonf last.out 'b.written')" 1 "the damaged file is staged again"
pass "stage re-run: keeps verified files, replaces a damaged one"

# --- import -----------------------------------------------------------------------------------
expect_exit 0 "$INST" --root "$HN" import b.sdc -j --concurrency 3
cp last.out import.json
check_eq "$(jsonf import.json 'b.images.length')" "$nimg" "every image handled"
check_eq "$(jsonf import.json 'b.images.every(i => i.outcome === "imported")')" true "all imported"
check_eq "$(dc_count active)" "$nimg" "all active"
check_eq "$(dc_count unactivated)" 0 "none unactivated"
curl -sf "$dc_URL/images?state=all" >dc.json
node -e '
  const fs = require("fs");
  const dc = new Map(JSON.parse(fs.readFileSync("dc.json", "utf8")).map(i => [i.uuid, i]));
  const arts = JSON.parse(fs.readFileSync("inspect.json", "utf8")).index.artifacts;
  for (const a of arts) {
    if (a.role === "platform" || a.role === "installer") { if (dc.has(a.uuid)) throw new Error("platform imported"); continue; }
    const i = dc.get(a.uuid);
    if (!i || i.published_at !== a.published_at || i.version !== a.version) throw new Error("image " + a.uuid);
  }' || fail "IMGAPI images differ from the bundle's"
# Origins first: every image is imported after its origin (server request log order).
node -e '
  const fs = require("fs");
  const lines = fs.readFileSync("dc.log", "utf8").split("\n").filter(l => l.includes("action=import"));
  const order = lines.map(l => JSON.parse(l).url.split("/")[2].split("?")[0]);
  const pos = new Map(order.map((u, k) => [u, k]));
  const dc = JSON.parse(fs.readFileSync("dc.json", "utf8"));
  let checked = 0;
  for (const i of dc) if (i.origin && pos.has(i.origin)) {
    if (!(pos.get(i.origin) < pos.get(i.uuid))) throw new Error(i.uuid + " before its origin");
    checked++;
  }
  if (checked === 0) throw new Error("no origin in the bundle: the test proves nothing");' \
  || fail "origins not imported first"
pass "import: $nimg images active, same uuid/version/published_at, origins first, platform kept out"

expect_exit 0 "$INST" --root "$HN" import b.sdc -j
check_eq "$(jsonf last.out 'b.images.every(i => i.outcome === "already-active") && b.bytes_uploaded === 0')" true \
  "second import skips active images"

# An unactivated leftover (import without file, as a killed sdcadm leaves) is replaced.
u=$(bundle_images | sed -n 1p)
curl -sf -X DELETE "$dc_URL/images/$u" || fail "delete $u"
mpath="$HN/usbkey/images/$u.imgmanifest"
[[ -f "$mpath" ]] || mpath="$HN/var/sdcadm/install/manifests/$u.imgmanifest"
node -e '
  const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const k of ["state", "files", "channels", "icon"]) delete m[k];
  process.stdout.write(JSON.stringify(m));' "$mpath" >leftover.json
curl -sf -X POST -H 'Content-Type: application/json' --data-binary @leftover.json \
  "$dc_URL/images/$u?action=import&skip_owner_check=true" >/dev/null || fail "make a leftover"
check_eq "$(dc_count unactivated)" 1 "leftover made"
expect_exit 0 "$INST" --root "$HN" import b.sdc -j
check_eq "$(jsonf last.out "b.images.find(i => i.uuid === '$u').outcome")" reimported "leftover re-imported"
check_eq "$(dc_count unactivated)" 0 "no leftover"
check_eq "$(dc_count active)" "$nimg" "all active again"
pass "import re-run: active images skipped, an unactivated leftover deleted and imported again"
