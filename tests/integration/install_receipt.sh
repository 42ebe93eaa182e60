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
rm "$KEYDIR/dc-key.pem" "$KEYDIR/dc-key.pub"
expect_exit 0 inst apply -y b.sdc
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
check_eq "$(jq -r '.bundle.bundle_id + " " + .outcome + " " + (.exit_code|tostring) + " " + .run + " " + (.flags.yes|tostring)' stock/receipt.json)" \
  "$BUNDLE_ID ok 0 $RUN true" "receipt: bundle, outcome, run, flags"
check_eq "$(jq -r .bundle.index_sha256 stock/receipt.json)" "$(tar --zstd -xOf b.sdc bundle.json | sha256sum | cut -d' ' -f1)" \
  "receipt: the bundle's index sha256"
check_eq "$(jq -r '[.steps[] | select(.state != "done")] | length' stock/receipt.json)" 0 "every step done"
check_eq "$(jq -r '[.steps[] | select(.name == "up-services")][0].evidence.check // "none"' stock/receipt.json)" \
  "$(jq -r '[.steps[] | select(.name == "up-services")][0].evidence.check // "none"' "$HN/var/sdcadm/install/journal/$BUNDLE_ID.json")" \
  "a step's evidence is the journal's"
pass "apply wrote a receipt; stock tar, jq, sha256sum and openssl check it"
