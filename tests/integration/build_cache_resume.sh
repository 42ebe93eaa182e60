#!/usr/bin/env bash
# The download cache: a build killed with SIGKILL mid-download resumes without fetching
# finished files again (server log + the summary's downloaded/cached counts), its partial
# files are cleaned up; damaged entries are caught (wrong size: re-downloaded; same size,
# wrong bytes: the packer refuses and drops the entry, the next build or --verify-cache
# re-downloads it); a lost sidecar is rebuilt;
# Ctrl-C (SIGINT) stops cleanly with exit 12 and leaves no bundle.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"

make_catalog "$TEST_DIR/catalog"
start_server up "$TEST_DIR/catalog" --log-file "$TEST_DIR/up.log"
# The same catalog, but every file request waits 250 ms: slow enough to kill a build mid-way.
start_server slow "$TEST_DIR/catalog" --log-file "$TEST_DIR/slow.log" \
  --fault latency=250,path=/images/*/file
cd "$TEST_DIR"

# Reference bundle from its own cache. The slow server has another URL, which the index
# records, so the reference for the resumed build comes from the slow server too.
expect_exit 0 "$BIN" build -S "$slow_URL" --all --cache-dir "$TEST_DIR/ref-cache" -o ref.sdc --concurrency 8
slow_before=$(file_requests slow.log)
check_eq "$slow_before" 56 "reference build"

# --- kill -9 mid-download, then resume ----------------------------------------------------
"$BIN" build -S "$slow_URL" --all --cache-dir "$TEST_DIR/cache" -o killed.sdc --concurrency 2 \
  --no-progress >killed.out 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  (( $(cached_files cache) >= 6 )) && break
  sleep 0.05
done
{ kill -9 "$pid"; wait "$pid"; } 2>/dev/null || true
done_before=$(cached_files cache)
(( done_before >= 6 && done_before < 56 )) || fail "kill came too late or too early: $done_before files cached"
[[ ! -e killed.sdc ]] || fail "a killed build left a bundle"
temps=$(find cache -name '*.tmp.*' | wc -l)
(( temps > 0 )) || fail "expected partial downloads of the killed build in the cache"
# Requests in flight when the build died still finish (and are logged) on the server.
sleep 1
requests_before=$(file_requests slow.log)

expect_exit 0 "$BIN" build -S "$slow_URL" --all --cache-dir "$TEST_DIR/cache" -o resumed.sdc -j --concurrency 8
cp last.out resumed.json
check_eq "$(jsonf resumed.json 'b.cached.files')" "$done_before" "resumed build reused every finished file"
check_eq "$(jsonf resumed.json 'b.downloaded.files')" "$((56 - done_before))" "resumed build downloaded only the rest"
check_eq "$(( $(file_requests slow.log) - requests_before ))" "$((56 - done_before))" "server saw only the missing files"
check_eq "$(find cache -name '*.tmp.*' | wc -l)" 0 "partial downloads of the dead build removed"
cmp ref.sdc resumed.sdc || fail "resumed bundle differs from the reference"
pass "kill -9 mid-download: rerun fetched $((56 - done_before)) missing files, reused $done_before"

# --- damaged cache entries ------------------------------------------------------------------
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" -o good.sdc
victim=$(find cache -type f -regex '.*/files/../[0-9a-f]*' -size +10k | sort | head -1)
[[ -n "$victim" ]] || fail "no cached file to damage"
# Same size, one byte flipped: cheap checks trust it, the packer's chunk check does not,
# and drops the entry so that the next build downloads it again instead of failing too.
printf '\xff' | dd of="$victim" bs=1 seek=100 conv=notrunc status=none
expect_exit 26 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" -o bad.sdc
expect_in last.err "removed it from the cache; run the build again" "damaged entry dropped"
[[ ! -e bad.sdc ]] || fail "bundle written from a damaged cache"
[[ ! -e "$victim" && -z "$(ls "$victim".chunks-* 2>/dev/null)" ]] || fail "damaged entry left in the cache"
requests_before=$(file_requests up.log)
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" -o fixed.sdc -j
check_eq "$(jsonf last.out 'b.downloaded.files')" 1 "the next build re-downloads the damaged file"
check_eq "$(( $(file_requests up.log) - requests_before ))" 1 "one request for the damaged file"
cmp good.sdc fixed.sdc || fail "bundle after a dropped entry differs"
# --verify-cache finds the same damage before packing and downloads the file at once.
printf '\xff' | dd of="$victim" bs=1 seek=100 conv=notrunc status=none
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" -o verified.sdc --verify-cache -j
check_eq "$(jsonf last.out 'b.downloaded.files')" 1 "--verify-cache re-downloads the damaged file"
cmp good.sdc verified.sdc || fail "bundle after --verify-cache differs"
# Wrong size: noticed without --verify-cache, and fetched again.
truncate -s 5 "$victim"
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" -o resized.sdc -j
check_eq "$(jsonf last.out 'b.downloaded.files')" 1 "wrong-size entry downloaded again"
cmp good.sdc resized.sdc || fail "bundle after a wrong-size entry differs"
# Lost sidecar: the file is hashed once and the sidecar rebuilt, nothing downloaded.
rm "$victim".chunks-*
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" -n -j
check_eq "$(jsonf last.out 'b.artifacts.filter(a => a.cache === "cached (hash once)").length')" 1 "-n names the entry to hash"
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" -o residecar.sdc -j
check_eq "$(jsonf last.out 'b.downloaded.files + "," + b.cached.files')" "0,56" "sidecar rebuilt without a download"
[[ -n "$(ls "$victim".chunks-* 2>/dev/null)" ]] || fail "sidecar not rebuilt"
cmp good.sdc residecar.sdc || fail "bundle after a rebuilt sidecar differs"
pass "damaged entries refused or re-downloaded; lost sidecars rebuilt"

# --- SIGINT: a clean stop ------------------------------------------------------------------
"$BIN" build -S "$slow_URL" --all --cache-dir "$TEST_DIR/cache-int" -o int.sdc --concurrency 2 \
  --no-progress >int.out 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  (( $(cached_files cache-int) >= 2 )) && break
  sleep 0.05
done
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
check_eq "$rc" 12 "SIGINT exit code"
expect_in int.out "stopped by a signal" "SIGINT message"
[[ ! -e int.sdc ]] || fail "interrupted build left a bundle"
check_eq "$(find cache-int -name '*.tmp.*' | wc -l)" 0 "interrupted build left partial downloads"
pass "SIGINT stops with exit 12, no bundle, no partial file"
