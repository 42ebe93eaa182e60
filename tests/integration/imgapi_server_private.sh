#!/usr/bin/env bash
# `sdcadm-bundle serve DIR` in private mode (the updates-server stand-in), checked with curl
# point by point against reference/imgapi.md §10: status codes, restCodes, messages,
# headers, channels, Accept-Version, paging, refused writes, startup refusals, fault knobs.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/imgapi_server_helpers.bash"

BIN="$SDCB_BIN/sdcadm-bundle"
CAT="$TEST_DIR/catalog"
mkdir -p "$CAT"
BASE=aaaaaaaa-0000-4000-8000-000000000001   # origin base, dev+staging+release
MID=aaaaaaaa-0000-4000-8000-000000000002    # incremental on BASE, dev+release
DEV=aaaaaaaa-0000-4000-8000-000000000003    # imgapi on MID, dev
STG=aaaaaaaa-0000-4000-8000-000000000004    # imgapi on MID, staging
EXP=aaaaaaaa-0000-4000-8000-000000000005    # sdcadm, experimental
MISSING=bbbbbbbb-0000-4000-8000-000000000009
make_image "$CAT" $BASE triton-origin 21.4.0 2022-03-22T01:21:37Z '["dev","staging","release"]' 4096
make_image "$CAT" $MID triton-origin master-20230101T000000Z-g0000001 2023-01-01T00:00:00Z \
  '["dev","release"]' 3000 $BASE
make_image "$CAT" $DEV imgapi master-20250101T000000Z-g1a2b3c4 2025-01-01T00:00:00.123Z '["dev"]' 5000 $MID
make_image "$CAT" $STG imgapi release-20250102-20250102T000000Z-g2b3c4d5 2025-01-02T00:00:00Z \
  '["staging"]' 6000 $MID
make_image "$CAT" $EXP sdcadm 1.39.0 2025-01-03T00:00:00Z '["experimental"]' 2000
sed -i 's/"type": "zone-dataset"/"type": "other"/; s/"os": "smartos"/"os": "other"/' "$CAT/$EXP.imgmanifest"

start_server srv "$CAT" --log-file "$TEST_DIR/requests.log"
URL=$srv_URL
grep -q "listening on http://127.0.0.1:.* (mode private, 5 images, channels experimental dev(default) staging release support)" \
  "$TEST_DIR/srv.log" || fail "listening line: $(cat "$TEST_DIR/srv.log")"

# --- Ping and common headers -------------------------------------------------------------
req GET /ping -H 'x-request-id: my-request-42'
check_status 200 ping
check_eq "$(json 'b.ping + " " + b.version + " " + b.imgapi + " " + b.pid')" "pong 4.13.1 true undefined" "ping body (no pid anonymously)"
check_eq "$(header x-request-id)" my-request-42 "x-request-id echoed"
check_eq "$(header Content-Type)" application/json "ping Content-Type"
check_eq "$(header Content-MD5)" "$(body_md5_b64)" "ping Content-MD5"
[[ "$(header Server)" == IMGAPI/* ]] || fail "Server header: $(header Server)"
[[ -n "$(header Date)" && "$(header x-response-time)" =~ ^[0-9]+$ && -n "$(header x-server-name)" ]] ||
  fail "common headers missing: $(cat "$TEST_DIR/hdr")"
check_eq "$(head -c 14 "$TEST_DIR/body" | tr '\n' '|')" '{|  "ping": "p' "2-space JSON"
check_eq "$(header Content-Length)" "$(stat -c %s "$TEST_DIR/body")" "Content-Length"
pass "ping and common headers"

req GET '/ping?error=ValidationFailed'
check_error 422 ValidationFailed boom "ping error sample"
check_eq "$(json b.errors)" "[]" "ping sample errors[]"
req GET '/ping?error=Bogus'
check_error 422 InvalidParameter "unknown error: BogusError" "ping unknown error"
req GET '/ping?error=Upload'
check_error 500 InternalError 'do not have a sample "UploadError" error' "ping error without sample"
req GET '/ping?error=OperatorOnly'
check_error 403 OperatorOnly "this endpoint may only be called by an operator" "ping OperatorOnly"
pass "ping error samples"

# --- Channels --------------------------------------------------------------------------
req GET /channels
check_status 200 ListChannels
check_eq "$(json 'b.map(c => c.name + (c.default ? "*" : "")).join(" ")')" \
  "experimental dev* staging release support" "standard channels when channels.json is absent"
pass "ListChannels"

# --- ListImages: channels, Accept-Version, filters ---------------------------------------
uuids='b.map(i => i.uuid.slice(-1)).join(",")'
req GET /images
check_status 200 "ListImages default channel"
check_eq "$(json "$uuids")" "1,2,3" "default channel dev, sorted by published_at"
check_eq "$(json 'b[0].channels')" "undefined" "no Accept-Version: no channels (v1)"
req GET /images -H 'Accept-Version: ~2'
check_eq "$(json 'b[0].channels.join(",")')" "dev,staging,release" "Accept-Version ~2 serves channels"
req GET /images -H 'Accept-Version: *'
check_eq "$(json 'b[2].channels.join(",")')" "dev" "Accept-Version * serves channels"
req GET /images -H 'Accept-Version: ~99'
check_error 400 InvalidVersion "~99 is not supported by GET /images" "unsatisfiable Accept-Version"
req GET '/images?channel=staging'
check_eq "$(json "$uuids")" "1,4" "channel=staging"
req GET '/images?channel=*'
check_eq "$(json "$uuids")" "1,2,3,4,5" "channel=*"
req GET '/images?channel=bogus'
check_error 422 ValidationFailed "unknown channel: bogus" "unknown channel"
check_eq "$(json 'b.errors[0].field + "/" + b.errors[0].code')" "channel/Invalid" "unknown channel errors[]"
req GET '/images?channel=*&name=imgapi'
check_eq "$(json "$uuids")" "3,4" "name filter"
req GET '/images?channel=*&name=~origin'
check_eq "$(json "$uuids")" "1,2" "name ~substring"
req GET '/images?channel=*&version=~20250102'
check_eq "$(json "$uuids")" "4" "version ~substring"
req GET '/images?channel=*&type=other'
check_eq "$(json "$uuids")" "5" "type"
req GET '/images?channel=*&type=!other'
check_eq "$(json "$uuids")" "1,2,3,4" "!type"
req GET '/images?channel=*&tag.smartdc_service=true&os=smartos'
check_eq "$(json "$uuids")" "1,2,3,4" "tag and os"
req GET '/images?channel=*&state=all'
check_eq "$(json "$uuids")" "1,2,3,4,5" "state=all anonymous = active"
req GET '/images?state=unactivated'
check_eq "$(json 'b.length')" "0" "hidden states give []"
req GET '/images?state=bogus'
check_error 422 InvalidParameter 'invalid state: "bogus"' "bad state"
req GET '/images?limit=abc'
check_error 422 InvalidParameter 'invalid limit: "abc"' "bad limit"
req GET '/images?sort=name'
check_error 422 InvalidParameter "invalid 'sort': not a valid sorting attribute: 'name'" "bad sort"
req GET '/images?name=nothing-like-this'
check_eq "$(cat "$TEST_DIR/body")" "[]" "no match is []"
pass "ListImages channels, versions and filters"

# Paging: inclusive marker, as node-sdc-clients pages.
req GET '/images?channel=*&limit=2'
check_eq "$(json "$uuids")" "1,2" "first page"
req GET "/images?channel=*&limit=2&marker=$MID"
check_eq "$(json "$uuids")" "2,3" "marker is inclusive"
req GET "/images?channel=*&limit=2&marker=2025-01-02T00:00:00Z"
check_eq "$(json "$uuids")" "4,5" "date marker"
req GET "/images?marker=$MISSING"
check_error 404 ResourceNotFound "image $MISSING not found" "unknown marker uuid"
req GET '/images?channel=*&sort=published_at.desc'
check_eq "$(json "$uuids")" "5,4,3,2,1" "sort desc"
req GET '/images?channel=*&sort=published_at.desc&limit=1'
check_eq "$(json "$uuids")" "1" "local-database quirk: desc&limit=1 is the oldest"
pass "ListImages paging and sorting"

# --- GetImage -----------------------------------------------------------------------------
req GET "/images/$DEV"
check_status 200 "GetImage in the default channel"
check_eq "$(json b.uuid)" $DEV "GetImage uuid"
check_eq "$(header Etag)" "$(body_etag)" "GetImage Etag"
etag=$(header Etag)
req GET "/images/$DEV" -H "If-None-Match: $etag"
check_status 304 "If-None-Match"
req GET "/images/$STG"
check_error 404 ResourceNotFound "image not found" "GetImage outside the default channel"
req GET "/images/$STG?channel=*"
check_status 200 "GetImage channel=*"
req GET "/images/$STG?channel=staging" -H 'Accept-Version: ~2'
check_eq "$(json 'b.channels.join()')" staging "GetImage v2 channels"
req GET "/images/$MISSING?channel=*"
check_error 404 ResourceNotFound "image $MISSING not found" "GetImage unknown uuid"
req GET "/images/$DEV?channel=bogus"
check_error 422 ValidationFailed "unknown channel: bogus" "GetImage unknown channel"
req GET "/images/$DEV" -H 'Authorization: Signature keyId="x"'
check_status 401 "Authorization header on an anonymous server"
check_eq "$(json b.code)" UnauthorizedError "401 code"
req GET "/images/$DEV?inclAdminFields=true"
check_status 401 "inclAdminFields anonymously"
req GET "/images/$DEV?inclAdminFields=maybe"
check_error 422 InvalidParameter 'invalid value for "inclAdminFields" param: "maybe" is not a boolean' "bad inclAdminFields"
pass "GetImage"

# --- Path tricks, routes, methods ------------------------------------------------------
for path in '/images/..%2F..%2Fetc' '/images/AAAAAAAA-0000-4000-8000-000000000003' \
  "/images/$DEV%2Ffile" '/images/3dae5131?action=import' '/images/xyz?channel=bogus' \
  "/images/%2E%2E/file" "/images/$DEV/../$DEV"; do
  req GET "$path"
  check_error 404 ResourceNotFound "$path does not exist" "path $path"
done
req GET '/nowhere?x=1'
check_error 404 ResourceNotFound "/nowhere?x=1 does not exist" "unknown route"
req PATCH /images
check_error 405 MethodNotAllowedError "PATCH is not allowed" "wrong method"
check_eq "$(header Allow)" "GET, POST" "Allow header"
pass "path tricks, unknown routes and methods"

# --- GetImageFile --------------------------------------------------------------------------
f="$CAT/$DEV.imgfile"
req GET "/images/$DEV/file"
check_status 200 "GetImageFile"
check_eq "$(sha1_of "$TEST_DIR/body")" "$(sha1_of "$f")" "file bytes"
check_eq "$(header Content-Length)" 5000 "file Content-Length"
check_eq "$(header Content-Type)" application/octet-stream "file Content-Type"
check_eq "$(header Content-MD5)" "$(md5_b64_of "$f")" "file Content-MD5 = openssl md5 | base64"
check_eq "$(header Etag)" "$(sha1_of "$f")" "file Etag = sha1"
[[ "$(header Last-Modified)" =~ ^[A-Z][a-z]{2},\ [0-9]{2}\ [A-Z][a-z]{2}\ [0-9]{4}\ .*GMT$ ]] ||
  fail "Last-Modified: $(header Last-Modified)"
req GET "/images/$DEV/file" -H "If-None-Match: \"$(sha1_of "$f")\""
check_status 304 "file If-None-Match"
req GET "/images/$DEV/file" -H 'Range: bytes=0-9'
check_status 200 "Range is ignored"
check_eq "$(stat -c %s "$TEST_DIR/body")" 5000 "Range ignored: full body"
req GET "/images/$STG/file"
check_error 404 ResourceNotFound "image not found" "file outside the default channel"
req GET "/images/$STG/file?channel=staging"
check_eq "$(sha1_of "$TEST_DIR/body")" "$(sha1_of "$CAT/$STG.imgfile")" "file with channel"
req GET "/images/$DEV/file?index=1"
check_error 404 ResourceNotFound "image \"$DEV\" has no file at index 1" "file index"
req GET "/images/$DEV/icon"
check_error 404 ResourceNotFound "image \"$DEV\" has no icon" "no icon"
pass "GetImageFile headers, channels, conditional, Range"

# --- Writes are refused (anonymous caller of the updates server) ---------------------------
before=$(ls -l --time-style=+%s.%N "$CAT" | md5sum)
req POST "/images/$MISSING?action=import" -H 'Content-Type: application/json' -d "{\"uuid\":\"$MISSING\"}"
check_status 401 "import refused"
check_eq "$(json b.code)" UnauthorizedError "import refused code"
req PUT "/images/$DEV/file?compression=gzip" --data-binary @"$f"
check_status 401 "add file refused"
req POST "/images/$DEV?action=activate"
check_status 401 "activate refused"
req DELETE "/images/$DEV"
check_status 401 "delete refused"
req POST "/images/..%2Fx?action=import" -d '{}'
check_status 401 "writes are refused before the uuid check"
req POST /images -d '{}'
check_status 401 "create refused"
check_eq "$(ls -l --time-style=+%s.%N "$CAT" | md5sum)" "$before" "catalog untouched"
req GET '/images?channel=*'
check_eq "$(json "$uuids")" "1,2,3,4,5" "nothing changed"
pass "writes refused with 401"

# --- Request log -------------------------------------------------------------------------
node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
  const reqs = lines.filter(l => l.method);
  if (reqs.length < 50) throw new Error("only " + reqs.length + " request lines");
  const ping = reqs.find(l => l.url === "/ping" && l.req_id === "my-request-42");
  if (!ping || ping.status !== 200 || ping.level !== 30 || typeof ping.ms !== "number" ||
      ping.bytes <= 0 || !ping.time || ping.v !== 0) throw new Error("ping line: " + JSON.stringify(ping));
  const file = reqs.find(l => l.url.endsWith("/file") && l.status === 200);
  if (file.bytes !== 5000) throw new Error("file line bytes: " + JSON.stringify(file));
' "$TEST_DIR/requests.log" || fail "request log"
pass "one bunyan line per request"

# --- Clean stop -------------------------------------------------------------------------
kill -TERM "$srv_PID"
rc=0
wait "$srv_PID" || rc=$?
check_eq "$rc" 0 "SIGTERM exit code"
pass "SIGTERM stops cleanly"

# --- Startup refusals -------------------------------------------------------------------
refuse() {  # CODE EXPECTED-TEXT ARGS...
  local code=$1 text=$2
  shift 2
  expect_exit "$code" timeout 20 "$BIN" serve "$@" --listen 127.0.0.1:0
  grep -qF -- "$text" "$TEST_DIR/last.err" || fail "startup refusal: expected '$text' in: $(cat "$TEST_DIR/last.err")"
}
BAD="$TEST_DIR/bad"
cp -r "$CAT" "$BAD"
head -c 10 /dev/urandom >>"$BAD/$EXP.imgfile"
refuse 9 "$EXP.imgfile has 2010 bytes" "$BAD"
cp "$CAT/$EXP.imgfile" "$BAD/"
rm "$BAD/$EXP.imgfile"
refuse 9 "$EXP.imgfile is missing" "$BAD"
cp "$CAT/$EXP.imgfile" "$BAD/"
sed -i 's/"experimental"/"nightly"/' "$BAD/$EXP.imgmanifest"
refuse 9 'unknown channel "nightly"' "$BAD"
cp "$CAT/$EXP.imgmanifest" "$BAD/"
sed -i 's/"name": "sdcadm",//' "$BAD/$EXP.imgmanifest"
refuse 9 "$EXP.imgmanifest: invalid image data: name" "$BAD"
echo '{"v": 2,' >"$BAD/$EXP.imgmanifest"
refuse 9 "$EXP.imgmanifest: invalid JSON" "$BAD"
cp "$CAT/$EXP.imgmanifest" "$BAD/"
echo '[{"name": "dev", "description": "d", "default": true}, {"name": "dev", "description": "e"}]' >"$BAD/channels.json"
refuse 9 "channels.json" "$BAD"
refuse 3 "does not exist" "$TEST_DIR/no-such-dir"
refuse 2 "bad --fault spec" "$CAT" --fault "status=200"
expect_exit 2 timeout 20 "$BIN" serve "$CAT" --listen nonsense
grep -q "is not HOST:PORT" "$TEST_DIR/last.err" || fail "bad --listen: $(cat "$TEST_DIR/last.err")"
refuse 2 "takes no catalog DIR" "$CAT" --mode dc --data "$TEST_DIR/d"
pass "startup refusals name the problem"

# A custom channels.json replaces the standard set.
CUSTOM="$TEST_DIR/custom"
mkdir -p "$CUSTOM"
make_image "$CUSTOM" $BASE base 1 2024-01-01T00:00:00Z '["stable"]' 100
echo '[{"name": "stable", "description": "the only one", "default": true}, {"name": "old", "description": "x"}]' \
  >"$CUSTOM/channels.json"
start_server custom "$CUSTOM"
URL=$custom_URL
req GET /channels
check_eq "$(cat "$TEST_DIR/body" | tr -d ' \n')" \
  '[{"name":"stable","description":"theonlyone","default":true},{"name":"old","description":"x"}]' "custom channels"
req GET /images
check_eq "$(json 'b.length')" 1 "custom default channel"
req GET '/images?channel=old'
check_eq "$(json 'b.length')" 0 "other custom channel"
pass "channels.json"

# --- Fault knobs (test-only) ---------------------------------------------------------------
start_server f503 "$CAT" --fault 'status=503,nth=2' --fault 'status=500,path=/images/*/file,count=2'
URL=$f503_URL
req GET /ping
check_status 200 "fault: first request passes"
req GET /ping
check_error 503 ServiceUnavailableError "injected fault (--fault status=503,nth=2)" "fault: nth=2 fails"
req GET /ping
check_status 200 "fault: nth fires once"
req GET "/images/$DEV/file"
check_status 500 "fault: count=2 (1)"
req GET "/images/$DEV/file"
check_status 500 "fault: count=2 (2)"
req GET "/images/$DEV/file"
check_status 200 "fault: count exhausted"
pass "fault status nth/count/path"

start_server slow "$CAT" --fault 'latency=400,path=/ping'
URL=$slow_URL
t0=$(date +%s%N)
req GET /ping
t1=$(date +%s%N)
check_status 200 "latency fault"
(((t1 - t0) / 1000000 >= 400)) || fail "latency: only $(((t1 - t0) / 1000000)) ms"
t0=$(date +%s%N)
req GET /images
t1=$(date +%s%N)
(((t1 - t0) / 1000000 < 400)) || fail "latency applied outside its path"
pass "fault latency"

start_server cut "$CAT" --fault 'cut=1000,path=/images/*/file'
URL=$cut_URL
rc=0
curl -sS -o "$TEST_DIR/cut.out" "$URL/images/$DEV/file" 2>/dev/null || rc=$?
check_eq "$rc" 18 "cut: curl sees a partial transfer (exit 18)"
check_eq "$(stat -c %s "$TEST_DIR/cut.out")" 1000 "cut after 1000 bytes"
req GET "/images/$DEV"
check_status 200 "cut leaves JSON endpoints alone"
pass "fault cut"

start_server corrupt "$CAT" --fault 'corrupt=10'
URL=$corrupt_URL
req GET "/images/$DEV/file"
check_status 200 "corrupt: still 200"
check_eq "$(stat -c %s "$TEST_DIR/body")" 5000 "corrupt: same size"
[[ "$(body_md5_b64)" != "$(header Content-MD5)" ]] || fail "corrupt: body still matches Content-MD5"
changed=$(cmp -l "$TEST_DIR/body" "$f" || true)
check_eq "$(echo "$changed" | awk '{print $1}' | tr '\n' ' ')" "11 " "corrupt: exactly the byte at offset 10"
pass "fault corrupt"
