# Helpers for tests/integration/install_stage_import*.sh (sourced after tests/lib/harness.sh
# and build_helpers.bash): a bundle built from the sample catalog, and a bare headnode root
# with a DC-mode IMGAPI (no sdcadm: stage and import need none).

INSTALL="$SDCB_SOURCE/installer"   # for messages only
INST="$SDCB_BIN/sdcadm-install"

# make_release_keys: the release team's key (KEYS/alice.pem) and a 1-of-1 trust root
# (KEYS/root.json), once per test. KEYS=$TEST_DIR/keys.
KEYS="$TEST_DIR/keys"
make_release_keys() {
  [[ -e "$KEYS/root.json" ]] && return 0
  mkdir -p "$KEYS"
  "$BIN" key generate -o "$KEYS/alice.pem" >/dev/null 2>&1 || fail "key generate"
  "$BIN" trust init --signer "$KEYS/alice.pub" --threshold 1 --key "$KEYS/alice.pem" \
    -o "$KEYS/root.json" >/dev/null 2>&1 || fail "trust init"
}

# trust_dc HN: the DC trusts the release team's root.
trust_dc() {
  make_release_keys
  "$SDCB_BIN/sdcadm-install" --root "$1" trust init "$KEYS/root.json" >/dev/null || fail "sdcadm-install trust init"
}

# make_bundle OUT.sdc [SCALE]: sample catalog -> updates server -> `build --all`, signed by
# the release key (expiring in 10 years: SOURCE_DATE_EPOCH is fixed in the past).
make_bundle() {
  make_release_keys
  make_catalog "$TEST_DIR/catalog" "${2:-8M}"
  start_server up "$TEST_DIR/catalog" --log-file "$TEST_DIR/up.log"
  "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" -o "$1" --no-progress -j \
    --key "$KEYS/alice.pem" --expires-in 3650 \
    >"$TEST_DIR/build.json" 2>"$TEST_DIR/build.err" || { cat "$TEST_DIR/build.err" >&2; fail "build $1"; }
  "$BIN" inspect -j "$1" >"$TEST_DIR/inspect.json" || fail "inspect $1"
}

# make_root HN [SERVER ARGS...]: the headnode tree stage/import use, and a DC IMGAPI
# (server name "dc", data in HN/imgapi-data) named in HN/usbkey/config.
make_root() {
  local hn=$1; shift
  mkdir -p "$hn"/usbkey/images "$hn"/usbkey/extra/agents "$hn"/usbkey/os "$hn"/mnt/usbkey \
    "$hn"/var/sdcadm "$hn"/var/run "$hn"/var/log
  trust_dc "$hn"
  start_dc "$hn" "$@"
}

# start_dc HN [SERVER ARGS...]: (re)starts the DC IMGAPI over HN/imgapi-data.
start_dc() {
  local hn=$1; shift
  start_server dc --mode dc --data "$hn/imgapi-data" --log-file "$TEST_DIR/dc.log" "$@"
  printf 'datacenter_name=sim-1\ndns_domain=example.com\nimgapi_domain=%s\n' "${dc_URL#http://}" \
    >"$hn/usbkey/config"
}

stop_dc() {
  kill "$dc_PID" 2>/dev/null || true
  wait "$dc_PID" 2>/dev/null || true
}

# dc_count STATE: images of the DC IMGAPI in STATE (all, active, unactivated ...).
dc_count() {
  curl -sf "$dc_URL/images?state=$1" >"$TEST_DIR/dc_list.json" || fail "list $1 images"
  jsonf "$TEST_DIR/dc_list.json" 'b.length'
}

# staged_files HN: regular files under HN/usbkey and the installer's manifests dir (not the
# DC's trust root, nor the DC key trust init makes).
staged_files() {
  find "$1/usbkey" "$1/var/sdcadm" -type f 2>/dev/null | grep -v '/usbkey/config$' |
    grep -v '/var/sdcadm/install/dc-key\.p[eu][mb]$' |
    grep -v '/var/sdcadm/trust/' | sort
}

# temp_files HN: temp files the installer writes before renaming.
temp_files() {
  find "$1" -name '*.sdcadm-install-tmp' 2>/dev/null | wc -l
}

# bundle_images: uuids of the bundle's artifacts that go into IMGAPI (not platform).
bundle_images() {
  jsonf "$TEST_DIR/inspect.json" \
    '[...new Set(b.index.artifacts.filter(a => a.role !== "platform" && a.role !== "installer").map(a => a.uuid))].sort().join("\n")'
}
