#!/usr/bin/env bash
# Keys, roots and signing through the real binary: key generate (0600, refuses to
# overwrite), key ids equal to openssl's, openssl-made keys accepted, the stock
# `openssl pkeyutl -verify -rawin` checks a bundle signature extracted with tar; k-of-n in
# two signing sessions; signing rewrites only the 64 KiB slot; detached .sig; bad key files.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"
MTB="$SDCB_BIN/make-test-bundle"
cd "$TEST_DIR"

# --- keys ------------------------------------------------------------------------------------
expect_exit 0 "$BIN" key generate -o alice.pem
id_alice=$(cat last.out)
[[ $(stat -c %a alice.pem) == 600 ]] || fail "private key mode $(stat -c %a alice.pem)"
[[ -s alice.pub ]] || fail "no alice.pub"
check_eq "$(openssl pkey -pubin -in alice.pub -outform DER | sha256sum | cut -c1-64)" "$id_alice" "key id = openssl's"
expect_exit 0 "$BIN" key id alice.pem
check_eq "$(cat last.out)" "$id_alice" "key id of the private key"
cp alice.pem alice.keep
expect_exit 11 "$BIN" key generate -o alice.pem
cmp -s alice.pem alice.keep || fail "an existing key was replaced"
expect_exit 0 "$BIN" key generate -o alice.pem --force
cmp -s alice.pem alice.keep && fail "--force did not replace the key"
id_alice=$("$BIN" key id alice.pub)
for k in bob carol; do expect_exit 0 "$BIN" key generate -o $k.pem; done
# A key made with the stock CLI.
openssl genpkey -algorithm ed25519 -out dave.pem 2>/dev/null
openssl pkey -in dave.pem -pubout -out dave.pub 2>/dev/null
check_eq "$("$BIN" key id dave.pub)" "$(openssl pkey -pubin -in dave.pub -outform DER | sha256sum | cut -c1-64)" "openssl key id"
pass "key generate (0600, no overwrite, --force), key id = openssl's, openssl keys load"

# --- bad key files: 9 with a reason, 10 when missing -------------------------------------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem 2>/dev/null
openssl genpkey -algorithm ed25519 -aes-256-cbc -pass pass:x -out enc.pem 2>/dev/null
printf -- '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' >bad.pem
expect_exit 9 "$BIN" key id rsa.pem;  expect_in last.err "is an RSA key" "RSA refused"
expect_exit 9 "$BIN" key id ec.pem;   expect_in last.err "is an EC key" "EC refused"
expect_exit 9 "$BIN" key id enc.pem;  expect_in last.err "encrypted" "encrypted refused"
expect_exit 9 "$BIN" key id bad.pem;  expect_in last.err "not a PEM" "malformed refused"
expect_exit 10 "$BIN" key id none.pem
pass "RSA, EC, encrypted, malformed key files: exit 9 with the reason; missing: 10"

# --- a trust root, 2 of 3 ------------------------------------------------------------------------
expect_exit 35 "$BIN" trust init --signer alice.pub --signer bob.pub --signer carol.pub --threshold 2 \
  --key alice.pem -o root.json
[[ -e root.json ]] && fail "an unaccepted root was written"
expect_exit 0 "$BIN" trust init --signer alice.pub --signer bob.pub --signer carol.pub --threshold 2 \
  --key alice.pem --partial -o root.json
expect_exit 0 "$BIN" trust sign root.json --key bob.pem
expect_in last.out "complete" "root complete after a second session"
expect_exit 0 "$BIN" trust show -j root.json
check_eq "$(jsonf last.out 'b.self_valid + " " + b.version + " " + b.threshold')" "true 1 2" "trust show"
# The signed bytes are jq -cjS .signed and openssl checks alice's root signature over them.
jq -cjS .signed root.json >signed.bin
jq -r --arg id "$id_alice" '.signatures[] | select(.keyid == $id) | .sig' root.json | base64 -d >root.sig
openssl pkeyutl -verify -pubin -inkey alice.pub -rawin -in signed.bin -sigfile root.sig >/dev/null ||
  fail "openssl does not verify the root signature"
pass "trust init (refused below threshold, --partial), trust sign in a second session, openssl checks the root"

# --- sign a bundle in two sessions; the stock openssl verifies ----------------------------------
head -c 20000000 /dev/urandom >payload
"$MTB" write -o x.sdc --mtime "$(date +%s)" --chunk-size 4194304 data/payload.bin=payload >/dev/null
expect_exit 30 "$BIN" verify x.sdc --trust root.json
expect_in last.err "not signed" "unsigned message"
expect_exit 0 "$BIN" verify x.sdc
expect_in last.out "signatures were not checked" "plain verify says so"
cp x.sdc before.sdc
start=$(date +%s%N)
expect_exit 0 "$BIN" sign x.sdc --key alice.pem
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_exit 32 "$BIN" verify x.sdc --trust root.json
expect_in last.err "2 of 3 signers required by trust root v1, 1 valid: alice" "threshold message"
expect_exit 0 "$BIN" sign x.sdc --key carol.pem
expect_exit 0 "$BIN" sign x.sdc --key carol.pem        # again: replaced, not counted twice
expect_exit 0 "$BIN" verify -j x.sdc --trust root.json
check_eq "$(jsonf last.out 'b.signers.map(s => s.name).join(",") + " " + b.signatures_checked')" "alice,carol true" "signers"
check_eq "$(jsonf last.out 'b.trust.threshold')" 2 "threshold in -j"
# Only the slot changed: every differing byte lies in one 64 KiB window.
{ cmp -l before.sdc x.sdc || true; } | awk 'NR==1{lo=$1} {hi=$1} END{ if (NR == 0 || hi - lo >= 65536) exit 1 }' ||
  fail "signing changed bytes outside the signature slot"
[[ $(stat -c %s before.sdc) == $(stat -c %s x.sdc) ]] || fail "signing changed the file size"
mkdir ex && (cd ex && tar --zstd -xf ../x.sdc bundle.json bundle.sig)
jsonf ex/bundle.sig 'b.signatures[0].sig' | base64 -d >sig0.bin
openssl pkeyutl -verify -pubin -inkey alice.pub -rawin -in ex/bundle.json -sigfile sig0.bin >/dev/null ||
  fail "openssl pkeyutl does not verify the bundle signature"
check_eq "$(jsonf ex/bundle.sig 'b.index_sha256')" "$(sha256sum ex/bundle.json | cut -c1-64)" "index_sha256"
pass "sign in two sessions (2 of 3), only the slot rewritten (${ms} ms), openssl pkeyutl verifies"

# --- inspect shows signers; verifies only with --trust --------------------------------------------
expect_exit 0 "$BIN" inspect x.sdc
expect_in last.out "$id_alice" "inspect lists signer ids"
expect_in last.out "not checked" "inspect without --trust"
expect_exit 0 "$BIN" inspect -j x.sdc --trust root.json
check_eq "$(jsonf last.out 'b.signature_documents[0].signatures.map(s => s.status).join(",") + " " + b.trust.ok')" "good,good true" "inspect --trust"

# --- detached signatures, openssl-made key -------------------------------------------------------
"$MTB" write -o y.sdc --mtime "$(date +%s)" data/payload.bin=payload >/dev/null
cp y.sdc y.before
expect_exit 0 "$BIN" sign y.sdc --key alice.pem --detached
cmp -s y.sdc y.before || fail "--detached changed the bundle"
[[ -s y.sdc.sig ]] || fail "no y.sdc.sig"
expect_exit 32 "$BIN" verify y.sdc --trust root.json
expect_exit 0 "$BIN" sign y.sdc --key bob.pem --detached
expect_exit 0 "$BIN" verify -j y.sdc --trust root.json
check_eq "$(jsonf last.out 'b.trust.document')" "y.sdc.sig" "the detached file was used"
expect_exit 0 "$BIN" verify - --trust root.json --sig y.sdc.sig <y.sdc
expect_exit 0 "$BIN" inspect y.sdc
expect_in last.out "in the y.sdc.sig" "inspect lists the detached file"
# dave's key (openssl-made) is not in the root: unknown key.
"$MTB" write -o z.sdc --mtime "$(date +%s)" data/payload.bin=payload >/dev/null
expect_exit 0 "$BIN" sign z.sdc --key dave.pem
expect_exit 31 "$BIN" verify z.sdc --trust root.json
expect_in last.err "$("$BIN" key id dave.pub)" "unknown key id named"
pass "detached .sig (2 sessions, verify and verify -), openssl key signs, unknown key refused (31)"
