#!/usr/bin/env bash
# inspect, verify (seekable) and verify - (streaming) on damaged bundles: truncated at many
# offsets, flipped bytes in the index, the payload, the seek table and its footer, empty and
# foreign files, a missing file. Each is refused with its bundle_* exit code and a message
# naming the problem; inspect, which never reads the payload, stays quiet about payload
# damage (verify is the check for that).
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"

# 128M: the origin images are over 2 MiB, so with 1 MiB chunks they span several frames
# (chunk hashes computed while downloading, across the client's buffer boundaries).
make_catalog "$TEST_DIR/catalog" 128M
start_server up "$TEST_DIR/catalog"
cd "$TEST_DIR"
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir cache -o good.sdc --chunk-size 1M
size=$(stat -c %s good.sdc)
expect_exit 0 "$BIN" verify good.sdc --threads 3
expect_exit 0 "$BIN" inspect -j good.sdc
check_eq "$(jsonf last.out 'b.index.chunk_size')" 1048576 "chunk size"
(( $(jsonf last.out 'Math.max(...b.index.members.map(m => m.sha256.length))') >= 3 )) ||
  fail "expected a member of 3 or more chunks"
pass "multi-chunk members (1 MiB chunks) build and verify"

# code_in RC CODES WHAT: RC is one of CODES ("20|26").
code_in() {
  [[ "|$2|" == *"|$1|"* ]] || fail "$3: exit $1, expected $2"
}

# check NAME INSPECT VERIFY STREAM: exit codes of the three readers on NAME. Damaged
# payload may be caught by zstd's frame checksum (20) or by the chunk hash (26): "20|26".
check() {
  local name=$1 rc
  rc=0; "$BIN" inspect "$name" >/dev/null 2>"$name.inspect.err" || rc=$?
  code_in "$rc" "$2" "inspect $name ($(head -c 200 "$name.inspect.err"))"
  rc=0; "$BIN" verify "$name" >/dev/null 2>"$name.verify.err" || rc=$?
  code_in "$rc" "$3" "verify $name ($(head -c 200 "$name.verify.err"))"
  rc=0; "$BIN" verify - <"$name" >/dev/null 2>"$name.stream.err" || rc=$?
  code_in "$rc" "$4" "verify - <$name ($(head -c 200 "$name.stream.err"))"
}

# --- truncated: everything refuses with 21 ---------------------------------------------------
for cut in 0 1 10 100 600 65000 66000 $((size / 3)) $((size / 2)) $((size - 100)) $((size - 17)) $((size - 1)); do
  head -c "$cut" good.sdc >"cut-$cut.sdc"
  check "cut-$cut.sdc" 21 21 21
done
expect_in "cut-$((size / 2)).sdc.verify.err" "truncated" "truncation message"
pass "truncated at 12 offsets: exit 21 from inspect, verify and verify -"

# flip NAME OFFSET: a copy of good.sdc with the byte at OFFSET inverted.
flip() {
  cp good.sdc "$1"
  local byte
  byte=$(od -An -tu1 -j "$2" -N1 good.sdc | tr -d ' ')
  printf "\\x$(printf %02x $((255 - byte)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# --- flipped bytes ---------------------------------------------------------------------------
flip index.sdc 60                      # inside frame 0 (bundle.json)
check index.sdc 20 20 20
expect_in index.sdc.verify.err "bundle.json" "names the index frame"
for off in $((size / 3)) $((size / 2)) $((size * 3 / 4)); do
  flip "payload-$off.sdc" "$off"       # image payload: inspect does not read it
  check "payload-$off.sdc" 0 "20|26" "20|26"
  expect_in "payload-$off.sdc.verify.err" "member images/" "names the damaged member"
done
flip table.sdc $((size - 40))          # a seek-table entry
check table.sdc 20 20 20
flip footer.sdc $((size - 4))          # the "SDCSEEK1" footer
check footer.sdc 21 21 20
pass "flipped bytes in index (20), payload (verify 20/26), seek table (20), footer (21)"

# --- not bundles -------------------------------------------------------------------------------
: >empty.sdc
check empty.sdc 21 21 21
head -c 100000 /dev/urandom >random.sdc
check random.sdc 21 21 20
cp "$TEST_DIR/catalog/channels.json" json.sdc
check json.sdc 21 21 20
expect_exit 10 "$BIN" inspect missing.sdc
expect_in last.err "does not exist" "missing file"
expect_exit 10 "$BIN" verify missing.sdc
expect_exit 2 "$BIN" verify
expect_exit 2 "$BIN" inspect
pass "empty, random and JSON files refused; a missing file is exit 10"
