#!/usr/bin/env bash
# A lying or failing updates server: wrong bytes (retried from zero, then exit 8 with no
# bundle and nothing in the cache), 503s and cut connections (retried, the bundle is good),
# a channel that does not exist (exit 50), an origin the server does not have (exit 10),
# no server at all (exit 6).
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"

make_catalog "$TEST_DIR/catalog"
cd "$TEST_DIR"

# --- wrong bytes on every file --------------------------------------------------------------
start_server liar "$TEST_DIR/catalog" --log-file "$TEST_DIR/liar.log" \
  --fault corrupt=100,path=/images/*/file
expect_exit 8 "$BIN" build -S "$liar_URL" imgapi --cache-dir cache -o liar.sdc
expect_in last.err "SHA-1 mismatch" "names the check that failed"
expect_in last.err "(after 3 attempts)" "retried from zero before giving up"
expect_in last.err "downloading image " "names the image"
[[ ! -e liar.sdc ]] || fail "bundle written from bad data"
check_eq "$(find cache -type f 2>/dev/null | wc -l)" 0 "nothing enters the cache"
# Every attempt was a complete transfer of the corrupted file.
(( $(grep -c '"msg":"GET /images/[0-9a-f-]*/file' liar.log) >= 3 )) || fail "expected 3 attempts in the server log"
pass "wrong bytes: 3 attempts, exit 8, no bundle, empty cache"

# --- 503s and cut connections: retried --------------------------------------------------------
start_server flaky "$TEST_DIR/catalog" --log-file "$TEST_DIR/flaky.log" \
  --fault status=503,path=/images/*/file,count=3 --fault cut=700,path=/images/*/file,nth=5,count=2
expect_exit 0 "$BIN" build -S "$flaky_URL" --all --cache-dir cache -o flaky.sdc -j --concurrency 1
check_eq "$(jsonf last.out 'b.downloaded.files')" 56 "every file downloaded"
check_eq "$(grep -c '"status":503' flaky.log)" 3 "three 503s were served"
check_eq "$(grep -c 'downloading again from the start' last.err)" 2 "two cut transfers restarted"
# A cut transfer restarts from byte 0: the cache writer drops its bytes and chunk hashes,
# else the index's hashes (from the sink) would not match and verify would fail.
expect_exit 0 "$BIN" verify flaky.sdc
check_eq "$(find cache -name '*.tmp.*' | wc -l)" 0 "no partial file left"
pass "503s and cut connections retried; the bundle verifies"

# --- a channel that does not exist ----------------------------------------------------------
start_server up "$TEST_DIR/catalog"
expect_exit 50 "$BIN" build -S "$up_URL" -C nope --all --cache-dir cache -o nope.sdc
expect_in last.err "channel nope does not exist" "unknown channel message"
expect_in last.err "release" "lists the channels there are"
[[ ! -e nope.sdc ]] || fail "bundle written for an unknown channel"
pass "unknown channel: exit 50"

# --- an origin the server does not have -------------------------------------------------------
cp -r catalog holes
for u in $(jsonf catalog/catalog.json 'b.artifacts["minimal-64-lts"].map(a => a.uuid).join(" ")'); do
  rm holes/"$u".*
done
start_server holes "$TEST_DIR/holes"
expect_exit 10 "$BIN" build -S "$holes_URL" imgapi --cache-dir cache -o holes.sdc
expect_in last.err "which the updates server does not have" "missing origin message"
[[ ! -e holes.sdc ]] || fail "bundle written without its origin chain"
pass "missing origin: exit 10"

# --- no server --------------------------------------------------------------------------------
port=$(cat "$TEST_DIR/up.port")
kill "$up_PID"
wait "$up_PID" 2>/dev/null || true
expect_exit 6 "$BIN" build -S "http://127.0.0.1:$port" --all --cache-dir cache -o down.sdc
pass "no server: exit 6"
