#!/usr/bin/env bash
# Benchmark of the DC side, run on demand (not part of ctest): verify + stage + import of a
# bundle into a DC-mode IMGAPI (`sdcadm-bundle serve --mode dc`) on a bare headnode root,
#   (a) ours in one pass: `sdcadm-install stage --import` (what apply's stage step does: every
#       byte verified against the signed index, each image uploaded as soon as it has
#       verified, activated once the whole bundle has), timed with GNU time (wall, peak RSS);
#       and step by step: `verify`, `stage`, `import`, each timed;
#   (b) the hand-made pipeline an operator would script: `zstd -d | tar -x`, `sha256sum -c`
#       (the checksum list given for free), then per image, origins first, one curl POST
#       ?action=import, one `curl -T FILE .../file?compression=C&sha1=S`, one curl POST
#       ?action=activate (the three calls `sdc-imgadm import -m -f` makes);
# target: one pass <= 0.35x the hand pipeline's wall time; peak RSS <= 64 MiB and flat.
#
# Usage: bench/install_stage_import.sh [--bin DIR] [--work DIR] [--scale 8G] [--concurrency N]
#                                      [--payload random|realistic] [--keep]
# --payload is sample-catalog's; random (the default here) keeps the numbers comparable with
# earlier runs and the catalog fast to generate.
# --scale is the sample catalog's; `build --all` keeps about a quarter of it, so 8G gives a
# bundle of about 2.2 GiB. Needs about 2.5x the scale of free disk (checked with df first),
# zstd, tar, curl, node, GNU time. Results (a Markdown table) go to stdout, progress to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN_DIR=${SDCB_BIN:-$here/build/bin}
WORK=${TMPDIR:-/tmp}/sdcb-bench-install.$$
SCALE=8G
CONCURRENCY=4
KEEP=0
PAYLOAD=random
while [[ $# -gt 0 ]]; do
  case $1 in
    --bin) BIN_DIR=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --scale) SCALE=$2; shift 2 ;;
    --concurrency) CONCURRENCY=$2; shift 2 ;;
    --payload) PAYLOAD=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
BIN="$BIN_DIR/sdcadm-bundle"
INST="$BIN_DIR/sdcadm-install"
for tool in "$BIN" "$INST" "$BIN_DIR/sample-catalog" curl zstd tar sha256sum node /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 3; }
done

mkdir -p "$WORK"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [[ $KEEP -eq 0 ]]; then rm -rf "$WORK"; else echo "kept $WORK" >&2; fi
}
trap cleanup EXIT
note() { echo "[bench] $*" >&2; }
now_ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
bytes_of() {
  local n=${1%[KMGT]} u=${1: -1}
  case $u in K) echo $((n << 10)) ;; M) echo $((n << 20)) ;; G) echo $((n << 30)) ;; *) echo "$1" ;; esac
}
free_bytes() { df -Pk "$WORK" | awk 'NR==2 { printf "%.0f\n", $4 * 1024 }'; }

need=$(( $(bytes_of "$SCALE") * 5 / 2 ))
(( $(free_bytes) >= need )) || { note "needs ~$((need >> 30)) GiB free in $WORK"; exit 3; }

# serve NAME ARGS...: starts `sdcadm-bundle serve ARGS` and sets NAME_URL / NAME_PID.
serve() {
  local name=$1; shift
  rm -f "$WORK/$name.port"
  "$BIN" serve "$@" --listen 127.0.0.1:0 --port-file "$WORK/$name.port" >"$WORK/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 400); do [[ -s "$WORK/$name.port" ]] && break; sleep 0.05; done
  printf -v "${name}_URL" 'http://127.0.0.1:%s' "$(cat "$WORK/$name.port")"
  printf -v "${name}_PID" '%s' "$pid"
}
# fresh_dc: an empty DC IMGAPI and an empty headnode root.
fresh_dc() {
  if [[ -n "${dc_PID:-}" ]]; then kill "$dc_PID"; wait "$dc_PID" 2>/dev/null || true; fi
  rm -rf "$WORK/hn" "$WORK/hand"
  mkdir -p "$WORK"/hn/usbkey/images "$WORK"/hn/var/run "$WORK"/hn/var/log "$WORK"/hn/var/sdcadm "$WORK/hand"
  serve dc --mode dc --data "$WORK/hn/imgapi-data"
  echo "imgapi_domain=${dc_URL#http://}" >"$WORK/hn/usbkey/config"
  "$INST" --root "$WORK/hn" trust init "$WORK/root.json" >/dev/null
  sync
}
# timed NAME CMD...: GNU time into $WORK/NAME.time ("wall max_rss_kib").
timed() {
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" ||
    { cat "$WORK/$name.err" >&2; exit 1; }
}
wall() { cut -d' ' -f1 "$WORK/$1.time"; }
rss_mib() { awk '{ printf "%.0f", $2 / 1024 }' "$WORK/$1.time"; }

note "sample catalog --scale $SCALE and build --all (signed: the installer trusts nothing else)"
"$BIN" key generate -o "$WORK/release.pem" >/dev/null 2>&1
"$BIN" trust init --signer "$WORK/release.pub" --threshold 1 --key "$WORK/release.pem" -o "$WORK/root.json" >/dev/null 2>&1
"$BIN_DIR/sample-catalog" -o "$WORK/catalog" --scale "$SCALE" --payload "$PAYLOAD" -q
serve up "$WORK/catalog"
SOURCE_DATE_EPOCH=1764072000 "$BIN" build -S "$up_URL" --all --cache-dir "$WORK/cache" --key "$WORK/release.pem" \
  --expires-in 3650 -o "$WORK/b.sdc" --no-progress >/dev/null 2>&1
kill "$up_PID"; rm -rf "$WORK/catalog" "$WORK/cache"
size=$(stat -c %s "$WORK/b.sdc")
note "bundle: $((size >> 20)) MiB"

# Inputs the hand pipeline gets for free: a checksum list, import bodies (the manifests
# without the keys IMGAPI refuses on import), the order (origins first; no platform).
mkdir -p "$WORK/pre" "$WORK/bodies"
zstd -q -d <"$WORK/b.sdc" | tar -x -C "$WORK/pre"
(cd "$WORK/pre/images" && sha256sum ./*) >"$WORK/SHA256SUMS"
node -e '
  const fs = require("fs"), path = require("path");
  const [dir, bodies, planFile] = process.argv.slice(1);
  const imgs = new Map();
  for (const f of fs.readdirSync(dir).filter(f => f.endsWith(".imgmanifest"))) {
    const m = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
    if (m.name !== "platform") imgs.set(m.uuid, m);
  }
  const order = [], seen = new Set();
  const visit = u => { if (seen.has(u) || !imgs.has(u)) return; seen.add(u);
                       visit(imgs.get(u).origin); order.push(u); };
  [...imgs.keys()].sort().forEach(visit);
  const plan = [];
  for (const u of order) {
    const m = imgs.get(u), f = m.files[0], body = Object.assign({}, m);
    for (const k of ["state", "files", "channels", "icon"]) delete body[k];
    fs.writeFileSync(path.join(bodies, u + ".json"), JSON.stringify(body));
    plan.push([u, f.compression, f.sha1].join(" "));
  }
  fs.writeFileSync(planFile, plan.join("\n") + "\n");' "$WORK/pre/images" "$WORK/bodies" "$WORK/plan.txt"
rm -rf "$WORK/pre"

hand_pipeline() {
  local out="$WORK/hand/x"
  mkdir -p "$out"
  zstd -q -d <"$WORK/b.sdc" | tar -x -C "$out"
  (cd "$out/images" && sha256sum --quiet -c "$WORK/SHA256SUMS")
  while read -r u comp sha1; do
    curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
      --data-binary @"$WORK/bodies/$u.json" "$dc_URL/images/$u?action=import&skip_owner_check=true"
    curl -sf -o /dev/null -T "$out/images/$u.imgfile" \
      "$dc_URL/images/$u/file?compression=$comp&sha1=$sha1"
    curl -sf -o /dev/null -X POST "$dc_URL/images/$u?action=activate"
  done <"$WORK/plan.txt"
}

cat "$WORK/b.sdc" >/dev/null  # every pipeline reads the bundle from the page cache
note "hand pipeline"
fresh_dc
t0=$(now_ns); hand_pipeline; t1=$(now_ns)
hand=$(secs "$t0" "$t1")
nimg=$(curl -sf "$dc_URL/images?state=active" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).length))')

note "ours in one pass: stage --import"
fresh_dc
timed onepass "$INST" --root "$WORK/hn" stage "$WORK/b.sdc" --import --no-progress --concurrency "$CONCURRENCY"
one_n=$(curl -sf "$dc_URL/images?state=active" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).length))')
left=$(curl -sf "$dc_URL/images?state=unactivated" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).length))')
[[ "$one_n" == "$nimg" && "$left" == 0 ]] || { note "one pass: $one_n active, $left unactivated; the hand pipeline $nimg"; exit 1; }

note "ours step by step: verify, stage, import"
fresh_dc
timed verify "$INST" --root "$WORK/hn" verify "$WORK/b.sdc" --no-progress
timed stage "$INST" --root "$WORK/hn" stage "$WORK/b.sdc" --no-progress
timed import "$INST" --root "$WORK/hn" import "$WORK/b.sdc" --no-progress --concurrency "$CONCURRENCY"
ours=$(awk -v a="$(wall verify)" -v b="$(wall stage)" -v c="$(wall import)" 'BEGIN { printf "%.2f", a + b + c }')
apply_path=$(awk -v b="$(wall stage)" -v c="$(wall import)" 'BEGIN { printf "%.2f", b + c }')
# The cost of checking staged files again (issue 12 item 9): import hashes each file it
# uploads against the signed index right before the upload (included in "import" above).
# A stage over a root where everything is in place does exactly that hashing (SHA-256 per
# chunk + SHA-1, one read) for every staged file and reads no payload: it measures the
# re-check alone. An import where every image is active reads no file at all.
# (The files are likely in the page cache here, as they are right after stage; a headnode
# whose files were staged long before reads them from disk.)
timed recheck "$INST" --root "$WORK/hn" stage "$WORK/b.sdc" --no-progress
timed reimport "$INST" --root "$WORK/hn" import "$WORK/b.sdc" --no-progress --concurrency "$CONCURRENCY"
staged_bytes=$(du -cb "$WORK/hn/usbkey/images"/*.imgfile | tail -1 | cut -f1)
ours_n=$(curl -sf "$dc_URL/images?state=active" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).length))')
[[ "$ours_n" == "$nimg" ]] || { note "ours imported $ours_n images, the hand pipeline $nimg"; exit 1; }

echo "| bundle | images | one pass (stage --import) | verify | stage | import | v+s+i | hand pipeline | one pass/hand | (v+s+i)/hand | peak RSS one pass / verify / stage / import |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
echo "| $(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1073741824 }') GiB | $nimg | $(wall onepass) s | $(wall verify) s | $(wall stage) s | $(wall import) s | $ours s | $hand s | **$(ratio "$(wall onepass)" "$hand")x** | $(ratio "$ours" "$hand")x | $(rss_mib onepass) / $(rss_mib verify) / $(rss_mib stage) / $(rss_mib import) MiB |"
echo
echo "Target: one pass <= 0.35x the hand pipeline; peak RSS <= 64 MiB. Import concurrency $CONCURRENCY. Stage + import step by step: $apply_path s."
echo "Re-check of staged files (every one hashed again, $(awk -v s="$staged_bytes" 'BEGIN { printf "%.2f", s / 1073741824 }') GiB of image files plus the platform and shar): $(wall recheck) s; import with every image active (no file read): $(wall reimport) s."
echo "Machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $("$INST" --version)."
