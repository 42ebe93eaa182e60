#!/usr/bin/env bash
# Peak memory of `sdcadm-bundle serve` while a large image streams through it:
#   download  private mode serves a one-image catalog; curl downloads the file to /dev/null
#   upload    DC mode: import the manifest, curl -T the file, activate
# For each step it prints the bytes moved, the time and the server's peak RSS (VmHWM), and
# checks it against the budget (64 MiB). The payload is incompressible (/dev/urandom).
#
# Usage: bench/stream_rss.sh [--size MiB] [--bin DIR] [--keep] [--steps "download upload"]
#   --size MiB   payload size (default 2048 = 2 GiB)
#   --bin DIR    where sdcadm-bundle is (default $SDCB_BIN, else build/bin)
#   --keep       keep the scratch directory (it holds SIZE MiB twice at most)
#   --steps      which steps to run; a client-side step can be added as step_<name>
#
# Linux only: the peak RSS is read from /proc/<pid>/status (VmHWM) just before the server is
# stopped. Results go to stdout, progress to stderr. Exit 1 when a step exceeds the budget.
set -euo pipefail

size_mib=2048
bin_dir=${SDCB_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}
keep=0
steps="download upload"
budget_kib=$((64 * 1024))
while (($#)); do
  case $1 in
    --size) size_mib=$2; shift 2 ;;
    --bin) bin_dir=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --steps) steps=$2; shift 2 ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "stream_rss: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
exe="$bin_dir/sdcadm-bundle"
[[ -x "$exe" ]] || { echo "stream_rss: $exe not found; build it or pass --bin DIR" >&2; exit 2; }
[[ -r /proc/self/status ]] || { echo "stream_rss: needs Linux /proc for VmHWM" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/sdcb-bench.XXXXXX")
server_pid=""
cleanup() {
  [[ -z "$server_pid" ]] || kill "$server_pid" 2>/dev/null || true
  if ((keep)); then echo "stream_rss: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

uuid=5ea15ea1-0000-4000-8000-000000000001
now_ms() { date +%s%3N; }
peak_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# start_server ARGS...: sets server_pid and url once the port file appears.
start_server() {
  rm -f "$work/port"
  "$exe" serve "$@" --listen 127.0.0.1:0 --port-file "$work/port" 2>"$work/server.log" &
  server_pid=$!
  for _ in $(seq 1 400); do
    [[ -s "$work/port" ]] && { url="http://127.0.0.1:$(cat "$work/port")"; return; }
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.05
  done
  echo "stream_rss: server did not start" >&2
  exit 1
}

stop_server() {  # prints the peak RSS in KiB
  local peak
  peak=$(peak_kib "$server_pid")
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=""
  echo "$peak"
}

report() {  # STEP BYTES MS PEAK_KIB
  local verdict=ok
  (($4 <= budget_kib)) || verdict=OVER-BUDGET
  awk -v step="$1" -v bytes="$2" -v ms="$3" -v peak="$4" -v verdict="$verdict" 'BEGIN {
    if (ms < 1) ms = 1
    printf "%-9s %6d MiB in %6.1f s (%7.1f MiB/s)  server peak RSS %6.1f MiB  %s\n",
      step, bytes / 1048576, ms / 1000, bytes / 1048576 / (ms / 1000), peak / 1024, verdict }'
  [[ $verdict == ok ]] || failed=1
}

make_catalog() {
  mkdir -p "$work/catalog"
  echo "stream_rss: writing ${size_mib} MiB of random data" >&2
  head -c $((size_mib * 1048576)) /dev/urandom >"$work/catalog/$uuid.imgfile"
  sha1=$(sha1sum "$work/catalog/$uuid.imgfile" | cut -d' ' -f1)
  cat >"$work/catalog/$uuid.imgmanifest" <<EOF
{"v": 2, "uuid": "$uuid", "owner": "00000000-0000-0000-0000-000000000000",
 "name": "bench", "version": "1.0.0", "state": "active", "disabled": false, "public": false,
 "published_at": "2025-01-01T00:00:00Z", "type": "other", "os": "other",
 "files": [{"sha1": "$sha1", "size": $((size_mib * 1048576)), "compression": "none"}],
 "channels": ["dev"]}
EOF
}

step_download() {
  start_server "$work/catalog"
  local t0 t1 got
  t0=$(now_ms)
  got=$(curl -sS -f -o /dev/null -w '%{size_download}' "$url/images/$uuid/file")
  t1=$(now_ms)
  ((got == size_mib * 1048576)) || { echo "stream_rss: downloaded $got bytes" >&2; exit 1; }
  report download "$got" $((t1 - t0)) "$(stop_server)"
}

step_upload() {
  start_server --mode dc --data "$work/data"
  curl -sS -f -o /dev/null -X POST -H 'Content-Type: application/json' \
    --data-binary @"$work/catalog/$uuid.imgmanifest" \
    "$url/images/$uuid?action=import&skip_owner_check=true" ||
    { echo "stream_rss: import failed" >&2; exit 1; }
  local t0 t1
  t0=$(now_ms)
  curl -sS -f -o /dev/null -T "$work/catalog/$uuid.imgfile" \
    "$url/images/$uuid/file?compression=none&sha1=$sha1" || { echo "stream_rss: upload failed" >&2; exit 1; }
  t1=$(now_ms)
  curl -sS -f -o /dev/null -X POST "$url/images/$uuid?action=activate"
  report upload $((size_mib * 1048576)) $((t1 - t0)) "$(stop_server)"
  rm -rf "$work/data"
}

failed=0
make_catalog
for step in $steps; do
  declare -F "step_$step" >/dev/null || { echo "stream_rss: no step $step" >&2; exit 2; }
  "step_$step"
done
exit "$failed"
