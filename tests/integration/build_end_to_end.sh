#!/usr/bin/env bash
# `sdcadm-bundle build --all` against a sample catalog served by `sdcadm-bundle serve`, then
# inspect / verify / changelog on the result; stock tools list exactly the index's members;
# the same SOURCE_DATE_EPOCH gives byte-identical bundles (fresh vs warm cache, different
# --concurrency, different thread counts); -n writes nothing; an existing output is refused.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"

make_catalog "$TEST_DIR/catalog"
start_server up "$TEST_DIR/catalog" --log-file "$TEST_DIR/up.log"
cd "$TEST_DIR"

# --- -n: the plan, and nothing written --------------------------------------------------
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache1" -o a.sdc -n
expect_in last.out "dry run: nothing is downloaded or written" "dry run header"
expect_in last.out "download 56 file(s)" "dry run download count"
[[ ! -e cache1 && ! -e a.sdc ]] || fail "-n wrote something: $(ls)"
check_eq "$(file_requests up.log)" 0 "-n downloaded no file"
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache1" -n -j
cp last.out plan.json
check_eq "$(jsonf plan.json 'b.dry_run')" true "-n -j dry_run"
check_eq "$(jsonf plan.json 'b.artifacts.length')" 56 "-n -j artifacts"
check_eq "$(jsonf plan.json 'b.artifacts.every(a => a.cache === "download")')" true "nothing cached yet"
check_eq "$(jsonf plan.json 'b.output')" "sdc-dev-20251125T120000Z.sdc" "default output name"
estimate=$(jsonf plan.json 'b.estimated_size')
[[ ! -e cache1 ]] || fail "-n -j created the cache"
pass "dry run shows the plan and writes nothing"

# --- build --all, cold cache ------------------------------------------------------------
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache1" -o a.sdc --concurrency 4 -j
cp last.out a.json
check_eq "$(jsonf a.json 'b.downloaded.files + "," + b.cached.files')" "56,0" "cold cache downloads all"
check_eq "$(jsonf a.json 'b.artifacts')" 56 "artifacts"
check_eq "$(jsonf a.json 'b.roles["service-image"] > 0 && b.roles.origin > 0 && b.roles.agent > 0 && b.roles.platform === 1 && b.roles.sdcadm === 1 && b.roles.agentsshar === 1 && b.roles["gz-tools"] === 1')" true "roles"
size=$(stat -c %s a.sdc)
check_eq "$(jsonf a.json 'b.size')" "$size" "summary size"
# The dry run's estimate is close (images do not compress; manifests do a little).
(( estimate >= size && estimate < size + size / 10 )) || fail "estimate $estimate vs size $size"
check_eq "$(file_requests up.log)" 56 "one request per file"
# SOURCE_DATE_EPOCH (2025-11-25) + 90 days lies in the past: the build says so up front.
expect_in last.err "will be expired when it is written" "warning for an already expired bundle"
pass "build --all: 56 artifacts, every file downloaded once"

# --- stock tools list exactly the index's members -----------------------------------------
index_members a.sdc >want.txt
zstd -q -t a.sdc || fail "zstd -t"
tar --zstd -tf a.sdc >tar.txt || fail "tar --zstd -tf"
bsdtar -tf a.sdc >bsdtar.txt || fail "bsdtar -tf"
diff want.txt tar.txt || fail "tar lists other members than the index"
diff want.txt bsdtar.txt || fail "bsdtar lists other members than the index"
check_eq "$(wc -l <want.txt)" 115 "member count (index, sig, changelog, 56 pairs)"
mkdir x && (cd x && zstd -dc ../a.sdc | tar -xf -) || fail "zstd -d | tar -x"
for u in $(jsonf plan.json 'b.artifacts.map(a => a.uuid).join(" ")'); do
  # The manifest member is exactly what the server serves (IMGAPI order, channels).
  curl -sf "$up_URL/images/$u?channel=*" -H 'Accept-Version: ~2' -o served.json
  cmp -s "x/images/$u.imgmanifest" served.json || fail "manifest of $u differs from the server's"
  f=$(jsonf "x/images/$u.imgmanifest" 'b.files[0].sha1')
  [[ "$(sha1sum <"x/images/$u.imgfile" | cut -d' ' -f1)" == "$f" ]] || fail "file of $u: sha1"
done
pass "zstd -t, tar and bsdtar list the index's members; members are the server's bytes"

# --- inspect, verify, changelog -------------------------------------------------------------
expect_exit 0 "$BIN" inspect a.sdc
expect_in last.out "bundle id:  $(jsonf a.json 'b.bundle_id')" "inspect bundle id"
expect_in last.out "trim basis: none (a full bundle)" "inspect trim basis"
expect_in last.out "source:     $up_URL (channel dev)" "inspect source"
expect_in last.out "built:      2025-11-25T12:00:00Z by sdcadm-bundle" "inspect built"
expect_in last.out "expires 2026-02-23T12:00:00Z" "inspect expiry (90 days)"
expect_in last.out "sequence 1764072000" "inspect sequence"
expect_in last.out "service-image (" "inspect roles"
expect_in last.out "imgapi: (new) -> master-" "inspect changelog summary"
expect_exit 0 "$BIN" inspect -j a.sdc
cp last.out i.json
check_eq "$(jsonf i.json 'b.index.artifacts.filter(a => a.role === "platform")[0].stage_as.startsWith("/usbkey/extra/platforms/platform-master-")')" true "platform stage_as"
check_eq "$(jsonf i.json 'b.index.artifacts.filter(a => a.role === "agentsshar")[0].stage_as.startsWith("/usbkey/extra/agents/agents-")')" true "agentsshar stage_as"
check_eq "$(jsonf i.json 'b.index.artifacts.filter(a => a.role === "origin").every(a => a.stage_as === "/usbkey/images/" + a.uuid + ".imgfile")')" true "origin stage_as"
check_eq "$(jsonf i.json 'b.signatures')" 0 "unsigned"
check_eq "$(jsonf i.json 'b.index.members[0].name')" changelog.json "changelog first"
# Origins come before the images built on them (import order).
order=$(node -e '
  const fs = require("fs");
  const arts = JSON.parse(fs.readFileSync("i.json", "utf8")).index.artifacts;
  const pos = new Map(arts.map((a, i) => [a.uuid, i]));
  let checked = 0;
  arts.forEach((a, i) => {
    const m = JSON.parse(fs.readFileSync("x/images/" + a.uuid + ".imgmanifest", "utf8"));
    if (m.origin && pos.has(m.origin)) {
      if (pos.get(m.origin) > i) { console.log("BAD " + a.uuid); process.exit(0); }
      checked++;
    }
  });
  console.log("ok " + checked);')
[[ "$order" == ok* && "$order" != "ok 0" ]] || fail "origin order: $order"
expect_exit 0 "$BIN" verify a.sdc --threads 2
expect_in last.out "ok: a.sdc: 113 members" "verify"
expect_exit 0 "$BIN" verify -j a.sdc
check_eq "$(jsonf last.out 'b.ok + " " + b.members')" "true 113" "verify -j"
"$BIN" verify - <a.sdc >stdin.out 2>&1 || fail "verify - from a file: $(cat stdin.out)"
cat a.sdc | "$BIN" verify - -j >pipe.json 2>/dev/null || fail "verify - from a pipe"
check_eq "$(jsonf pipe.json 'b.ok + " " + b.streamed')" "true true" "streamed verify"
expect_exit 0 "$BIN" changelog a.sdc imgapi manatee
expect_in last.out "imgapi: (new) -> master-" "changelog imgapi"
expect_in last.out "sdc-postgres: (new) -> master-" "changelog by service name (manatee)"
expect_exit 0 "$BIN" changelog -j a.sdc binder
check_eq "$(jsonf last.out 'b.artifacts.map(a => a.name).join()')" manta-nameservice "changelog -j binder"
expect_exit 10 "$BIN" changelog a.sdc no-such-thing
expect_in last.err "it has: " "changelog lists what there is"
pass "inspect, verify (file, stdin, pipe) and changelog"

# --- reproducibility: warm cache, other concurrency, other compression threads -------------
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache1" -o b.sdc --concurrency 1 -j
check_eq "$(jsonf last.out 'b.downloaded.files + "," + b.cached.files')" "0,56" "warm cache downloads nothing"
check_eq "$(file_requests up.log)" 56 "no new file request"
cmp a.sdc b.sdc || fail "warm-cache build differs"
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache2" -o c.sdc --concurrency 7 --no-progress
cmp a.sdc c.sdc || fail "fresh-cache build with --concurrency 7 differs"
pass "byte-identical bundles from fresh and warm caches at concurrency 1, 4, 7"

# --- the output is never silently replaced ------------------------------------------------
expect_exit 11 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache1" -o a.sdc
expect_in last.err "a.sdc already exists" "conflict message"
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache1" -o a.sdc --force
cmp a.sdc b.sdc || fail "--force rebuild differs"
pass "existing output refused (exit 11) unless --force"

# --- usage errors -------------------------------------------------------------------------
expect_exit 2 "$BIN" build -S "$up_URL" --cache-dir "$TEST_DIR/cache1"
expect_in last.err "SERVICE" "nothing selected"
expect_exit 2 "$BIN" build -S "$up_URL" --all --split-size 4G -n
expect_in last.err "4000M" "split size hint"
expect_exit 2 "$BIN" build -S "$up_URL" --all --split-size 1.5G -n
SOURCE_DATE_EPOCH=yesterday expect_exit 2 "$BIN" build -S "$up_URL" --all -n
expect_in last.err "SOURCE_DATE_EPOCH" "bad SOURCE_DATE_EPOCH"
expect_exit 2 "$BIN" build --all
pass "usage errors exit 2 and name the fix"
