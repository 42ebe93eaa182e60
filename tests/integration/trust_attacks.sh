#!/usr/bin/env bash
# Every attack of issue 4 through `sdcadm-bundle verify --trust`, each refused with its own
# exit code and a message that says why: no root (37), unsigned (30), unknown key (31), below
# threshold and one key counted twice (32), expired bundle (33, --allow-expired lets it
# through), root chain gap and bad root signature (35), a key removed by rotation (31),
# signatures of another bundle in the slot or beside it, and a signature that does not match
# the index (36), malformed signature JSON (9). Rotation itself is accepted. Rollback needs
# the installer's remembered state: unit_signing covers it (and the installer's tests will).
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"
MTB="$SDCB_BIN/make-test-bundle"
cd "$TEST_DIR"

for k in alice bob carol dave erin; do "$BIN" key generate -o $k.pem >/dev/null 2>&1 || fail "key $k"; done
id() { "$BIN" key id "$1.pub"; }
"$BIN" trust init --signer alice.pub --signer bob.pub --signer carol.pub --threshold 2 \
  --key alice.pem --key bob.pem -o root1.json >/dev/null 2>&1 || fail "trust init"
head -c 3000000 /dev/urandom >payload
now=$(date +%s)
bundle() {  # bundle NAME [MTIME]: a fresh unsigned bundle, its own (the name is a member)
  echo "$1" >"$1.name"
  "$MTB" write -o "$1" --mtime "${2:-$now}" data/payload.bin=payload "data/name=$1.name" >/dev/null ||
    fail "bundle $1"
}
slot() {  # slot BUNDLE: the JSON in its signature slot
  mkdir -p "x-$1" && (cd "x-$1" && tar --zstd -xf "../$1" bundle.sig) && tr -d ' ' <"x-$1/bundle.sig"
}

bundle a.sdc
expect_exit 37 "$BIN" verify a.sdc --trust missing-root.json
expect_in last.err "no trust root at missing-root.json" "no root message"
expect_exit 30 "$BIN" verify a.sdc --trust root1.json
"$BIN" sign a.sdc --key dave.pem --key erin.pem >/dev/null
expect_exit 31 "$BIN" verify a.sdc --trust root1.json
expect_in last.err "$(id dave)" "unknown key named"
bundle b.sdc
"$BIN" sign b.sdc --key alice.pem --key dave.pem >/dev/null
expect_exit 32 "$BIN" verify b.sdc --trust root1.json
expect_in last.err "2 of 3 signers required by trust root v1, 1 valid: alice" "threshold message"
# One key counted twice: alice's signature entry duplicated in the slot.
bundle c.sdc
"$BIN" sign c.sdc --key alice.pem >/dev/null
twice=$(slot c.sdc | jq -c '.signatures += .signatures')
"$MTB" sign c.sdc "$twice" || fail "rewrite slot"
expect_exit 32 "$BIN" verify c.sdc --trust root1.json
pass "no root 37, unsigned 30, unknown key 31, below threshold 32, one key twice 32"

# --- expiry ----------------------------------------------------------------------------------
bundle old.sdc $((now - 100 * 86400))          # built 100 days ago, expired after 90
"$BIN" sign old.sdc --key alice.pem --key bob.pem >/dev/null
expect_exit 33 "$BIN" verify old.sdc --trust root1.json
expect_in last.err "expired on" "expiry message"
expect_exit 0 "$BIN" verify old.sdc --trust root1.json --allow-expired
expect_in last.err "allow-expired" "override warned"
pass "expired bundle 33; --allow-expired accepts it with a warning"

# --- mix-and-match and changed signatures -------------------------------------------------------
bundle d.sdc
"$BIN" sign d.sdc --key alice.pem --key bob.pem >/dev/null
expect_exit 0 "$BIN" verify d.sdc --trust root1.json
bundle e.sdc
"$MTB" sign e.sdc "$(slot d.sdc)" || fail "copy slot"
expect_exit 36 "$BIN" verify e.sdc --trust root1.json
expect_in last.err "another bundle" "mix-and-match message"
bundle f.sdc
"$BIN" sign d.sdc --key alice.pem --detached >/dev/null
cp d.sdc.sig f.sdc.sig
expect_exit 36 "$BIN" verify f.sdc --trust root1.json
expect_exit 36 "$BIN" sign f.sdc --key bob.pem --detached
# alice's signature replaced by bob's bytes: the signature no longer matches bundle.json.
swapped=$(slot d.sdc | jq -c '.signatures[0].sig = .signatures[1].sig')
cp d.sdc g.sdc && "$MTB" sign g.sdc "$swapped"
expect_exit 36 "$BIN" verify g.sdc --trust root1.json
expect_in last.err "does not match bundle.json" "changed-index message"
cp d.sdc h.sdc && "$MTB" sign h.sdc '{"signatures":[' 
expect_exit 9 "$BIN" verify h.sdc --trust root1.json
pass "mix-and-match slot and detached 36, signature not matching the index 36, malformed JSON 9"

# --- rotation: v2 drops alice, adds dave, 2 of {bob, carol, dave} --------------------------------
expect_exit 35 "$BIN" trust rotate root1.json --remove-key alice.pub --add-key dave.pub \
  --key dave.pem --key carol.pem -o root2.json
expect_in last.err "previous root v1 needs 2" "rotate names the missing side"
expect_exit 0 "$BIN" trust rotate root1.json --remove-key "$(id alice)" --add-key dave.pub \
  --key bob.pem --key carol.pem --key dave.pem -o root2.json
expect_exit 0 "$BIN" trust show root2.json --prev root1.json -j
check_eq "$(jsonf last.out 'b.rotation.accepted + " " + b.version')" "true 2" "rotation accepted"
bundle r.sdc
"$BIN" sign r.sdc --key carol.pem --key dave.pem --root root2.json >/dev/null
expect_exit 0 "$BIN" verify -j r.sdc --trust root1.json
check_eq "$(jsonf last.out 'b.trust.root_version + " " + b.trust.root_is_newer')" "2 true" "carried root accepted"
# alice was removed by the rotation: her signature (even with bob's) does not count.
bundle s.sdc
"$BIN" sign s.sdc --key alice.pem --root root2.json >/dev/null
expect_exit 31 "$BIN" verify s.sdc --trust root1.json
expect_exit 31 "$BIN" verify s.sdc --trust root2.json
"$BIN" sign s.sdc --key bob.pem >/dev/null
expect_exit 32 "$BIN" verify s.sdc --trust root1.json
pass "rotation accepted (old and new thresholds), bundle carries root v2; removed key 31/32"

# --- bad root chains ---------------------------------------------------------------------------
"$BIN" trust rotate root2.json --threshold 3 --key bob.pem --key carol.pem \
  --key dave.pem -o root3.json >/dev/null 2>&1 || fail "rotate to v3"
bundle t.sdc
"$BIN" sign t.sdc --key bob.pem --key carol.pem --key dave.pem --root root3.json >/dev/null
expect_exit 35 "$BIN" verify t.sdc --trust root1.json             # v2 missing: a gap
expect_in last.err "v2 is missing" "gap message"
expect_exit 0 "$BIN" verify t.sdc --trust root2.json
# A carried root whose signed part was changed after signing (threshold lowered to 1).
forged=$(slot r.sdc | jq -c '.roots[0].signed.threshold = 1')
cp r.sdc u.sdc && "$MTB" sign u.sdc "$forged"
expect_exit 35 "$BIN" verify u.sdc --trust root1.json
expect_in last.err "not signed well enough" "bad root signature message"
# sign refuses to carry a root that is not signed by its own threshold.
"$BIN" trust rotate root2.json --add-key erin.pub --key bob.pem \
  --partial -o half.json >/dev/null 2>&1 || fail "partial rotate"
expect_exit 35 "$BIN" sign t.sdc --key bob.pem --root half.json
pass "root chain gap 35, forged carried root 35, sign refuses an incomplete root 35"
