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
