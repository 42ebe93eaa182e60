#!/usr/bin/env bash
# Issue 12 items 9 and 10 with `apply` on the simulated headnode:
#   * directory symlinks: /usbkey/images, /usbkey/extra/platforms or /usbkey itself a link to
#     elsewhere: refused with exit 47 naming it, nothing written into the link's target, no
#     sdcadm command run;
#   * a resumed apply: the first run stages, then its import fails (IMGAPI refuses uploads);
#     a staged image file is changed (same size) and its new SHA-1 written into the staged
#     manifest; the re-run says "stage: done in an earlier run, skipped" and its import
#     refuses (exit 8) naming the file and what to do; after `stage` again, apply finishes.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
setup_dc
JOURNAL="$HN/var/sdcadm/install/journal/$BUNDLE_ID.json"

# --- directory symlinks ----------------------------------------------------------------------------
for d in usbkey/images usbkey/extra/platforms usbkey; do
  target="$TEST_DIR/elsewhere-${d//\//-}"
  mkdir -p "$target"
  if [[ -e "$HN/$d" ]]; then
    cp -a "$HN/$d/." "$target/"   # the link leads to a copy (/usbkey/config included)
    mv "$HN/$d" "$HN/$d.real"
  fi
  before=$(cd "$target" && find . -type f -exec sha1sum {} + | sort | sha1sum)
  ln -s "$target" "$HN/$d"
  expect_exit 47 inst b.sdc -y
  expect_in last.err "sdcadm-install: error: $HN/$d is a symbolic link" "$d: the link is named"
  expect_in last.err "Make it a real directory" "$d: what to do"
  check_eq "$(cd "$target" && find . -type f -exec sha1sum {} + | sort | sha1sum)" "$before" \
    "$d: nothing written into the link's target"
  check_eq "$(st 's.log.length')" 0 "$d: no sdcadm command ran"
  rm "$HN/$d"
  if [[ -e "$HN/$d.real" ]]; then mv "$HN/$d.real" "$HN/$d"; fi
done
pass "apply with /usbkey/images, /usbkey/extra/platforms or /usbkey a symlink: exit 47, nothing written through it"

# --- a resumed apply after the staged files were changed --------------------------------------------
# restart_dc_imgapi [SERVER ARGS...]: the DC IMGAPI again over the same data, the headnode's
# config pointing at it.
restart_dc_imgapi() {
  kill "$dcimgapi_PID" 2>/dev/null || true
  wait "$dcimgapi_PID" 2>/dev/null || true
  start_server dcimgapi --mode dc --data "$HN/imgapi-data" "$@"
  sed -i "s|^imgapi_domain=.*|imgapi_domain=${dcimgapi_URL#http://}|" "$HN/usbkey/config"
  export HN_IMGAPI_URL=$dcimgapi_URL
}
restart_dc_imgapi --fault 'status=503,method=PUT,path=/images/*/file'
expect_exit 7 inst b.sdc -y
check_eq "$(jsonf "$JOURNAL" 'b.steps.find((s) => s.name === "stage").state')" done "first run: stage done"
restart_dc_imgapi

U=$(jsonf inspect.json 'b.index.artifacts.find(a => a.role === "service-image" && a.name === "imgapi").uuid')
FILE="$HN/usbkey/images/$U.imgfile"
MANIFEST="$HN/usbkey/images/$U.imgmanifest"
SIGNED_SHA1=$(jsonf "$MANIFEST" 'b.files[0].sha1')
size=$(stat -c %s "$FILE")
printf '\x5a\x5a\x5a\x5a' | dd of="$FILE" bs=1 seek=$((size / 2)) conv=notrunc status=none
FORGED_SHA1=$(sha1_of "$FILE")
node -e 'const fs = require("fs"); const b = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  b.files[0].sha1 = process.argv[2]; fs.writeFileSync(process.argv[1], JSON.stringify(b));' "$MANIFEST" "$FORGED_SHA1"

expect_exit 8 inst b.sdc -y
expect_in last.out "--- stage: done in an earlier run, skipped" "resumed: stage skipped"
expect_in last.err "staged manifest $MANIFEST" "resumed: the manifest is named"
expect_in last.err "files[0].sha1 is $FORGED_SHA1 (the signed bundle says $SIGNED_SHA1)" "resumed: what changed"
expect_in last.err "sdcadm-install stage BUNDLE" "resumed: what to do"
check_eq "$(curl -s -o /dev/null -w '%{http_code}' "$HN_IMGAPI_URL/images/$U")" 404 "resumed: the image is not in IMGAPI"
pass "resumed apply (stage skipped) with a changed staged file and manifest: exit 8, nothing of it imported"

expect_exit 0 inst stage b.sdc
expect_exit 0 inst b.sdc -y
check_eq "$(curl -s "$HN_IMGAPI_URL/images/$U" | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0)).files[0].sha1)')" \
  "$SIGNED_SHA1" "after re-stage: IMGAPI has the signed SHA-1"
check_final_state
pass "after \`sdcadm-install stage\`, the resumed apply finishes on the signed bytes"
