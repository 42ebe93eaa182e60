#!/usr/bin/env bash
# imgapi-cli (imgapi::Client) against the real server, `sdcadm-bundle serve`:
#  - private mode (updates server with channels): ping, channels, list per channel and
#    with filters, get, get-file with SHA-1 check, 404 outside the channel;
#  - DC mode: import + add-file + activate, list/get there, 409 on re-import, delete;
#  - fault knobs: cut / corrupt / 503 make the client restart, retry or fail with the
#    right exit code, never leaving a partial output file (nor does Ctrl-C);
#  - peak RSS of get-file and of the upload stays bounded for a large file
#    (IMGAPI_CLIENT_RSS_SIZE, default 128M; --report-rss).
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too

cli="$SDCB_BIN/imgapi-cli"
cat_dir="$TEST_DIR/catalog"
mkdir -p "$cat_dir" "$TEST_DIR/out"

# The manifests carry a description and "icon": true on purpose: the client must pass
# fields it does not interpret through untouched.
client_fields='"description": "integration test image", "icon": true,'

A=11111111-1111-4111-8111-111111111111   # dev + release
B=22222222-2222-4222-8222-222222222222   # dev
C=33333333-3333-4333-8333-333333333333   # experimental
make_image "$cat_dir" "$A" imgapi master-20250101T000000Z-g1a2b3c4 2025-01-01T00:00:00.000Z '["dev", "release"]' 300000 "" "$client_fields"
make_image "$cat_dir" "$B" imgapi master-20250102T000000Z-g2b3c4d5 2025-01-02T00:00:00.000Z '["dev"]' 200000 "" "$client_fields"
make_image "$cat_dir" "$C" vmapi  master-20250103T000000Z-g3c4d5e6 2025-01-03T00:00:00.000Z '["experimental"]' 100000 "" "$client_fields"
json_uuids() { node -e 'for (const m of JSON.parse(require("fs").readFileSync(0))) console.log(m.uuid)'; }

# ---- private mode (updates server) ---------------------------------------------------
start_server updates "$cat_dir"
U=$updates_URL

"$cli" -S "$U" ping | grep -q '^pong' || fail "ping"
"$cli" -S "$U" channels | grep -q '^dev (default)' || fail "channels: dev not default"
pass "ping and channels"

[[ "$("$cli" -S "$U" list -j | json_uuids | tr '\n' ' ')" == "$A $B " ]] || fail "list (default channel dev)"
[[ "$("$cli" -S "$U" -C release list -j | json_uuids | tr '\n' ' ')" == "$A " ]] || fail "list -C release"
[[ "$("$cli" -S "$U" -C '*' list -j | json_uuids | tr '\n' ' ')" == "$A $B $C " ]] || fail "list -C *"
[[ "$("$cli" -S "$U" -C '*' list name=vmapi -j | json_uuids)" == "$C" ]] || fail "list name=vmapi"
[[ "$("$cli" -S "$U" list version=~20250102 -j | json_uuids)" == "$B" ]] || fail "list version=~"
"$cli" -S "$U/?channel=experimental" list | grep -q "^$C  vmapi" || fail "table output / ?channel= in URL"
"$cli" -S "$U" list -j | grep -q '"channels"' || fail "Accept-Version ~2: manifests lack channels"
expect_exit 7 "$cli" -S "$U" -C nosuch list
grep -q "422 ValidationFailed" "$TEST_DIR/last.err" || fail "unknown channel message"
expect_exit 2 "$cli" -S "$U" list bogus=1
pass "list with channels and filters"

"$cli" -S "$U" get "$A" | node -e '
  const m = JSON.parse(require("fs").readFileSync(0));
  if (m.uuid !== process.argv[1]) process.exit(1);' "$A" || fail "get"
expect_exit 10 "$cli" -S "$U" get "$C"          # experimental only: 404 in dev
grep -q "404 ResourceNotFound" "$TEST_DIR/last.err" || fail "404 message"
expect_exit 2 "$cli" -S "$U" get not-a-uuid
pass "get"

"$cli" -S "$U" -C '*' get-file "$C" -o "$TEST_DIR/out/C.file" --no-progress
[[ "$(sha1_of "$TEST_DIR/out/C.file")" == "$(sha1_of "$cat_dir/$C.imgfile")" ]] || fail "get-file bytes"
expect_exit 10 "$cli" -S "$U" get-file "$C" -o "$TEST_DIR/out/C2.file"
[[ ! -e "$TEST_DIR/out/C2.file" ]] || fail "get-file 404 left a file"
pass "get-file"

# ---- DC mode: import, add-file, activate, list, get, delete ----------------------------
start_server dc --mode dc --data "$TEST_DIR/dc-data"
D=$dc_URL
"$cli" -S "$D" channels 2>"$TEST_DIR/ch.err" | grep -q . && fail "DC channels printed something"
grep -q "has no channels" "$TEST_DIR/ch.err" || fail "DC channels message"

"$cli" -S "$D" import -m "$cat_dir/$A.imgmanifest" -f "$cat_dir/$A.imgfile" --skip-owner-check \
  --no-progress | grep -q "state active" || fail "import A"
"$cli" -S "$D" -j get "$A" | node -e '
  const m = JSON.parse(require("fs").readFileSync(0));
  const ok = m.state === "active" && m.published_at === "2025-01-01T00:00:00.000Z" &&
             m.files[0].sha1 === process.argv[1] && m.files[0].compression === "gzip";
  process.exit(ok ? 0 : 1);' "$(sha1_of "$cat_dir/$A.imgfile")" || fail "DC get after import"
[[ "$("$cli" -S "$D" list state=all -j | json_uuids)" == "$A" ]] || fail "DC list"
expect_exit 11 "$cli" -S "$D" import -m "$cat_dir/$A.imgmanifest" -f "$cat_dir/$A.imgfile" --skip-owner-check
grep -q "already exists" "$TEST_DIR/last.err" || fail "409 message"
"$cli" -S "$D" get-file "$A" -o "$TEST_DIR/out/A.dc" --no-progress
cmp -s "$TEST_DIR/out/A.dc" "$cat_dir/$A.imgfile" || fail "DC get-file"

# Manifest-only import, then activate without a file: 422 from the server.
"$cli" -S "$D" import -m "$cat_dir/$B.imgmanifest" --skip-owner-check | grep -q "state unactivated" \
  || fail "manifest-only import"
expect_exit 7 "$cli" -S "$D" activate "$B"
grep -q "NoActivationNoFile" "$TEST_DIR/last.err" || fail "activate without file"
"$cli" -S "$D" delete "$B" | grep -q "deleted" || fail "delete B"
"$cli" -S "$D" delete "$A" | grep -q "deleted" || fail "delete A"
expect_exit 10 "$cli" -S "$D" get "$A"
expect_exit 10 "$cli" -S "$D" delete "$A"
pass "DC import, activate, list, get, delete"

# ---- fault knobs -------------------------------------------------------------------------
start_server cut1 "$cat_dir" --fault "cut=1000,path=/images/*/file,nth=1"
"$cli" -S "$cut1_URL" get-file "$A" -o "$TEST_DIR/out/A.cut1" --no-progress 2>"$TEST_DIR/cut1.err"
cmp -s "$TEST_DIR/out/A.cut1" "$cat_dir/$A.imgfile" || fail "restart after a cut"
grep -q "downloading again from the start" "$TEST_DIR/cut1.err" || fail "no restart logged"
pass "cut once: restarted from zero"

start_server cutall "$cat_dir" --fault "cut=1000,path=/images/*/file"
expect_exit 6 "$cli" -S "$cutall_URL" get-file "$A" -o "$TEST_DIR/out/A.cutall" --no-progress
[[ -z "$(ls "$TEST_DIR/out" | grep cutall)" ]] || fail "cut: partial output left"
pass "cut always: network error, nothing left"

start_server corrupt "$cat_dir" --fault "corrupt=100,path=/images/*/file"
expect_exit 8 "$cli" -S "$corrupt_URL" get-file "$A" -o "$TEST_DIR/out/A.corrupt" --no-progress
grep -q "SHA-1 mismatch" "$TEST_DIR/last.err" || fail "corrupt message"
[[ -z "$(ls "$TEST_DIR/out" | grep corrupt)" ]] || fail "corrupt: output left"
pass "corrupt: integrity error, nothing left"

start_server s503 "$cat_dir" --fault "status=503,nth=1"
"$cli" -S "$s503_URL" get "$A" >/dev/null || fail "503 once not retried"
pass "503 once: retried"

start_server dcput --mode dc --data "$TEST_DIR/dc-put" --fault "status=503,method=PUT,nth=1"
"$cli" -S "$dcput_URL" import -m "$cat_dir/$B.imgmanifest" -f "$cat_dir/$B.imgfile" \
  --skip-owner-check --no-progress | grep -q "state active" || fail "upload retried after 503"
pass "upload 503 once: rewound and retried"

start_server dccut --mode dc --data "$TEST_DIR/dc-cut" --fault "cut=1000,method=PUT"
expect_exit 6 "$cli" -S "$dccut_URL" import -m "$cat_dir/$A.imgmanifest" -f "$cat_dir/$A.imgfile" \
  --skip-owner-check --no-progress
expect_exit 10 "$cli" -S "$dccut_URL" get "$A"   # rolled back like sdc-imgadm
pass "upload cut: network error, import rolled back"

start_server slow "$cat_dir" --fault "latency=5000,path=/images/*/file"
"$cli" -S "$slow_URL" get-file "$A" -o "$TEST_DIR/out/A.slow" --no-progress 2>"$TEST_DIR/slow.err" &
slow_pid=$!
sleep 1
kill -INT "$slow_pid"
slow_rc=0
wait "$slow_pid" || slow_rc=$?
[[ $slow_rc -eq 12 ]] || { cat "$TEST_DIR/slow.err" >&2; fail "Ctrl-C during get-file: exit $slow_rc"; }
[[ -z "$(ls "$TEST_DIR/out" | grep slow)" ]] || fail "Ctrl-C: temp file left"
pass "Ctrl-C during a download: exit 12, nothing left"

# ---- peak RSS for a large file ----------------------------------------------------------
size=${IMGAPI_CLIENT_RSS_SIZE:-128M}
big_dir="$TEST_DIR/big"
mkdir -p "$big_dir"
BIG=44444444-4444-4444-8444-444444444444
bytes=$(numfmt --from=iec "$size")
make_image "$big_dir" "$BIG" bigimage 1.0.0 2025-02-01T00:00:00.000Z '["dev"]' "$bytes" "" "$client_fields"
start_server big "$big_dir"
"$cli" -S "$big_URL" get-file "$BIG" -o "$TEST_DIR/out/big" --no-progress --report-rss 2>"$TEST_DIR/rss.err"
cmp -s "$TEST_DIR/out/big" "$big_dir/$BIG.imgfile" || fail "big get-file"
rss_get=$(sed -n 's/.*peak RSS \([0-9]*\) KiB.*/\1/p' "$TEST_DIR/rss.err")
rm -f "$TEST_DIR/out/big"
start_server bigdc --mode dc --data "$TEST_DIR/dc-big"
"$cli" -S "$bigdc_URL" import -m "$big_dir/$BIG.imgmanifest" -f "$big_dir/$BIG.imgfile" \
  --skip-owner-check --no-progress --report-rss >/dev/null 2>"$TEST_DIR/rss2.err"
rss_put=$(sed -n 's/.*peak RSS \([0-9]*\) KiB.*/\1/p' "$TEST_DIR/rss2.err")
echo "peak RSS for $size: get-file ${rss_get} KiB, import/upload ${rss_put} KiB"
if ldd "$cli" 2>/dev/null | grep -q libasan; then
  pass "peak RSS measured (not checked: AddressSanitizer build)"
else
  (( rss_get > 0 && rss_get < 65536 )) || fail "get-file peak RSS ${rss_get} KiB"
  (( rss_put > 0 && rss_put < 65536 )) || fail "upload peak RSS ${rss_put} KiB"
  pass "peak RSS below 64 MiB"
fi
