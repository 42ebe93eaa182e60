#!/usr/bin/env bash
# Benchmark of delta bundles (issue 16), run on demand (not part of ctest): a realistic sample
# catalog (successive versions share most content, compressed as Triton does), a simulated
# DC one release behind it (tests/lib/headnode.bash), and two bundles trimmed to that DC:
#   full   sdcadm-bundle build --all --inventory DC.json --no-delta
#   delta  the same without --no-delta (patches against the images the DC runs)
# Each is applied (`sdcadm-install apply -y`: verify, stage, import, the sdcadm steps) on a
# fresh twin of the DC; the installed images must be the same bytes (sha1 in IMGAPI, sha256 of
# the staged files), or the run fails. Reported: bundle bytes and their ratio (target: delta
# <= 0.2x full), the builder's delta report (deltas, fallback share and reasons), wall time
# and peak RSS (GNU time) of each build and apply.
#
# Usage: bench/delta_bundle.sh [--bin DIR] [--scale 512M] [--keep]
# --scale is the sample catalog's (`build --all` keeps about a quarter of it). Needs about 4x
# the scale of free disk in $TMPDIR, node, curl, GNU time. Markdown to stdout, progress to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export SDCB_SOURCE=$here SDCB_BIN=${SDCB_BIN:-$here/build/bin}
SCALE=512M
KEEP=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --bin) SDCB_BIN=$2; shift 2 ;;
    --scale) SCALE=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in "$SDCB_BIN/sdcadm-bundle" "$SDCB_BIN/sdcadm-install" "$SDCB_BIN/sample-catalog" node curl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 3; }
done

# The test library gives the simulated headnode and the servers; $TEST_DIR is the scratch dir.
source "$here/tests/lib/harness.sh"
source "$here/tests/integration/install_apply_helpers.bash"
if [[ $KEEP -eq 1 ]]; then trap 'for p in "${_harness_pids[@]}"; do kill "$p" 2>/dev/null || true; done; echo "kept $TEST_DIR" >&2' EXIT; fi
note() { echo "[bench] $*" >&2; }
cd "$TEST_DIR"

# timed NAME CMD...: runs CMD under GNU time; NAME.time holds "wall_s peak_rss_kib".
timed() {
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$name.time" "$@" >"$name.out" 2>"$name.err" || { cat "$name.err" >&2; fail "$name"; }
}
wall() { cut -d' ' -f1 "$1.time"; }
rss_mib() { awk '{ printf "%.0f", $2 / 1024 }' "$1.time"; }

note "sample catalog $SCALE (realistic)"
make_release_keys
timed catalog "$SDCB_BIN/sample-catalog" -o "$TEST_DIR/catalog" --scale "$SCALE" -q
start_server up "$TEST_DIR/catalog" --log-file "$TEST_DIR/up.log"

# twin_dc: a fresh simulated DC on the older release; sets HN.
twin_dc() {
  make_headnode "$TEST_DIR/$1" "$TEST_DIR/catalog" dev
  HN=$FAKE_SDCADM_ROOT
  trust_dc "$HN"
}
build_for() {  # build_for NAME INVENTORY [ARGS...]
  local name=$1 inv=$2; shift 2
  timed "build-$name" "$BIN" build -S "$up_URL" --all --inventory "$inv" --cache-dir "$TEST_DIR/cache" \
    -o "$name.sdc" --no-progress -j --key "$KEYS/alice.pem" --expires-in 3650 "$@"
}
installed() {  # uuid, IMGAPI sha1 and staged sha256 of every image the bundle put in IMGAPI
  local url u
  url=$(sed -n 's/^imgapi_domain=//p' "$HN/usbkey/config")
  for u in $(jsonf "$1" 'b.index.artifacts.filter(a => a.uuid && (!a.stage_as || a.stage_as.startsWith("/usbkey/images/"))).map(a => a.uuid).sort().join(" ")'); do
    echo "$u $(curl -sf "http://$url/images/$u" | node -e 'let t = ""; process.stdin.on("data", (d) => t += d)
      .on("end", () => console.log(JSON.parse(t).files[0].sha1))') $(sha256sum <"$HN/usbkey/images/$u.imgfile" | cut -d' ' -f1)"
  done
}

note "DC A: full trimmed bundle (--no-delta), applied"
twin_dc hnA
inst inventory -o A.json >/dev/null
build_for full A.json --no-delta
"$BIN" inspect -j full.sdc >full-inspect.json
timed apply-full "$INST" --root "$HN" --sdcadm "$HN_SDCADM" --sdc-server "$HN_SDC_SERVER" apply full.sdc -y
installed full-inspect.json >full-installed.txt

note "DC B: delta bundle, applied"
twin_dc hnB
inst inventory -o B.json >/dev/null
SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH + 60)) build_for delta B.json
timed apply-delta "$INST" --root "$HN" --sdcadm "$HN_SDCADM" --sdc-server "$HN_SDC_SERVER" apply delta.sdc -y
installed full-inspect.json >delta-installed.txt
diff full-installed.txt delta-installed.txt >&2 || fail "the delta bundle installed other bytes than the full bundle"

full_bytes=$(stat -c %s full.sdc) delta_bytes=$(stat -c %s delta.sdc)
report=$(jsonf build-delta.out '((t) => `${t.delta} delta, ${t.full} full (${t.fallback_percent.toFixed(1)}% fell back: ` +
  Object.entries(t.reasons).map(([k, v]) => k + " " + v).join(", ") + `), patches ${t.patch_bytes} B, ${t.saved_bytes} B saved`)(b.deltas.totals)')
cat <<TABLE
| catalog | full bundle | delta bundle | delta/full | deltas | build full | build delta | apply full | apply delta | peak RSS build delta / apply delta |
|---|---|---|---|---|---|---|---|---|---|
| $SCALE ($(wall catalog) s) | $full_bytes B | $delta_bytes B | $(awk -v d="$delta_bytes" -v f="$full_bytes" 'BEGIN { printf "%.3f", d / f }')x | $report | $(wall build-full) s | $(wall build-delta) s | $(wall apply-full) s | $(wall apply-delta) s | $(rss_mib build-delta) / $(rss_mib apply-delta) MiB |
TABLE
note "installed images identical: $(wc -l <delta-installed.txt) images"
