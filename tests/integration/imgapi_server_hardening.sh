#!/usr/bin/env bash
# `sdcadm-bundle serve` against hostile clients (issue 12, items 12-14):
#  - 50 connections trickling one header line every 2 s plus 200 idle sockets: a fresh
#    `GET /ping` still answers within 1 s every time, and the slow ones get 408 in the end;
#  - a request with 1,000,000 header lines (~93 MB): 431 in IMGAPI's error shape, and the
#    server's resident memory grows by less than 16 MiB;
#  - bytes that are not UTF-8 in a query value, a JSON body or the path: 4xx in IMGAPI's shape;
#  - DC mode uploads over the free space (declared or chunked): 507, nothing kept.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/imgapi_server_helpers.bash"

CLIENTS="$SDCB_SOURCE/tests/lib/slow_clients.js"
CAT="$TEST_DIR/catalog"
mkdir -p "$CAT"
IMG=eeeeeeee-0000-4000-8000-000000000001
make_image "$CAT" $IMG sdcadm 1.39.0 2025-01-03T00:00:00Z '["dev"]' 3000
printf '[{"name": "dev", "description": "dev", "default": true}]\n' >"$CAT/channels.json"
start_server up "$CAT" --log-file "$TEST_DIR/up.log"
URL=$up_URL
PORT=${URL##*:}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# --- slow and idle clients ------------------------------------------------------------------
node "$CLIENTS" slow 127.0.0.1 "$PORT" 50 200 16 >slow.json 2>&1 || fail "slow clients: $(cat slow.json)"
mv slow.json "$TEST_DIR/slow.json"
worst=$(jsonf "$TEST_DIR/slow.json" 'Math.max(...b.pings.map(p => p.ms))')
count=$(jsonf "$TEST_DIR/slow.json" 'b.pings.length')
check_eq "$(jsonf "$TEST_DIR/slow.json" 'b.pings.every(p => p.status === "HTTP/1.1 200 OK")')" true \
  "every /ping answered 200 ($(jsonf "$TEST_DIR/slow.json" 'JSON.stringify(b.pings.slice(0, 3))'))"
((worst < 1000)) || fail "a /ping took ${worst} ms with 50 slow and 200 idle connections open"
check_eq "$(jsonf "$TEST_DIR/slow.json" 'b.slow.filter(s => s.startsWith("HTTP/1.1 408")).length')" 50 \
  "the slow connections got 408 at their header deadline"
pass "50 slow + 200 idle connections: $count pings over 16 s, the slowest ${worst} ms; slow ones got 408"

# --- a header flood ---------------------------------------------------------------------------
before=$(rss_kib "$up_PID")
node "$CLIENTS" flood 127.0.0.1 "$PORT" 1000000 >"$TEST_DIR/flood.json" || fail "flood client"
after=$(rss_kib "$up_PID")
check_eq "$(jsonf "$TEST_DIR/flood.json" 'b.status')" "HTTP/1.1 431 Request Header Fields Too Large" \
  "the flood is refused ($(head -c 300 "$TEST_DIR/flood.json"))"
check_eq "$(jsonf "$TEST_DIR/flood.json" 'JSON.parse(b.body).code')" RequestHeaderFieldsTooLargeError "431 code"
growth=$(( (after - before) / 1024 ))
((after - before < 16384)) || fail "server RSS grew by ${growth} MiB on a header flood ($before -> $after KiB)"
req GET /ping
check_status 200 "ping after the flood"
pass "1,000,000 header lines: 431 RequestHeaderFieldsTooLargeError, RSS $((before / 1024)) -> $((after / 1024)) MiB"
# Just over the line limit, in one packet: 431 too; at the limit: served.
hdrs=(); for i in $(seq 1 101); do hdrs+=(-H "X-Many-$i: x"); done
req GET /ping "${hdrs[@]}"
check_error 431 RequestHeaderFieldsTooLargeError "" "101 header lines (with curl's own: more than 100)"
req GET /ping -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' a)"
check_error 431 RequestHeaderFieldsTooLargeError "" "a 40 KB header line"
req GET /ping -H "X-Fine: $(head -c 4000 /dev/zero | tr '\0' a)"
check_status 200 "a 4 KB header is fine"
pass "header limits: 100 lines, 32 KiB"

# --- not UTF-8 --------------------------------------------------------------------------------
req GET "/images?channel=%FF"
check_error 422 ValidationFailed "" "?channel=%FF"
check_eq "$(json 'b.message')" "unknown channel: �" "the bad byte shows as U+FFFD"
req GET "/images/$IMG?channel=%C3%28"
check_error 422 ValidationFailed "" "?channel= with a broken 2-byte sequence"
req GET "/images?name=%FF%FE"
check_status 200 "a filter on a name that is not UTF-8 matches nothing"
check_eq "$(json 'b.length')" 0 "no image has that name"
pass "query values that are not UTF-8: IMGAPI errors, never 500"

DATA="$TEST_DIR/data"
DCIMG=eeeeeeee-0000-4000-8000-000000000002
mkdir -p "$TEST_DIR/src"
make_image "$TEST_DIR/src" $DCIMG imgapi 1.0.0 2025-01-03T00:00:00Z '["dev"]' 1000
# 64 MiB reserve + 10 MiB: an upload may use 10 MiB.
SDCB_TEST_FREE_BYTES=$(( (64 + 10) << 20 )) start_server dc --mode dc --data "$DATA" --log-file "$TEST_DIR/dc.log"
URL=$dc_URL
printf '{"name": "\xff\xfe", "v": 2}' >"$TEST_DIR/bad.json"
req POST "/images/$DCIMG?action=import&skip_owner_check=true" -H 'Content-Type: application/json' \
  --data-binary @"$TEST_DIR/bad.json"
check_error 400 InvalidContent "" "a JSON body that is not UTF-8"
[[ "$(json b.message)" == "Invalid JSON: "* ]] || fail "message: $(json b.message)"
req GET "/images/%FF%FE"
[[ "$STATUS" == 404 ]] || fail "a path that is not UTF-8: HTTP $STATUS"
json b.code >/dev/null || fail "a path that is not UTF-8: body is not JSON"
pass "bodies and paths that are not UTF-8: 400 InvalidContent / 404, JSON bodies"

# --- uploads over the free space ----------------------------------------------------------------
req POST "/images/$DCIMG?action=import&skip_owner_check=true" -H 'Content-Type: application/json' \
  --data-binary @"$TEST_DIR/src/$DCIMG.imgmanifest"
check_status 200 "import"
head -c $((20 << 20)) /dev/urandom >"$TEST_DIR/big"
req PUT "/images/$DCIMG/file?compression=none" -H 'Content-Type: application/octet-stream' \
  --data-binary @"$TEST_DIR/big"
check_error 507 InsufficientStorageError "" "a declared 20 MiB over a 10 MiB budget"
req PUT "/images/$DCIMG/file?compression=none" -H 'Content-Type: application/octet-stream' \
  -H 'Transfer-Encoding: chunked' -T "$TEST_DIR/big"
check_error 507 InsufficientStorageError "" "a chunked 20 MiB over a 10 MiB budget"
[[ "$(json b.message)" == *"the upload has reached"* ]] || fail "chunked message: $(json b.message)"
req GET "/images/$DCIMG"
check_eq "$(json 'b.files.length')" 0 "no file recorded"
check_eq "$(find "$DATA" -type f -size +1M | wc -l)" 0 "no partial file kept in the data directory"
head -c $((5 << 20)) /dev/urandom >"$TEST_DIR/small"
req PUT "/images/$DCIMG/file?compression=none" -H 'Content-Type: application/octet-stream' \
  -H 'Transfer-Encoding: chunked' -T "$TEST_DIR/small"
check_status 200 "a chunked 5 MiB upload within the budget"
pass "uploads over the free space: 507 declared or chunked, nothing kept; within it, stored"
