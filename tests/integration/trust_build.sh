#!/usr/bin/env bash
# build --key/--root signs the bundle as it is written (a bad key fails before anything is
# downloaded or written); a split bundle is signed with a detached NAME.sdc.sig (the slot's
# part keeps its hash) and verifies by its parts list or first part.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"

make_catalog "$TEST_DIR/catalog"
start_server up "$TEST_DIR/catalog"
cd "$TEST_DIR"
# SOURCE_DATE_EPOCH (build_helpers) is in the past: keep the bundles unexpired.
export SOURCE_DATE_EPOCH=$(date +%s)
for k in alice bob carol; do "$BIN" key generate -o $k.pem >/dev/null 2>&1 || fail "key $k"; done
"$BIN" trust init --signer alice.pub --signer bob.pub --signer carol.pub --threshold 2 \
  --key alice.pem --key bob.pem -o root1.json >/dev/null 2>&1 || fail "trust init"
"$BIN" trust rotate root1.json --remove-key alice.pub --key alice.pem --key bob.pem \
  --key carol.pem -o root2.json >/dev/null 2>&1 || fail "trust rotate"

# A bad key: refused before the build downloads or writes anything.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null
expect_exit 9 "$BIN" build -S "$up_URL" imgapi --cache-dir cache -o bad.sdc --key rsa.pem
[[ -e bad.sdc || -e cache ]] && fail "a failed signing left a bundle or a download behind"
expect_exit 0 "$BIN" build -S "$up_URL" imgapi --cache-dir cache -o a.sdc --key bob.pem \
  --key carol.pem --root root2.json -j
check_eq "$(jsonf last.out 'b.signatures.length')" 2 "build -j lists the signatures"
expect_exit 0 "$BIN" verify -j a.sdc --trust root1.json
check_eq "$(jsonf last.out 'b.trust.root_version + " " + b.signers.length')" "2 2" "built bundle verifies"
expect_exit 0 "$BIN" verify a.sdc --trust root2.json
pass "build --key --root signs while writing; a bad key fails before any download (exit 9)"

# A split build signed while building: the slot is inside part 001, hashed after signing.
expect_exit 0 "$BIN" build -S "$up_URL" imgapi --cache-dir cache -o s.sdc --split-size 1M --key bob.pem --key carol.pem
expect_exit 0 "$BIN" verify s.sdc.parts.json --trust root1.json
# Signing a split bundle afterwards writes NAME.sdc.sig and leaves every part as it was.
expect_exit 0 "$BIN" build -S "$up_URL" imgapi --cache-dir cache -o p.sdc --split-size 1M
sha256sum p.sdc.0* p.sdc.parts.json >before.sums
expect_exit 30 "$BIN" verify p.sdc.parts.json --trust root1.json
expect_exit 0 "$BIN" sign p.sdc.parts.json --key bob.pem
expect_in last.err "detached" "says the signature is detached"
[[ -s p.sdc.sig ]] || fail "no p.sdc.sig"
expect_exit 0 "$BIN" sign p.sdc.001 --key carol.pem
sha256sum -c --quiet before.sums || fail "signing changed a part"
expect_exit 0 "$BIN" verify p.sdc.parts.json --trust root1.json
expect_exit 0 "$BIN" verify -j p.sdc.001 --trust root1.json
check_eq "$(jsonf last.out 'b.trust.document')" "p.sdc.sig" "the split bundle's detached signature"
cat p.sdc.0* | "$BIN" verify - --trust root1.json --sig p.sdc.sig >/dev/null 2>&1 ||
  fail "joined parts through a pipe do not verify"
pass "split bundles: signed while building, or afterwards with a detached p.sdc.sig (parts unchanged)"
