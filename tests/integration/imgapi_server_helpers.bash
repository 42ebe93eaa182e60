# Helpers for tests/integration/imgapi_server_*.sh (sourced after tests/lib/harness.sh,
# which has check_eq, jsonf, sha1_of and make_image).
# Requests go through curl; JSON is read with node (installed by scripts/setup.sh).

# req METHOD PATH [CURL ARGS...]: one request to $URL. Sets STATUS; the body is in
# $TEST_DIR/body and the response headers in $TEST_DIR/hdr.
req() {
  local method=$1 path=$2
  shift 2
  STATUS=$(curl -sS --path-as-is -o "$TEST_DIR/body" -D "$TEST_DIR/hdr" -w '%{http_code}' \
    -X "$method" "$URL$path" "$@") || STATUS="curl-failed-$?"
}

# json EXPR: a JavaScript expression over the last body `b` (jsonf of tests/lib/harness.sh).
json() { jsonf "$TEST_DIR/body" "$1"; }

# header NAME: a header of the last response (first one, no CR).
header() {
  grep -i "^$1:" "$TEST_DIR/hdr" | head -1 | cut -d' ' -f2- | tr -d '\r'
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
