# Helpers for tests/integration/build_*.sh and inspect_verify*.sh (sourced after
# tests/lib/harness.sh, which has check_eq and jsonf): a sample catalog served as the
# updates server, and what a bundle, a server log and a cache hold.

BIN="$SDCB_BIN/sdcadm-bundle"
export SOURCE_DATE_EPOCH=1764072000   # 2025-11-25T12:00:00Z: reproducible bundles

# make_catalog DIR [SCALE]: a sample catalog (seed 1, the one docs/examples/inventory.json
# describes).
make_catalog() {
  "$SDCB_BIN/sample-catalog" -o "$1" --scale "${2:-8M}" -q || fail "sample-catalog $1"
}

# index_members BUNDLE: every tar entry the index implies, in order, one per line.
index_members() {
  "$BIN" inspect -j "$1" >"$TEST_DIR/members.json" || fail "inspect $1"
  printf 'bundle.json\nbundle.sig\n'
  jsonf "$TEST_DIR/members.json" 'b.index.members.map(m => m.name).join("\n")'
  echo
}

# file_requests LOG: how many image files the server sent (status 200).
file_requests() {
  grep -c '"msg":"GET /images/[0-9a-f-]*/file[^"]* 200"' "$1" || true
}

# cached_files DIR: complete files in a cache (not sidecars, not temp files).
cached_files() {
  find "$1" -type f -regex '.*/files/../[0-9a-f]*' 2>/dev/null | wc -l
}

# expect_in FILE TEXT WHAT: FILE contains TEXT.
expect_in() {
  grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "$3: no \"$2\" in $1"; }
}
