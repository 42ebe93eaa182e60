#!/usr/bin/env bash
# Benchmark of the connected side, run on demand (not part of ctest). For each catalog scale:
#   (a) `sdcadm-bundle build --all` with a cold cache  vs  the hand-made pipeline an operator
#       would script: curl every manifest and file from the same server, sha1sum -c, then
#       tar --zstd -cf (target: ours <= 0.5x its wall time);
#   (b) `sdcadm-bundle verify` (seek table, every core)  vs  one `openssl dgst -sha256` pass
#       over the same bytes, the hashing floor (target <= 1.0x); plus `verify -` (one stream);
#   (c) `sdcadm-bundle inspect` (median of 15 runs, process start included; target < 100 ms);
#   (d) peak RSS (VmHWM, GNU time %M) of build and verify (target <= 64 MiB, flat in size).
# Then, unless --no-big, the same on a catalog large enough that the bundle is >= 4 GiB
# (--all takes only the newest images, about a quarter of a catalog).
#
# Usage: bench/build_verify.sh [--bin DIR] [--work DIR] [--scales "1G 2G"] [--no-big]
#                              [--concurrency N] [--payload random|realistic] [--keep]
# --payload is sample-catalog's; random (the default here) keeps these throughput numbers
# comparable with earlier runs and generates a 15 GiB catalog in about a minute.
# Results (a Markdown table) go to stdout, progress to stderr. Needs ~1.8x the largest
# scale of free disk (checked with df first), curl, zstd, openssl, GNU time.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN_DIR=${SDCB_BIN:-$here/build/bin}
WORK=${TMPDIR:-/tmp}/sdcb-bench.$$
SCALES="1G 2G"
BIG=1
CONCURRENCY=4
KEEP=0
PAYLOAD=random
while [[ $# -gt 0 ]]; do
  case $1 in
    --bin) BIN_DIR=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --scales) SCALES=$2; shift 2 ;;
    --no-big) BIG=0; shift ;;
    --concurrency) CONCURRENCY=$2; shift 2 ;;
    --payload) PAYLOAD=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
BIN="$BIN_DIR/sdcadm-bundle"
for tool in "$BIN" "$BIN_DIR/sample-catalog" curl zstd openssl tar sha1sum node /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 3; }
done

mkdir -p "$WORK"
server_pid=
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  if [[ $KEEP -eq 0 ]]; then rm -rf "$WORK"; else echo "kept $WORK" >&2; fi
}
trap cleanup EXIT
note() { echo "[bench] $*" >&2; }

bytes_of() { # 1G -> bytes
  local n=${1%[KMGT]} u=${1: -1}
  case $u in K) echo $((n << 10)) ;; M) echo $((n << 20)) ;; G) echo $((n << 30)) ;; T) echo $((n << 40)) ;; *) echo "$1" ;; esac
}
free_bytes() { df -Pk "$WORK" | awk 'NR==2 { printf "%.0f\n", $4 * 1024 }'; }
now_ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# timed OUT CMD...: runs CMD under GNU time; OUT gets "wall_seconds max_rss_kib".
timed() {
  local out=$1; shift
  /usr/bin/time -f '%e %M' -o "$out" "$@"
}

start_server() {
  [[ -n "$server_pid" ]] && { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; }
  rm -f "$WORK/port"
  "$BIN" serve "$1" --listen 127.0.0.1:0 --port-file "$WORK/port" >"$WORK/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 400); do [[ -s "$WORK/port" ]] && break; sleep 0.05; done
  URL="http://127.0.0.1:$(cat "$WORK/port")"
}

# The operator's pipeline, given the file list for free (uuid sha1 per line).
hand_pipeline() {
  local list=$1 dir=$2 out=$3
  mkdir -p "$dir"
  while read -r uuid sha1; do
    curl -sf -o "$dir/$uuid.imgmanifest" "$URL/images/$uuid?channel=*"
    curl -sf -o "$dir/$uuid.imgfile" "$URL/images/$uuid/file?channel=*"
    echo "$sha1  $dir/$uuid.imgfile"
  done <"$list" >"$dir.sha1"
  sha1sum --quiet -c "$dir.sha1"
  tar --zstd -cf "$out" -C "$dir" .
}

inspect_ms() { # median of 15 runs, in ms
  local b=$1 i t0 t1
  for i in $(seq 1 15); do
    t0=$(now_ns); "$BIN" inspect "$b" >/dev/null; t1=$(now_ns)
    echo $(((t1 - t0) / 1000))
  done | sort -n | sed -n 8p | awk '{ printf "%.1f", $1 / 1000 }'
}

ROWS=()
run_scale() {
  local scale=$1 dir="$WORK/$1"
  # Peak: the catalog, plus the hand pipeline's copy and tarball (each ~ the bundle, ~30 %).
  local need=$(( $(bytes_of "$scale") * 9 / 5 ))
  if (( $(free_bytes) < need )); then
    note "skipping $scale: needs ~$((need >> 30)) GiB free in $WORK, $(( $(free_bytes) >> 30 )) GiB free"
    ROWS+=("| $scale | skipped: not enough disk | | | | | | | | | |")
    return
  fi
  mkdir -p "$dir"
  note "$scale: sample catalog"
  "$BIN_DIR/sample-catalog" -o "$dir/catalog" --scale "$scale" --payload "$PAYLOAD" -q
  start_server "$dir/catalog"
  export SOURCE_DATE_EPOCH=1764072000
  "$BIN" build -S "$URL" --all -n -j --cache-dir "$dir/cache" >"$dir/plan.json"
  node -e '
    const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const seen = new Set();
    for (const a of p.artifacts) if (!seen.has(a.sha1)) { seen.add(a.sha1); console.log(a.uuid + " " + a.sha1); }' \
    "$dir/plan.json" >"$dir/files.txt"
  cat "$dir"/catalog/*.imgfile >/dev/null   # both pipelines read the server's files from RAM

  note "$scale: hand pipeline (curl + sha1sum + tar --zstd)"
  local t0 t1 hand ours
  t0=$(now_ns); hand_pipeline "$dir/files.txt" "$dir/hand" "$dir/hand.tar.zst"; t1=$(now_ns)
  hand=$(secs "$t0" "$t1")
  rm -rf "$dir/hand" "$dir/hand.tar.zst"

  note "$scale: sdcadm-bundle build --all (cold cache, --concurrency $CONCURRENCY)"
  timed "$dir/build.time" "$BIN" build -S "$URL" --all --cache-dir "$dir/cache" \
    -o "$dir/b.sdc" --concurrency "$CONCURRENCY" --no-progress >"$dir/build.out" 2>&1
  read -r ours build_rss <"$dir/build.time"
  local size; size=$(stat -c %s "$dir/b.sdc")

  note "$scale: verify vs openssl dgst -sha256"
  cat "$dir/b.sdc" >/dev/null
  t0=$(now_ns); openssl dgst -sha256 "$dir/b.sdc" >/dev/null; t1=$(now_ns)
  local floor; floor=$(secs "$t0" "$t1")
  timed "$dir/verify.time" "$BIN" verify "$dir/b.sdc" --no-progress >/dev/null
  read -r verify verify_rss <"$dir/verify.time"
  timed "$dir/stream.time" sh -c "\"$BIN\" verify - --no-progress <\"$dir/b.sdc\" >/dev/null"
  read -r stream _ <"$dir/stream.time"
  local insp; insp=$(inspect_ms "$dir/b.sdc")

  ROWS+=("| $scale | $(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1073741824 }') GiB | $ours s | $hand s | $(ratio "$ours" "$hand")x | $verify s | $floor s | $(ratio "$verify" "$floor")x | $stream s | $insp ms | $((build_rss / 1024)) / $((verify_rss / 1024)) MiB |")
  echo "$size" >"$WORK/last_size"
  echo "$(bytes_of "$scale")" >"$WORK/last_scale"
  rm -rf "$dir"
}

for s in $SCALES; do run_scale "$s"; done
if [[ $BIG -eq 1 && -s "$WORK/last_size" ]]; then
  # Scale the catalog so that the --all bundle reaches 4 GiB.
  big=$(awk -v s="$(cat "$WORK/last_scale")" -v b="$(cat "$WORK/last_size")" \
    'BEGIN { g = 4 * 1073741824 * s / b; printf "%dM", g / 1048576 * 1.05 + 1 }')
  note "big run: catalog $big for a >= 4 GiB bundle"
  run_scale "$big"
fi

echo "| catalog | bundle | build | hand pipeline | build/hand | verify | openssl sha256 | verify/openssl | verify - (stream) | inspect | peak RSS build / verify |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "Targets: build/hand <= 0.5, verify/openssl <= 1.0, inspect < 100 ms, RSS <= 64 MiB and flat."
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo '? GiB') RAM; $("$BIN" --version)."
