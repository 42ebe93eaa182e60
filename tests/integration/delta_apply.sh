#!/usr/bin/env bash
# Delta bundles end to end (issue 16's "done when"), on the simulated headnode one release
# behind the realistic sample catalog (successive versions share most content, compressed as
# Triton compresses them):
#   * the builder's delta bundle is <= 0.2x the bytes of the full trimmed bundle (--no-delta)
#     built for the same DC, and its report says which artifacts fell back to full files and why;
#   * a DC that lacks a base (deleted from its IMGAPI) refuses the delta bundle with exit 48
#     before anything is staged or imported;
#   * apply of the delta bundle installs images whose sha1 (IMGAPI) and sha256 (staged files)
#     equal those the full bundle installs on a twin DC.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"

cd "$TEST_DIR" || fail "cd"
make_release_keys
make_catalog "$TEST_DIR/catalog" 16M
start_server up "$TEST_DIR/catalog" --log-file "$TEST_DIR/up.log"

# build_for INVENTORY OUT [ARGS...]: a trimmed bundle for the DC the inventory describes.
build_for() {
  local inv=$1 out=$2; shift 2
  "$BIN" build -S "$up_URL" --all --inventory "$inv" --cache-dir "$TEST_DIR/cache" -o "$out" \
    --no-progress -j --key "$KEYS/alice.pem" --expires-in 3650 "$@" >"$out.json" 2>"$out.err" ||
    { cat "$out.err" >&2; fail "build $out"; }
}

# installed HN: "uuid sha1 sha256 path" per image of the bundle: its files[0].sha1 in HN's
# IMGAPI and the sha256 of the file staged where the index says (stage_as).
installed() {
  local hn=$1 url u path
  url=$(sed -n 's/^imgapi_domain=//p' "$hn/usbkey/config")
  jsonf inspect.json 'b.index.artifacts.filter(a => a.uuid && a.role !== "installer")
    .map(a => a.uuid + " " + (a.stage_as || "/usbkey/images/" + a.uuid + ".imgfile")).sort().join("\n")' >staged.txt
  while read -r u path; do
    [[ -f "$hn$path" ]] || fail "$hn$path was not staged"
    if [[ $path == /usbkey/images/* ]]; then
      curl -sf "http://$url/images/$u" >img.json || fail "image $u is not in the DC IMGAPI of $hn"
      check_eq "$(jsonf img.json 'b.state')" active "image $u's state in $hn"
      echo "$u $(jsonf img.json 'b.files[0].sha1') $(sha256sum <"$hn$path" | cut -d' ' -f1) $path"
    else
      echo "$u - $(sha256sum <"$hn$path" | cut -d' ' -f1) $path"
    fi
  done <staged.txt
}

# --- DC A gets the full trimmed bundle ------------------------------------------------------------
make_headnode "$TEST_DIR/hnA" "$TEST_DIR/catalog" dev
HN=$FAKE_SDCADM_ROOT
trust_dc "$HN"
expect_exit 0 inst inventory -o A.json
build_for A.json full.sdc --no-delta
"$BIN" inspect -j full.sdc >inspect.json || fail "inspect full.sdc"
check_eq "$(jsonf inspect.json 'b.index.format_version')" 1 "--no-delta: format 1"
expect_exit 0 inst apply full.sdc -y
installed "$HN" >full-installed.txt
pass "full trimmed bundle applied on DC A ($(wc -l <full-installed.txt) images)"

# --- DC B, the same release, gets a delta bundle -------------------------------------------------
make_headnode "$TEST_DIR/hnB" "$TEST_DIR/catalog" dev
HN=$FAKE_SDCADM_ROOT
trust_dc "$HN"
expect_exit 0 inst inventory -o B.json
SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH + 60)) build_for B.json delta.sdc
"$BIN" inspect -j delta.sdc >delta-inspect.json || fail "inspect delta.sdc"
check_eq "$(jsonf delta-inspect.json 'b.index.format_version')" 2 "a bundle with deltas: format 2"
# The same images as the full bundle, only carried differently.
check_eq "$(jsonf delta-inspect.json 'b.index.artifacts.map(a => a.uuid).sort().join(" ")')" \
  "$(jsonf inspect.json 'b.index.artifacts.map(a => a.uuid).sort().join(" ")')" "the same artifacts"
full_bytes=$(stat -c %s full.sdc) delta_bytes=$(stat -c %s delta.sdc)
ratio=$(awk -v d="$delta_bytes" -v f="$full_bytes" 'BEGIN { printf "%.3f", d / f }')
awk -v r="$ratio" 'BEGIN { exit !(r <= 0.2) }' ||
  fail "the delta bundle is ${ratio}x the full one ($delta_bytes / $full_bytes bytes), more than 0.2x"
deltas=$(jsonf delta.sdc.json 'b.deltas.totals.delta')
fallback=$(jsonf delta.sdc.json 'b.deltas.totals.fallback_percent.toFixed(1)')
reasons=$(jsonf delta.sdc.json 'JSON.stringify(b.deltas.totals.reasons)')
(( deltas > 0 )) || fail "no delta in the bundle"
[[ "$reasons" != "{}" && "$reasons" != "null" ]] || fail "no fallback reasons reported: $reasons"
expect_exit 0 "$BIN" inspect delta.sdc
expect_in last.out "fell back to full files" "inspect reports the fallback share"
pass "delta bundle ${ratio}x the full one ($delta_bytes / $full_bytes bytes): $deltas deltas, ${fallback}% fell back, $reasons"

# --- a base the DC lacks: refused before anything is staged ---------------------------------------
base=$(jsonf delta.sdc.json 'b.deltas.artifacts.find(a => a.outcome === "delta" && a.role === "service-image").base.uuid')
[[ -n "$base" ]] || fail "no service image shipped as a delta"
curl -sf -o base.imgmanifest "$HN_IMGAPI_URL/images/$base" || fail "base manifest"
curl -sf -o base.imgfile "$HN_IMGAPI_URL/images/$base/file" || fail "base file"
curl -sf -X DELETE "$HN_IMGAPI_URL/images/$base" >/dev/null || fail "deleting the base from the DC IMGAPI"
rm -f "$HN/usbkey/images/$base.imgfile"
before=$(staged_files "$HN" | sha1sum)
images_before=$(curl -sf "$HN_IMGAPI_URL/images?state=all" | sha1sum)
expect_exit 48 inst apply delta.sdc -y
expect_in last.err "ask for a full bundle (sdcadm-bundle build --no-delta)" "apply says what to do"
expect_in last.err "$base" "apply names the missing base"
check_eq "$(staged_files "$HN" | sha1sum)" "$before" "nothing staged"
check_eq "$(temp_files "$HN")" 0 "no temp file"
check_eq "$(curl -sf "$HN_IMGAPI_URL/images?state=all" | sha1sum)" "$images_before" "nothing imported"
pass "a DC without the base $base: apply exits 48, nothing staged or imported"

# --- the base back: apply installs exactly what the full bundle installed ---------------------------
"$SDCB_BIN/imgapi-cli" -S "$HN_IMGAPI_URL" import -m base.imgmanifest -f base.imgfile --skip-owner-check \
  --no-progress >/dev/null || fail "re-importing the base"
expect_exit 0 inst apply delta.sdc -y
installed "$HN" >delta-installed.txt
diff full-installed.txt delta-installed.txt >&2 || fail "the delta bundle installed other bytes than the full one"
check_eq "$(temp_files "$HN")" 0 "no temp file after apply"
pass "delta bundle applied on DC B: $(wc -l <delta-installed.txt) images, sha1 and sha256 equal the full bundle's"
