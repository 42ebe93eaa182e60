# Helpers for tests/integration/imgapi_server_*.sh (sourced after tests/lib/harness.sh).
# Requests go through curl; JSON is read with node (installed by scripts/setup.sh).

# req METHOD PATH [CURL ARGS...]: one request to $URL. Sets STATUS; the body is in
# $TEST_DIR/body and the response headers in $TEST_DIR/hdr.
req() {
  local method=$1 path=$2
  shift 2
  STATUS=$(curl -sS --path-as-is -o "$TEST_DIR/body" -D "$TEST_DIR/hdr" -w '%{http_code}' \
    -X "$method" "$URL$path" "$@") || STATUS="curl-failed-$?"
}

# json EXPR: a JavaScript expression over the last body `b`; strings print raw, others as JSON.
json() {
  node -e '
    const fs = require("fs");
    const b = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const v = new Function("b", "return (" + process.argv[2] + ")")(b);
    process.stdout.write(typeof v === "string" ? v : v === undefined ? "undefined" : JSON.stringify(v));' "$TEST_DIR/body" "$1"
}

# header NAME: a header of the last response (first one, no CR).
header() {
  grep -i "^$1:" "$TEST_DIR/hdr" | head -1 | cut -d' ' -f2- | tr -d '\r'
}

check_eq() {
  [[ "$1" == "$2" ]] || fail "$3: got '$1', expected '$2'"
}

check_status() {
  [[ "$STATUS" == "$1" ]] || fail "$2: HTTP $STATUS, expected $1; body: $(cat "$TEST_DIR/body" 2>/dev/null)"
}

# check_error STATUS CODE MESSAGE WHAT: an IMGAPI error reply (MESSAGE "" = not checked).
check_error() {
  check_status "$1" "$4"
  check_eq "$(json b.code)" "$2" "$4: code"
  [[ -z "$3" ]] || check_eq "$(json b.message)" "$3" "$4: message"
}

sha1_of() { sha1sum "$1" | cut -d' ' -f1; }
md5_b64_of() { openssl md5 -binary <"$1" | base64; }
body_md5_b64() { md5_b64_of "$TEST_DIR/body"; }

# The Etag IMGAPI gives a single-object reply: sha1 of JSON.stringify(body).
body_etag() {
  node -e '
    const fs = require("fs"), crypto = require("crypto");
    const b = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    process.stdout.write(crypto.createHash("sha1").update(JSON.stringify(b)).digest("hex"));' \
    "$TEST_DIR/body"
}

# make_image DIR UUID NAME VERSION PUBLISHED_AT CHANNELS_JSON SIZE [ORIGIN]: a catalog
# image with SIZE random bytes, its manifest in API form as the updates server has it.
make_image() {
  local dir=$1 uuid=$2 name=$3 version=$4 published=$5 channels=$6 size=$7 origin=${8:-}
  head -c "$size" /dev/urandom >"$dir/$uuid.imgfile"
  local sha1
  sha1=$(sha1_of "$dir/$uuid.imgfile")
  local origin_field=""
  [[ -z "$origin" ]] || origin_field="\"origin\": \"$origin\","
  cat >"$dir/$uuid.imgmanifest" <<EOF
{
  "v": 2,
  "uuid": "$uuid",
  "owner": "00000000-0000-0000-0000-000000000000",
  "name": "$name",
  "version": "$version",
  "state": "active",
  "disabled": false,
  "public": false,
  "published_at": "$published",
  "type": "zone-dataset",
  "os": "smartos",
  "files": [{"sha1": "$sha1", "size": $size, "compression": "gzip"}],
  $origin_field
  "tags": {"smartdc_service": true},
  "channels": $channels
}
EOF
}
