# Shared helpers for integration tests and the demo. Source it from bash:
#   source "$SDCB_SOURCE/tests/lib/harness.sh"
# Every test gets a scratch directory (removed on success, kept and named on failure)
# and every server it starts is stopped on exit.
set -euo pipefail

SDCB_SOURCE=${SDCB_SOURCE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SDCB_BIN=${SDCB_BIN:-$SDCB_SOURCE/build/bin}

_harness_pids=()
_harness_failed=0
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sdcb-test.XXXXXX")
# sdcadm-bundle's log (docs/logs.md) stays in the scratch directory, not in the user's home.
export XDG_STATE_HOME="$TEST_DIR/state"

_harness_cleanup() {
  local rc=$?
  local pid
  for pid in "${_harness_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${_harness_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $rc -eq 0 && $_harness_failed -eq 0 ]]; then
    rm -rf "$TEST_DIR"
  else
    echo "test data left in $TEST_DIR" >&2
  fi
}
trap _harness_cleanup EXIT

fail() { echo "FAIL: $*" >&2; _harness_failed=1; exit 1; }
pass() { echo "ok: $*"; }

# start_server NAME ARGS...: runs "sdcadm-bundle serve ARGS --listen 127.0.0.1:0" in the
# background and sets ${NAME}_URL and ${NAME}_PID once the server is listening.
start_server() {
  local name=$1; shift
  local port_file="$TEST_DIR/$name.port"
  rm -f "$port_file"
  "$SDCB_BIN/sdcadm-bundle" serve "$@" --listen 127.0.0.1:0 --port-file "$port_file" \
    >"$TEST_DIR/$name.log" 2>&1 &
  local pid=$!
  _harness_pids+=("$pid")
  local i
  for i in $(seq 1 200); do
    if [[ -s "$port_file" ]]; then
      printf -v "${name}_URL" 'http://127.0.0.1:%s' "$(cat "$port_file")"
      printf -v "${name}_PID" '%s' "$pid"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$TEST_DIR/$name.log" >&2; fail "server $name exited"; }
    sleep 0.05
  done
  fail "server $name did not start listening"
}

# expect_exit CODE CMD...: runs CMD, fails the test unless it exits with CODE.
expect_exit() {
  local want=$1; shift
  local got=0
  "$@" >"$TEST_DIR/last.out" 2>"$TEST_DIR/last.err" || got=$?
  if [[ $got -ne $want ]]; then
    cat "$TEST_DIR/last.out" "$TEST_DIR/last.err" >&2
    fail "expected exit $want, got $got: $*"
  fi
}

# check_eq GOT WANT WHAT: fails the test unless GOT is WANT.
check_eq() {
  [[ "$1" == "$2" ]] || fail "$3: got '$1', expected '$2'"
}

sha1_of() { sha1sum "$1" | cut -d' ' -f1; }

# jsonf FILE EXPR: a JavaScript expression over the JSON in FILE (`b`); strings print raw,
# other values as JSON (node is installed by the project's setup).
jsonf() {
  node -e '
    const fs = require("fs");
    const b = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const v = new Function("b", "return (" + process.argv[2] + ")")(b);
    process.stdout.write(typeof v === "string" ? v : v === undefined ? "undefined" : JSON.stringify(v));' "$1" "$2"
}

# make_image DIR UUID NAME VERSION PUBLISHED_AT CHANNELS_JSON SIZE [ORIGIN] [EXTRA_FIELDS]:
# one catalog pair as `sdcadm-bundle serve DIR` reads it: DIR/UUID.imgfile with SIZE random
# bytes and DIR/UUID.imgmanifest, the manifest in API form as an updates server has it.
# ORIGIN ("" = none) sets "origin"; EXTRA_FIELDS is JSON members ending in a comma, added
# before "tags" (e.g. '"description": "x", "icon": true,').
make_image() {
  local dir=$1 uuid=$2 name=$3 version=$4 published=$5 channels=$6 size=$7 origin=${8:-}
  local extra=${9:-}
  head -c "$size" /dev/urandom >"$dir/$uuid.imgfile"
  local sha1
  sha1=$(sha1_of "$dir/$uuid.imgfile")
  local origin_field=""
  [[ -z "$origin" ]] || origin_field="\"origin\": \"$origin\","
  cat >"$dir/$uuid.imgmanifest" <<EOM
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
  $extra
  "tags": {"smartdc_service": true},
  "channels": $channels
}
EOM
}
