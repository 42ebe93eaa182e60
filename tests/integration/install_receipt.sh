#!/usr/bin/env bash
# The signed install receipt (issue 13 part 3, docs/receipt.md): trust init makes the DC key
# (0600), an apply on a DC without one makes it; every apply writes a receipt that
# `sdcadm-bundle receipt verify` and stock tar + openssl check; a byte changed anywhere in it
# and the wrong DC key are refused; a trimmed build from the receipt equals one from
# `sdcadm-install inventory` on the same DC.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
setup_dc
KEYDIR="$HN/var/sdcadm/install"

# --- the DC key: trust init made it, 0600, its id printed and exportable ----------------------------
[[ -f "$KEYDIR/dc-key.pem" && -f "$KEYDIR/dc-key.pub" ]] || fail "trust init made no DC key"
check_eq "$(stat -c %a "$KEYDIR/dc-key.pem")" 600 "the DC's private key is 0600"
DC_ID=$(openssl pkey -pubin -in "$KEYDIR/dc-key.pub" -outform DER | sha256sum | cut -d' ' -f1)
expect_exit 0 inst trust show
expect_in last.out "DC key $DC_ID" "trust show names the DC key"
expect_exit 0 inst trust dc-key -o dc.pub
cmp -s dc.pub "$KEYDIR/dc-key.pub" || fail "trust dc-key -o writes the public key"
expect_exit 11 inst trust dc-key -o dc.pub
"$BIN" key generate -o other.pem >/dev/null 2>&1 || fail "key generate"
pass "trust init made the DC key (0600); trust show and trust dc-key name and export it"

# --- a DC set up before receipts: the next apply makes the key, and says so ------------------------
# This run installs a bundle of imgapi alone (built an hour "earlier", so that b.sdc stays the
# newer bundle for the freeze window below): the DC stays behind on every other image, so the
# builds trimmed by the receipt and by the inventory (below) still carry most of the catalog.
SOURCE_DATE_EPOCH=$(( ${SOURCE_DATE_EPOCH:-$(date +%s)} - 3600 )) "$BIN" build -S "$up_URL" imgapi --cache-dir "$TEST_DIR/cache" \
  -o small.sdc --no-progress --key "$KEYS/alice.pem" --expires-in 3650 >small.log 2>&1 ||
  { cat small.log >&2; fail "build small.sdc"; }
BUNDLE_ID=$("$BIN" inspect -j small.sdc | jq -r .index.bundle_id)
rm "$KEYDIR/dc-key.pem" "$KEYDIR/dc-key.pub"
echo '[{"service": "imgapi"}]' >spec.json
expect_exit 0 inst apply -y -f spec.json small.sdc
expect_in last.out "Created this DC's receipt key" "apply says it made the key"
check_eq "$(stat -c %a "$KEYDIR/dc-key.pem")" 600 "the key apply made is 0600"
[[ "$(openssl pkey -pubin -in "$KEYDIR/dc-key.pub" -outform DER | sha256sum | cut -d' ' -f1)" != "$DC_ID" ]] ||
  fail "a new key has the old id"
expect_exit 0 inst trust dc-key -o dc2.pub
DC_ID=$(openssl pkey -pubin -in dc2.pub -outform DER | sha256sum | cut -d' ' -f1)
pass "apply on a DC without a key makes one (0600) and says so"

# --- the receipt: listed, exported, checked with stock tools -----------------------------------------
expect_exit 0 inst receipt list -j
check_eq "$(jsonf last.out 'b.receipts.length + " " + b.receipts[0].outcome + " " + b.receipts[0].bundle_id + " " + b.receipts[0].intact')" \
  "1 ok $BUNDLE_ID true" "receipt list"
RUN=$(jsonf last.out 'b.receipts[0].run')
expect_exit 0 inst receipt --last -o r.receipt
expect_exit 11 inst receipt "$RUN" -o r.receipt
expect_exit 0 inst receipt "${RUN:0:8}" -o r2.receipt
cmp -s r.receipt r2.receipt || fail "receipt RUN-prefix and --last export the same file"
mkdir stock && (cd stock && tar -xf ../r.receipt) || fail "stock tar reads the receipt"
check_eq "$(cd stock && ls | tr '\n' ' ')" "inventory.json receipt.json receipt.sig " "receipt members"
jq -r '.signatures[0].sig' stock/receipt.sig | base64 -d >stock/sig.bin
openssl pkeyutl -verify -pubin -inkey dc2.pub -rawin -in stock/receipt.json -sigfile stock/sig.bin >stock/ossl.out ||
  fail "stock openssl does not verify the receipt"
check_eq "$(jq -r .index_sha256 stock/receipt.sig)" "$(sha256sum <stock/receipt.json | cut -d' ' -f1)" "receipt.sig binds receipt.json"
check_eq "$(jq -r .signatures[0].keyid stock/receipt.sig)" "$DC_ID" "receipt.sig names the DC key"
check_eq "$(jq -r .inventory.sha256 stock/receipt.json)" "$(sha256sum <stock/inventory.json | cut -d' ' -f1)" "receipt.json binds inventory.json"
check_eq "$(jq -r '.bundle.bundle_id + " " + .outcome + " " + (.exit_code|tostring) + " " + .run + " " + (.flags.yes|tostring) + " " + .flags.spec' stock/receipt.json)" \
  "$BUNDLE_ID ok 0 $RUN true spec.json" "receipt: bundle, outcome, run, flags"
check_eq "$(jq -r '.bundle.signers[0]' stock/receipt.json)" "$("$BIN" key id "$KEYS/alice.pub")" "receipt: the release key that signed the bundle"
cp stock/receipt.json stock/changed.json && sed -i '0,/"ok"/s//"OK"/' stock/changed.json
cmp -s stock/receipt.json stock/changed.json && fail "receipt.json was not changed"
openssl pkeyutl -verify -pubin -inkey dc2.pub -rawin -in stock/changed.json -sigfile stock/sig.bin >/dev/null 2>&1 &&
  fail "stock openssl accepts a changed receipt.json"
check_eq "$(jq -r .bundle.index_sha256 stock/receipt.json)" "$(tar --zstd -xOf small.sdc bundle.json | sha256sum | cut -d' ' -f1)" \
  "receipt: the bundle's index sha256"
check_eq "$(jq -r '[.steps[] | select(.state != "done")] | length' stock/receipt.json)" 0 "every step done"
check_eq "$(jq -cS '[.steps[] | {name, evidence}]' stock/receipt.json)" \
  "$(jq -cS '[.steps[] | {name, evidence}]' "$HN/var/sdcadm/install/journal/$BUNDLE_ID.json")" "the steps' evidence is the journal's"
check_eq "$(jq -r '[.steps[] | select(.evidence != null)] | length > 0' stock/receipt.json)" true "some step has evidence"
pass "apply wrote a receipt; stock tar, jq, sha256sum and openssl check it"

# --- the connected side: receipt verify; a byte changed anywhere, the wrong key ---------------------
expect_exit 0 "$BIN" receipt verify r.receipt --dc-key dc2.pub
cp last.out verify.txt
expect_in verify.txt "signed by DC key $DC_ID (verified)" "verify names the DC key"
expect_in verify.txt "bundle: $BUNDLE_ID" "verify prints the bundle"
expect_in verify.txt "outcome: ok (exit 0)" "verify prints the outcome"
expect_in verify.txt "  stage: done, attempts 1" "verify prints the steps"
expect_in verify.txt "evidence: instances" "verify prints a step's evidence"
expect_in verify.txt "inventory after the run: " "verify summarises the inventory"
expect_exit 0 "$BIN" receipt verify r.receipt --dc-key dc2.pub -j
check_eq "$(jsonf last.out 'b.ok + " " + b.dc_key + " " + b.content.run + " " + b.inventory.datacenter')" "true $DC_ID $RUN sim-1" "verify -j"
expect_exit 31 "$BIN" receipt verify r.receipt --dc-key other.pub
expect_in last.err "not by the given DC key" "the wrong DC key is named"
expect_exit 31 "$BIN" receipt verify r.receipt --dc-key dc.pub   # the DC's earlier, lost key
# flip BYTE_OFFSET: one byte of a copy changed; every region of the file, each refused.
size=$(stat -c %s r.receipt)
json_at=$((512 + 20))                                    # inside receipt.json
hdr_at=100                                               # the first header (mode field)
inv_at=$(( $(grep -abo '"format": "sdcadm-inventory"' r.receipt | head -1 | cut -d: -f1) + 12 ))
sig_at=$(( $(grep -abo '"sig":"' r.receipt | head -1 | cut -d: -f1) + 10 ))
tail_at=$((size - 10))                                   # the end-of-archive zero blocks
for at in $json_at $hdr_at $inv_at $sig_at $tail_at; do
  cp r.receipt t.receipt
  printf '%s' "$(dd if=r.receipt bs=1 skip="$at" count=1 2>/dev/null | tr 'A-Za-z0-9\000' 'B-Za-z0-9A\001')" |
    dd of=t.receipt bs=1 seek="$at" conv=notrunc 2>/dev/null
  cmp -s r.receipt t.receipt && fail "byte $at did not change"
  expect_exit 36 "$BIN" receipt verify t.receipt --dc-key dc2.pub
  expect_in last.err "not an intact install receipt" "byte $at changed: refused"
done
cp r.receipt t.receipt && printf 'x' >>t.receipt
expect_exit 36 "$BIN" receipt verify t.receipt --dc-key dc2.pub
head -c $((size - 1024)) r.receipt >t.receipt
expect_exit 36 "$BIN" receipt verify t.receipt --dc-key dc2.pub
(cd stock && tar --format=ustar -cf ../retar.receipt receipt.json inventory.json receipt.sig)
expect_exit 0 "$BIN" receipt verify retar.receipt --dc-key dc2.pub   # the members are what is signed
expect_exit 36 "$BIN" receipt verify stock/inventory.json --dc-key dc2.pub
pass "receipt verify prints the run; a byte changed anywhere is 36, another key 31"

# --- a trimmed build from the receipt equals one from sdcadm-install inventory on the same DC --------
expect_exit 0 inst inventory -o now.json
trim_time=$(( ${SOURCE_DATE_EPOCH:-$(date +%s)} + 120 ))  # both builds at one time: equal inputs, equal indexes
trim_build() {  # OUT INVENTORY-ARGS...
  local out=$1; shift
  SOURCE_DATE_EPOCH=$trim_time "$BIN" build -S "$up_URL" --all "$@" --cache-dir "$TEST_DIR/cache" \
    -o "$out" --no-progress >"$out.log" 2>&1 || { cat "$out.log" >&2; fail "trimmed build $out"; }
  "$BIN" inspect -j "$out" >"$out.json" || fail "inspect $out"
}
trim_build from-receipt.sdc --inventory r.receipt --dc-key dc2.pub
trim_build from-inventory.sdc --inventory now.json
same_index() {  # the index without the inventory's digest (its created time differs) and the ids
  jsonf "$1" 'JSON.stringify(Object.assign({}, b.index, {trim: {datacenter: b.index.trim.datacenter},
    bundle_id: null, content_id: null}))'
}
check_eq "$(same_index from-receipt.sdc.json)" "$(same_index from-inventory.sdc.json)" "the two trimmed indexes"
n_trim=$(jsonf from-receipt.sdc.json 'b.index.artifacts.length') n_all=$(jsonf inspect.json 'b.index.artifacts.length')
(( n_trim < n_all )) || fail "the build from the receipt was not trimmed ($n_trim of $n_all artifacts)"
(( n_trim * 2 > n_all )) || fail "the DC should lack most of the catalog, but the trimmed build has $n_trim of $n_all artifacts"
check_eq "$(jsonf from-receipt.sdc.json 'b.index.trim.inventory_sha256')" "$(jq -r .inventory.sha256 stock/receipt.json)" \
  "a build from a receipt records the digest of the receipt's inventory"
cmp -s <(tar --zstd -tvf from-receipt.sdc | grep -v bundle) <(tar --zstd -tvf from-inventory.sdc | grep -v bundle) ||
  fail "the two trimmed bundles have different members"
expect_exit 2 "$BIN" build -S "$up_URL" --all --inventory r.receipt --cache-dir "$TEST_DIR/cache" -o x.sdc -n
expect_in last.err "give the DC's public key with --dc-key" "a receipt without --dc-key is refused"
expect_exit 31 "$BIN" build -S "$up_URL" --all --inventory r.receipt --dc-key other.pub --cache-dir "$TEST_DIR/cache" -o x.sdc -n
cp r.receipt t.receipt && printf 'X' | dd of=t.receipt bs=1 seek=$json_at conv=notrunc 2>/dev/null
expect_exit 36 "$BIN" build -S "$up_URL" --all --inventory t.receipt --dc-key dc2.pub --cache-dir "$TEST_DIR/cache" -o x.sdc -n
[[ ! -e x.sdc ]] || fail "a refused receipt built a bundle"
pass "build --inventory RECEIPT --dc-key trims as the inventory does; unverified receipts are refused"

# --- a run that fails on a step has a receipt too: outcome, exit code, the step's error -------------
FAKE_SDCADM_FAIL=up:moray expect_exit 42 inst apply -y b.sdc
expect_in last.out "Receipt $KEYDIR/receipts/" "a failed run says where its receipt is"
expect_exit 0 inst receipt list -j
check_eq "$(jsonf last.out 'b.receipts.length + " " + b.receipts[1].outcome + " " + b.receipts[1].exit_code')" "2 failed 42" \
  "receipt list: the failed run"
expect_exit 0 inst receipt --last -o failed.receipt -j
check_eq "$(jsonf last.out 'b.outcome + " " + b.dc_key')" "failed $DC_ID" "receipt --last -j"
expect_exit 0 "$BIN" receipt verify failed.receipt --dc-key dc2.pub -j
check_eq "$(jsonf last.out 'b.content.stopped_at + " " + b.content.steps.find((s) => s.name === "up-moray").state + " " + b.content.steps.find((s) => s.name === "up-moray").this_run')" \
  "up-moray failed failed" "the failed receipt: where it stopped"
jsonf last.out 'b.content.steps.find((s) => s.name === "up-moray").error' | grep -q "sdcadm" ||
  fail "the failed step's error is in the receipt"
check_eq "$(jsonf last.out 'b.content.flags.spec')" "null" "no -f this time"
# A receipt changed on the headnode is not exported.
f=$(ls "$KEYDIR"/receipts/*.receipt | head -1)
printf 'X' | dd of="$f" bs=1 seek=600 conv=notrunc 2>/dev/null
expect_exit 36 inst receipt "$RUN" -o changed.receipt
[[ ! -e changed.receipt ]] || fail "a changed receipt was exported"
expect_exit 0 inst receipt list
expect_in last.out "$RUN  NOT INTACT" "receipt list names the changed receipt"
pass "a failed run's receipt: outcome, exit code, the failed step; a receipt changed on the DC is not exported"

# --- a damaged DC key costs the receipt, not the install -----------------------------------------------
cp "$KEYDIR/dc-key.pem" saved-key.pem
echo "not a key" >"$KEYDIR/dc-key.pem"
expect_exit 0 inst apply -y b.sdc
expect_in last.err "warning: no install receipt was written" "a damaged key: the missing receipt is said"
check_eq "$(ls "$KEYDIR"/receipts/*.receipt | wc -l)" 2 "a damaged key: no receipt written"
cmp -s "$KEYDIR/dc-key.pem" <(echo "not a key") || fail "a damaged DC key was replaced"
pass "a damaged DC key: the install goes on, without a receipt, and says so; the key file is left for the operator"
