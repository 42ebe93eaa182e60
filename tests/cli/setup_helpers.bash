# Helpers for the set-ups of golden cases (tests/cli/PROGRAM/CASE.setup), sourced by them:
#   source "$SDCB_SOURCE/tests/cli/setup_helpers.bash"
# They put every file under the case's $TMP (so paths print as <TMP>) and reuse the
# integration tests' helpers (tests/integration/*_helpers.bash) rather than copies.

# The integration helpers keep their files under $TEST_DIR: make that the case's $TMP.
rmdir "$TEST_DIR" 2>/dev/null || true
TEST_DIR=$TMP
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"    # BIN, make_catalog, SOURCE_DATE_EPOCH
source "$SDCB_SOURCE/tests/integration/install_helpers.bash"  # INST, KEYS, make_release_keys, make_bundle

# start_html_server NAME: a web server that is not an updates server: every request gets a
# 404 HTML page, as a mistyped URL pointing at a company web server would. Sets ${NAME}_URL.
start_html_server() {
  local name=$1 port_file="$TMP/$1.port"
  node -e '
    const http = require("http");
    const page = "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n" +
      "<body><h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p></body></html>\n";
    const s = http.createServer((req, res) => {
      res.writeHead(404, {"Content-Type": "text/html; charset=utf-8"});
      res.end(page);
    });
    s.listen(0, "127.0.0.1", () => require("fs").writeFileSync(process.argv[1], String(s.address().port)));
  ' "$port_file" >"$TMP/$name.log" 2>&1 &
  _harness_pids+=("$!")
  local i
  for i in $(seq 1 200); do
    if [[ -s "$port_file" ]]; then
      printf -v "${name}_URL" 'http://127.0.0.1:%s' "$(cat "$port_file")"
      return 0
    fi
    sleep 0.05
  done
  fail "html server $name did not start"
}

# make_signers NAME...: release keys TMP/signers/NAME.pem (with NAME.pub beside them).
make_signers() {
  mkdir -p "$TMP/signers"
  local name
  for name in "$@"; do
    "$BIN" key generate -o "$TMP/signers/$name.pem" >/dev/null 2>&1 || fail "key generate $name"
  done
}

# dc_with_bundle: the sample catalog's newest release as b.sdc (signed, in $TMP) and a
# simulated headnode on an older release that trusts its signer (HN, inst() as in
# tests/integration/install_apply_helpers.bash).
dc_with_bundle() {
  source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
  setup_dc
}
