#!/usr/bin/env bash
# `sdcadm-bundle serve --mode dc --data DIR` (the DC IMGAPI stand-in), checked with curl
# against reference/imgapi.md §10: the offline import flow (import -> add file -> activate
# -> get -> delete) and each of its errors, hostile bodies and paths, interrupted uploads,
# restarts on the same data directory, concurrent imports and the fault knobs.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/imgapi_server_helpers.bash"

DATA="$TEST_DIR/data"
SRC="$TEST_DIR/src"   # an updates-server catalog to import from
mkdir -p "$SRC"
ADMIN=930896af-bf8c-48d4-885c-6573a94b1853
UNSET=00000000-0000-0000-0000-000000000000
ORIGIN=cccccccc-0000-4000-8000-000000000001
CHILD=cccccccc-0000-4000-8000-000000000002
OTHER=cccccccc-0000-4000-8000-000000000003
MISSING=dddddddd-0000-4000-8000-000000000009
make_image "$SRC" $ORIGIN triton-origin 21.4.0 2022-03-22T01:21:37Z '["dev"]' 70001
make_image "$SRC" $CHILD imgapi master-20250101T000000Z-g1a2b3c4 2025-01-01T00:00:00.123Z '["dev"]' 9000 $ORIGIN
make_image "$SRC" $OTHER sdcadm 1.39.0 2025-01-03T00:00:00Z '["dev"]' 3000

start_server dc --mode dc --data "$DATA" --log-file "$TEST_DIR/requests.log"
URL=$dc_URL

json_post() {  # PATH FILE-OR-TEXT: POST a JSON body
  local path=$1 data=$2
  req POST "$path" -H 'Content-Type: application/json' --data-binary "$data"
}
import() {  # UUID [QUERY]
  json_post "/images/$1?action=import${2:-&skip_owner_check=true}" @"$SRC/$1.imgmanifest"
}
add_file() {  # UUID [QUERY] [FILE]
  req PUT "/images/$1/file?${2-compression=gzip}" -H 'Content-Type: application/octet-stream' \
    --data-binary @"${3:-$SRC/$1.imgfile}"
}

# --- Ping, channels ---------------------------------------------------------------------
req GET /ping
check_status 200 ping
check_eq "$(json b.pid)" "$dc_PID" "DC ping shows the server pid"
req GET /channels
check_error 404 ResourceNotFound "/channels does not exist" "no channels in DC mode"
pass "ping and /channels"

# --- AdminImportImage -----------------------------------------------------------------------
import $ORIGIN
check_status 200 "import origin"
check_eq "$(json 'b.state + " " + JSON.stringify(b.files) + " " + b.channels')" "unactivated [] undefined" \
  "imported unactivated, files/state/channels dropped"
check_eq "$(json b.owner)" $ADMIN "unset owner becomes the admin"
check_eq "$(json b.published_at)" 2022-03-22T01:21:37Z "published_at kept"
check_eq "$(header Etag)" "$(body_etag)" "import Etag"
import $ORIGIN
check_error 409 ImageUuidAlreadyExists "image uuid \"$ORIGIN\" already exists" "re-import"
sed "s/$CHILD/$MISSING/; s/\"origin\": \"$ORIGIN\"/\"origin\": \"$OTHER\"/" "$SRC/$CHILD.imgmanifest" >"$TEST_DIR/orphan.json"
json_post "/images/$MISSING?action=import&skip_owner_check=true" @"$TEST_DIR/orphan.json"
check_error 422 OriginDoesNotExist "origin image \"$OTHER\" does not exist" "missing origin"
import $CHILD
check_status 200 "import child"
check_eq "$(json b.origin)" $ORIGIN "child origin"
pass "AdminImportImage"

# Bad import requests, each with IMGAPI's answer; none creates an image.
body=$(cat "$SRC/$OTHER.imgmanifest")
json_post "/images/$OTHER?action=import&account=$ADMIN" "$body"
check_error 403 OperatorOnly "this endpoint may only be called by an operator" "account= on import"
json_post "/images/$MISSING?action=import" "$body"
check_error 422 InvalidParameter "URL UUID, \"$MISSING\" and body UUID, \"$OTHER\" do not match" "uuid mismatch"
json_post "/images/$OTHER?action=import&skip_owner_check=yes" "$body"
check_error 422 InvalidParameter 'invalid value for "skip_owner_check" param: "yes" is not a boolean' "bad skip_owner_check"
json_post "/images/$OTHER?action=import" "${body/$UNSET/$MISSING}"
check_error 422 OwnerDoesNotExist "owner \"$MISSING\" does not exist" "unknown owner without skip_owner_check"
json_post "/images/$OTHER?action=import&skip_owner_check=true" "${body/\"v\": 2,/\"v\": 2, \"activated\": true, \"foo\": 1,}"
check_error 422 InvalidParameter 'invalid extra parameters: "activated", "foo"' "extra fields"
check_eq "$(json 'b.errors.map(e => e.field + ":" + e.code).join()')" "activated:Invalid,foo:Invalid" "extra fields errors[]"
json_post "/images/$OTHER?action=import&skip_owner_check=true" "${body/\"v\": 2,/}"
check_error 422 ValidationFailed "invalid image data: v" "missing v"
json_post "/images/$OTHER?action=import&skip_owner_check=true" "${body/\"v\": 2,/\"v\": 2, \"icon\": true,}"
check_error 422 ValidationFailed "invalid image data: icon" "icon:true refused"
json_post "/images/$OTHER?action=import&skip_owner_check=true" "${body/\"os\": \"smartos\"/\"os\": 42}"
check_error 422 ValidationFailed "" "wrong type"
check_eq "$(json 'b.errors[0].field')" os "wrong type field"
json_post "/images/$OTHER?action=import&skip_owner_check=true" "${body/\"published_at\": \"2025-01-03T00:00:00Z\"/\"published_at\": 5}"
check_error 422 InvalidParameter 'invalid "published_at"' "non-string published_at"
json_post "/images/$OTHER?action=import" '{"uuid": "'$OTHER'", "name": '
check_error 400 InvalidContent "" "malformed JSON"
[[ "$(json b.message)" == "Invalid JSON: "* ]] || fail "malformed JSON message: $(json b.message)"
json_post "/images/$OTHER?action=import" "[1, 2]"
check_error 422 ValidationFailed "the request body must be a JSON object (an image manifest), not array" "array body"
req POST "/images/$OTHER?action=import"
check_error 422 ValidationFailed "missing request body (image manifest)" "no body"
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$TEST_DIR/big.json"
json_post "/images/$OTHER?action=import" @"$TEST_DIR/big.json"
check_error 413 RequestEntityTooLargeError "Request body size exceeds 1048576" "2 MiB body"
printf '%*s' 2000 '' | tr ' ' '[' >"$TEST_DIR/deep.json"
json_post "/images/$OTHER?action=import" @"$TEST_DIR/deep.json"
check_error 400 InvalidContent "" "deeply nested JSON"
req GET "/images/$OTHER"
check_error 404 ResourceNotFound "image $OTHER not found" "no image created by bad imports"
pass "bad imports: clear errors, nothing created"

# --- AddImageFile -------------------------------------------------------------------------
add_file $ORIGIN ""
check_error 422 InvalidParameter 'missing "compression"' "missing compression"
check_eq "$(json 'JSON.stringify(b.errors)')" '[{"field":"compression","code":"Missing"}]' "missing compression errors[]"
add_file $ORIGIN "compression=zip"
check_error 422 InvalidParameter 'invalid compression "zip" (must be one of gzip, bzip2, xz, none)' "bad compression"
add_file $ORIGIN "compression=gzip&sha1=0000000000000000000000000000000000000000"
check_error 400 Download "\"sha1\" hash, 0000000000000000000000000000000000000000, does not match the uploaded file sha1 hash, $(sha1_of "$SRC/$ORIGIN.imgfile")" "sha1 mismatch"
req GET "/images/$ORIGIN"
check_eq "$(json 'JSON.stringify(b.files)')" "[]" "sha1 mismatch: no file kept"
check_eq "$(ls "$DATA/files")" "" "sha1 mismatch: nothing in files/"
: >"$TEST_DIR/empty"
add_file $ORIGIN "compression=gzip" "$TEST_DIR/empty"
check_error 400 Download "image file size is 0 bytes, empty files are not allowed" "empty file"
req PUT "/images/$ORIGIN/file?compression=gzip" -H 'Content-Length: 21474836481' -H 'Expect:' --max-time 5
check_error 400 Upload "image file size 21474836481 (from Content-Length) exceeds the maximum allowed size, 20 GiB" "over 20 GiB"
req POST "/images/$ORIGIN?action=activate"
check_error 422 NoActivationNoFile "image \"$ORIGIN\" cannot be activated: it has no file" "activate without file"
add_file $ORIGIN "compression=gzip&sha1=$(sha1_of "$SRC/$ORIGIN.imgfile")&dataset_guid=1234567890"
check_status 200 "add file"
check_eq "$(json 'JSON.stringify(b.files)')" \
  "[{\"sha1\":\"$(sha1_of "$SRC/$ORIGIN.imgfile")\",\"size\":70001,\"compression\":\"gzip\",\"dataset_guid\":\"1234567890\"}]" \
  "files[0] after upload"
check_eq "$(json b.state)" unactivated "still unactivated after upload"
check_eq "$(header Etag)" "$(body_etag)" "add file Etag"
add_file $MISSING
check_error 404 ResourceNotFound "image $MISSING not found" "add file to unknown image"
pass "AddImageFile checks"

# --- Interrupted uploads leave nothing -----------------------------------------------------
head -c $((8 * 1024 * 1024)) /dev/urandom >"$TEST_DIR/big.file"
curl -sS --limit-rate 1M -T "$TEST_DIR/big.file" "$URL/images/$CHILD/file?compression=gzip" \
  -o /dev/null 2>/dev/null &
upload_pid=$!
sleep 1
kill "$upload_pid" 2>/dev/null || true
wait "$upload_pid" 2>/dev/null || true
for _ in $(seq 1 50); do  # the server notices the closed connection
  [[ -z "$(ls "$DATA/files" | grep -v "^$ORIGIN.file$")" ]] && break
  sleep 0.1
done
check_eq "$(ls "$DATA/files")" "$ORIGIN.file" "killed upload: no temp file left"
req GET "/images/$CHILD"
check_eq "$(json 'b.state + JSON.stringify(b.files)')" "unactivated[]" "killed upload: image unchanged"
# A body shorter than its Content-Length: the client then gives up.
rc=0
head -c 1000 "$SRC/$CHILD.imgfile" | curl -sS -X PUT -H 'Content-Length: 9000' --data-binary @- \
  --max-time 2 "$URL/images/$CHILD/file?compression=gzip" -o /dev/null 2>/dev/null || rc=$?
[[ $rc -ne 0 ]] || fail "short body upload succeeded"
sleep 0.5
req GET "/images/$CHILD"
check_eq "$(json 'JSON.stringify(b.files)')" "[]" "short body: no file"
pass "interrupted uploads leave the image unactivated without a file"

# --- Activate, Get, GetImageFile ----------------------------------------------------------------
req POST "/images/$ORIGIN?action=activate"
check_status 200 activate
check_eq "$(json 'b.state + " " + b.published_at')" "active 2022-03-22T01:21:37Z" "activated, published_at kept"
req POST "/images/$ORIGIN?action=activate"
check_error 422 ImageAlreadyActivated "image \"$ORIGIN\" is already activated" "activate twice"
add_file $ORIGIN
check_error 422 ImageFilesImmutable "cannot modify files on activated image $ORIGIN" "file on activated image"
add_file $CHILD "compression=gzip&sha1=$(sha1_of "$SRC/$CHILD.imgfile")"
check_status 200 "child file"
req POST "/images/$CHILD?action=activate"
check_status 200 "child activate"
req GET "/images/$CHILD/file"
check_status 200 "get file"
check_eq "$(sha1_of "$TEST_DIR/body")" "$(sha1_of "$SRC/$CHILD.imgfile")" "downloaded bytes"
check_eq "$(header Content-MD5)" "$(md5_b64_of "$SRC/$CHILD.imgfile")" "Content-MD5"
check_eq "$(header Etag)" "$(sha1_of "$SRC/$CHILD.imgfile")" "file Etag"
check_eq "$(header Content-Length)" 9000 "file Content-Length"
req POST "/images/$CHILD?action=disable"
check_eq "$(json b.state)" disabled "disable"
req GET /images
check_eq "$(json 'b.map(i => i.uuid).join()')" "$ORIGIN" "disabled images are not listed by default"
req GET '/images?state=all&sort=published_at.desc&limit=1'
check_eq "$(json 'b.map(i => i.uuid).join()')" "$CHILD" "DC sorts before limiting"
req POST "/images/$CHILD?action=enable"
check_eq "$(json b.state)" active "enable"
req POST "/images/$CHILD?action=frobnicate"
check_error 422 InvalidParameter '"frobnicate" is not a valid action' "unknown action"
req POST "/images/$CHILD"
check_error 422 InvalidParameter 'no image "action" was specified' "no action"
req POST "/images/$MISSING?action=activate"
check_error 404 ResourceNotFound "image $MISSING not found" "activate unknown"
json_post "/images/$CHILD?action=update" '{"description": "the image API"}'
check_eq "$(json b.description)" "the image API" "update description"
json_post "/images/$CHILD?action=update" '{"state": "disabled"}'
check_error 422 ValidationFailed "invalid image update data: state" "update refused field"
req GET "/images?owner=$ADMIN&name=~api"
check_eq "$(json 'b.map(i => i.uuid).join()')" "$CHILD" "owner and ~name filters"
req GET '/images?channel=bogus'
check_status 200 "channel ignored in DC mode"
pass "activate, enable/disable, update, get, file"

# --- Path tricks never reach the disk -----------------------------------------------------------
touch "$TEST_DIR/marker"
for path in '/images/..%2F..%2Fevil/file?compression=gzip' '/images/%2E%2E/file?compression=gzip' \
  "/images/${CHILD^^}/file?compression=gzip" "/images/$CHILD%2F..%2F..%2Fevil/file?compression=gzip"; do
  req PUT "$path" --data-binary 'evil bytes'
  check_error 404 ResourceNotFound "$path does not exist" "PUT $path"
done
json_post '/images/..%2F..%2Fevil?action=import' '{"uuid": "../../evil"}'
check_error 404 ResourceNotFound "/images/..%2F..%2Fevil?action=import does not exist" "import with a path uuid"
[[ -z "$(find "$TEST_DIR" -newer "$TEST_DIR/marker" -name '*evil*')" ]] || fail "a path trick wrote a file"
[[ -z "$(find "$DATA" -mindepth 1 -newer "$TEST_DIR/marker")" ]] || fail "data dir changed: $(find "$DATA" -newer "$TEST_DIR/marker")"
check_eq "$(ls "$DATA" | tr '\n' ' ')" "files manifests " "data dir layout"
pass "path tricks get 404 and write nothing"

# --- CreateImage and endpoints this server does not offer -------------------------------------------
json_post /images "{\"v\": 2, \"owner\": \"$ADMIN\", \"name\": \"custom\", \"version\": \"1\", \"type\": \"other\", \"os\": \"other\"}"
check_status 200 CreateImage
created=$(json b.uuid)
[[ "$created" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] || fail "created uuid: $created"
check_eq "$(json 'b.state + " " + b.published_at')" "unactivated undefined" "created image"
json_post /images "{\"v\": 2, \"owner\": \"$ADMIN\", \"name\": \"custom\", \"state\": \"active\"}"
check_error 422 ValidationFailed 'invalid image data: "state"' "CreateImage with state"
json_post /images "{\"v\": 2, \"owner\": \"$UNSET\", \"name\": \"custom\", \"version\": \"1\", \"type\": \"other\", \"os\": \"other\"}"
check_error 422 OwnerDoesNotExist "owner \"$UNSET\" does not exist" "CreateImage owner check"
req DELETE "/images/$created"
check_status 204 "delete created image"
json_post "/images/$OTHER?action=import&source=https://updates.tritondatacenter.com" '{}'
check_error 501 NotAvailable "" "import from a source"
req PUT "/images/$CHILD/icon" --data-binary 'x'
check_error 501 NotAvailable "image icons are not supported by this server" "AddImageIcon"
req GET "/images/$CHILD/jobs"
check_error 501 NotAvailable "" "ListImageJobs"
pass "CreateImage; unsupported endpoints are 501"

# --- Garbage on the wire never stops the server --------------------------------------------------
port=${URL##*:}
for _ in $(seq 1 20); do
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  head -c 300 /dev/urandom >&3 || true
  exec 3>&-
done
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'PUT /images/%s/file?compression=gzip HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n' "$CHILD" >&3
exec 3>&-
req PUT "/images/$CHILD/file?compression=gzip" -H 'Content-Length: abc' --data-binary 'x'
[[ "$STATUS" =~ ^4 ]] || fail "bad Content-Length: HTTP $STATUS"
req GET "/images/$CHILD/file" -H 'Range: bytes=zz'
check_status 416 "malformed Range (httplib)"
check_eq "$(json b.code)" RequestedRangeNotSatisfiableError "malformed Range code"
req GET /ping
check_status 200 "alive after garbage"
req GET "/images/$CHILD"
check_eq "$(json 'JSON.stringify(b.files.map(f => f.sha1))')" "[\"$(sha1_of "$SRC/$CHILD.imgfile")\"]" "file unchanged by garbage"
pass "garbage requests"

# --- Delete -----------------------------------------------------------------------------------
req DELETE "/images/$ORIGIN"
check_error 422 ImageHasDependentImages "image \"$ORIGIN\" has 1 dependent incremental image(s): $CHILD" "delete an origin"
import $OTHER
req DELETE "/images/$OTHER"
check_status 204 "delete unactivated"
check_eq "$(stat -c %s "$TEST_DIR/body")" 0 "204 has no body"
req GET "/images/$OTHER"
check_status 404 "deleted"
pass "delete"

# --- Restart keeps the state ----------------------------------------------------------------
kill -TERM "$dc_PID"
rc=0
wait "$dc_PID" || rc=$?
check_eq "$rc" 0 "SIGTERM exit code"
start_server dc2 --mode dc --data "$DATA"
URL=$dc2_URL
req GET '/images?state=all'
check_eq "$(json 'b.map(i => i.uuid + ":" + i.state).join()')" "$ORIGIN:active,$CHILD:active" "state after restart"
req GET "/images/$CHILD"
check_eq "$(json b.description)" "the image API" "update survived the restart"
req GET "/images/$ORIGIN/file"
check_eq "$(header Content-MD5)" "$(md5_b64_of "$SRC/$ORIGIN.imgfile")" "file after restart"
req DELETE "/images/$CHILD"
check_status 204 "delete child"
req DELETE "/images/$ORIGIN"
check_status 204 "delete origin"
check_eq "$(ls "$DATA/files" "$DATA/manifests" | tr -d '\n')" "$DATA/files:$DATA/manifests:" "delete removed the files"
pass "restart on the same data directory"

# --- Concurrent imports and uploads ------------------------------------------------------------
for i in $(seq 1 8); do
  u=eeeeeeee-0000-4000-8000-00000000000$i
  make_image "$SRC" "$u" "par$i" 1.0 "2025-02-0${i}T00:00:00Z" '["dev"]' 200000
done
for i in $(seq 1 8); do
  (
    u=eeeeeeee-0000-4000-8000-00000000000$i
    curl -sS -f -o /dev/null -X POST -H 'Content-Type: application/json' \
      --data-binary @"$SRC/$u.imgmanifest" "$URL/images/$u?action=import&skip_owner_check=true" &&
      curl -sS -f -o /dev/null -T "$SRC/$u.imgfile" "$URL/images/$u/file?compression=gzip&sha1=$(sha1_of "$SRC/$u.imgfile")" &&
      curl -sS -f -o /dev/null -X POST "$URL/images/$u?action=activate"
  ) &
done
wait_rc=0
for job in $(jobs -p); do
  [[ " ${_harness_pids[*]} " == *" $job "* ]] && continue
  wait "$job" || wait_rc=$?
done
check_eq "$wait_rc" 0 "parallel import/upload/activate"
req GET /images
check_eq "$(json 'b.length')" 8 "8 images after parallel imports"
for i in 1 8; do
  u=eeeeeeee-0000-4000-8000-00000000000$i
  req GET "/images/$u/file"
  check_eq "$(sha1_of "$TEST_DIR/body")" "$(sha1_of "$SRC/$u.imgfile")" "parallel upload $i intact"
done
pass "concurrent requests"

# --- Fault knobs on uploads -----------------------------------------------------------------
start_server dcf --mode dc --data "$TEST_DIR/data-faults" \
  --fault 'status=500,method=PUT,path=/images/*/file,count=2' --fault 'cut=5000,method=PUT,nth=3'
URL=$dcf_URL
import $ORIGIN
add_file $ORIGIN
check_error 500 InternalError "injected fault (--fault status=500,method=PUT,path=/images/*/file,count=2)" "PUT fault 1"
add_file $ORIGIN
check_status 500 "PUT fault 2"
rc=0
curl -sS -o /dev/null -T "$SRC/$ORIGIN.imgfile" "$URL/images/$ORIGIN/file?compression=gzip" 2>/dev/null || rc=$?
[[ $rc -ne 0 ]] || fail "cut upload: curl succeeded"
req GET "/images/$ORIGIN"
check_eq "$(json 'JSON.stringify(b.files)')" "[]" "cut upload: no file"
check_eq "$(ls "$TEST_DIR/data-faults/files")" "" "cut upload: no temp file"
add_file $ORIGIN
check_status 200 "faults exhausted: upload works"
pass "fault knobs on uploads"
