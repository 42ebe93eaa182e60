#!/usr/bin/env bash
# Delta members (issue 16): a trimmed build (--inventory) ships, for an image the DC runs an
# older version of, a patch against that image (images/<uuid>.imgpatch, format_version 2)
# once it has rebuilt the new file from it byte for byte; everything else ships whole, with
# the reason reported. --no-delta gives a format 1 bundle without patches. A patch cached by
# an earlier build is reused; a damaged cached patch is caught by the self-verification and
# encoded again (the bundle is the same).
#
# The catalog is made with --payload random (successive versions are unrelated random bytes:
# every reason for a full file shows up deterministically), and the fixture makes
# two related releases itself: imgapi's image (new) and the one the DC runs (base) become
# pigz -6 files of a generated text stream and a modification of it; portolan's become
# GNU gzip files (no recipe can reproduce GNU gzip: full file, reason no_recipe).
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"

INV="$SDCB_SOURCE/docs/examples/inventory.json"
"$SDCB_BIN/sample-catalog" -o "$TEST_DIR/catalog" --scale 8M --payload random -q || fail "sample-catalog"
cd "$TEST_DIR"

# Which images a trimmed build would patch, and against what: the dry run says.
start_server first "$TEST_DIR/catalog"
expect_exit 0 "$BIN" build -S "$first_URL" -C release --all --inventory "$INV" --cache-dir plancache -n -j
cp last.out plan.json
uuid_of() { jsonf plan.json "b.deltas.artifacts.find(a => a.name === '$1').uuid"; }
base_of() { jsonf plan.json "b.deltas.artifacts.find(a => a.name === '$1').base.uuid"; }
IMGAPI=$(uuid_of imgapi); IMGAPI_BASE=$(base_of imgapi)
PORTOLAN=$(uuid_of portolan); PORTOLAN_BASE=$(base_of portolan)
[[ -n "$IMGAPI_BASE" && -n "$PORTOLAN_BASE" ]] || fail "the plan names no base for imgapi/portolan"
check_eq "$(jsonf plan.json "b.deltas.artifacts.find(a => a.name === 'imgapi').outcome")" candidate "imgapi is a candidate"
check_eq "$(jsonf plan.json "b.deltas.artifacts.find(a => a.role === 'origin').reason_kind")" no_base "an origin has no base"

# gen SEED BYTES: deterministic text, compressible like a file system stream.
gen() {
  node -e '
    let x = Number(process.argv[1]) >>> 0; const n = Number(process.argv[2]);
    const rnd = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) >>> 8;  // high bits: the low ones repeat
    const words = ["usr", "lib", "node_modules", "sdc", "imgapi", "config", "json", "etc", "bin",
                   "smartos", "triton", "zone", "manifest", "service", "restify", "bunyan"];
    const parts = []; let size = 0;
    while (size < n) {
      let line = (rnd() % 100000).toString(16) + " ";
      for (let i = 0; i < 8; i++) line += words[rnd() % words.length] + "/";
      line += "\n"; parts.push(line); size += line.length;
    }
    process.stdout.write(parts.join("").slice(0, n));' "$1" "$2"
}
gen 7 8388608 >base.raw
# The new release: a changed stretch, an insertion and a deletion.
slice() { dd if="$1" iflag=skip_bytes,count_bytes skip="$2" count="$3" status=none; }
{ slice base.raw 0 2000000; gen 8 20000; slice base.raw 2000000 3000000; gen 9 300000;
  slice base.raw 5300000 2000000; slice base.raw 7500000 1000000; } >new.raw

# put UUID FILE: FILE becomes UUID's image file, its manifest's files[0] follows.
put() {
  cp "$2" "catalog/$1.imgfile"
  local sha1 size
  sha1=$(sha1sum <"$2" | cut -d' ' -f1); size=$(stat -c %s "$2")
  node -e '
    const fs = require("fs"); const p = process.argv[1];
    const m = JSON.parse(fs.readFileSync(p, "utf8"));
    m.files[0].sha1 = process.argv[2]; m.files[0].size = Number(process.argv[3]); m.files[0].compression = "gzip";
    fs.writeFileSync(p, JSON.stringify(m, null, 2));' "catalog/$1.imgmanifest" "$sha1" "$size"
}
pigz -6 -c <base.raw >imgapi-base.gz; pigz -6 -c <new.raw >imgapi-new.gz
gzip -6 -c <base.raw >portolan-base.gz; gzip -6 -c <new.raw >portolan-new.gz
put "$IMGAPI_BASE" imgapi-base.gz; put "$IMGAPI" imgapi-new.gz
put "$PORTOLAN_BASE" portolan-base.gz; put "$PORTOLAN" portolan-new.gz
start_server up "$TEST_DIR/catalog"

# --- a delta bundle -------------------------------------------------------------------------
build() {  # build OUT [ARGS...]
  local out=$1; shift
  expect_exit 0 "$BIN" build -S "$up_URL" -C release --all --inventory "$INV" --cache-dir cache \
    --unsigned -o "$out" --force -j "$@"
}
build delta.sdc
cp last.out delta.json
art() { jsonf delta.json "b.deltas.artifacts.find(a => a.name === '$1').$2"; }
check_eq "$(art imgapi outcome)" delta "imgapi ships as a delta"
check_eq "$(art imgapi base.uuid)" "$IMGAPI_BASE" "imgapi's base is the image the DC runs"
check_eq "$(art portolan outcome)" full "portolan (GNU gzip) ships whole"
check_eq "$(art portolan reason_kind)" no_recipe "portolan's reason"
expect_in delta.json "no recipe reproduces it" "the reason names why_not"
check_eq "$(art amon-agent reason_kind)" patch_too_big "random content: the patch is not worth it"
full=$(art imgapi full_size); patch=$(art imgapi patch_size)
(( patch * 10 < full )) || fail "imgapi's patch is $patch bytes for a $full-byte file"
(( $(jsonf delta.json 'b.deltas.totals.delta') == 1 )) || fail "expected 1 delta"
pct=$(jsonf delta.json 'Math.round(b.deltas.totals.fallback_percent)')
check_eq "$(jsonf delta.json 'b.deltas.totals.saved_bytes')" "$((full - patch))" "bytes saved"

expect_exit 0 "$BIN" inspect -j delta.sdc
cp last.out inspect.json
check_eq "$(jsonf inspect.json 'b.index.format_version')" 2 "a bundle with a delta is format 2"
check_eq "$(jsonf inspect.json "b.index.artifacts.find(a => a.uuid === '$IMGAPI').delta.patch")" "images/$IMGAPI.imgpatch" "the patch member"
check_eq "$(jsonf inspect.json "'file' in b.index.artifacts.find(a => a.uuid === '$IMGAPI')")" false "a delta artifact has no file"
check_eq "$(jsonf inspect.json "b.index.artifacts.find(a => a.uuid === '$IMGAPI').delta.file.size")" "$(stat -c %s imgapi-new.gz)" "the rebuilt file's size"
check_eq "$(jsonf inspect.json "b.index.artifacts.find(a => a.uuid === '$IMGAPI').delta.base.sha1")" "$(sha1sum <imgapi-base.gz | cut -d' ' -f1)" "the base's sha1"
check_eq "$(jsonf inspect.json 'b.deltas.totals.delta')" 1 "inspect -j counts the delta"
check_eq "$(jsonf inspect.json "b.deltas.artifacts.find(a => a.name === 'portolan').reason_kind")" no_recipe "inspect -j has the reason"
expect_exit 0 "$BIN" inspect delta.sdc
expect_in last.out "delta against $IMGAPI_BASE" "inspect marks the delta artifact"
expect_in last.out "fell back to full files" "inspect shows the totals"
expect_in last.out "full because:" "inspect shows the reasons"
expect_exit 0 "$BIN" verify delta.sdc
zstd -q -t delta.sdc || fail "stock zstd -t"
zstd -q -dc delta.sdc | tar -tf - >members.txt || fail "stock tar reads the bundle"
expect_in members.txt "images/$IMGAPI.imgpatch" "tar lists the patch"
grep -q "images/$IMGAPI.imgfile" members.txt && fail "the delta artifact's file is in the bundle too"
[[ -z "$(ls -A cache/scratch)" ]] || fail "unpacked bases left in cache/scratch: $(ls cache/scratch)"
pass "delta: imgapi $full -> $patch bytes; format 2; verify, zstd -t, tar; ${pct}% fell back"

# The text summary and the dry run say the same.
expect_exit 0 "$BIN" build -S "$up_URL" -C release --all --inventory "$INV" --cache-dir cache --unsigned -o text.sdc --force
expect_in last.out "format v2; deltas against the images the DC runs" "summary heading"
expect_in last.out "full because:" "summary reasons"
expect_exit 0 "$BIN" build -S "$up_URL" -C release --all --inventory "$INV" --cache-dir cache -n
expect_in last.out "delta candidate(s)" "dry run counts candidates"
expect_in last.out "an origin the DC does not have" "dry run says why an origin is full"
pass "summary and dry run report deltas"

# --- the patch cache ------------------------------------------------------------------------
build again.sdc
check_eq "$(jsonf last.out "b.deltas.artifacts.find(a => a.name === 'imgapi').patch_cached")" true "the second build reuses the patch"
cmp delta.sdc again.sdc || fail "a rebuild with the cached patch differs"
cached_patch=$(ls cache/patches/*/*.imgpatch)
[[ $(echo "$cached_patch" | wc -l) -eq 1 ]] || fail "expected one cached patch: $cached_patch"
printf '\xff\xff\xff\xff' | dd of="$cached_patch" bs=1 seek=200 conv=notrunc status=none
build damaged.sdc
expect_in last.err "does not rebuild the image" "the damaged cached patch is named"
check_eq "$(jsonf last.out "b.deltas.artifacts.find(a => a.name === 'imgapi').outcome")" delta "still a delta, encoded again"
cmp delta.sdc damaged.sdc || fail "the bundle after re-encoding differs"
pass "cached patch reused; a damaged one is detected and encoded again"

# --- --no-delta -----------------------------------------------------------------------------
build full.sdc --no-delta
check_eq "$(jsonf last.out "'deltas' in b")" false "no delta report with --no-delta"
expect_exit 0 "$BIN" inspect -j full.sdc
check_eq "$(jsonf last.out 'b.index.format_version')" 1 "--no-delta is format 1"
check_eq "$(jsonf last.out 'b.index.members.filter(m => m.name.endsWith(".imgpatch")).length')" 0 "no patches"
check_eq "$(jsonf last.out "JSON.stringify(b.index).includes('delta')")" false "no delta keys"
expect_exit 0 "$BIN" verify full.sdc
(( $(stat -c %s delta.sdc) < $(stat -c %s full.sdc) )) || fail "the delta bundle is not smaller"
pass "--no-delta: format 1, no patch, $(stat -c %s full.sdc) bytes vs $(stat -c %s delta.sdc) with the delta"
