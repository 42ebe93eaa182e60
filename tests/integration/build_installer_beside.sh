#!/usr/bin/env bash
# The installer beside the bundle (issue 15 item 2; docs/trust.md §4a): build --installer
# writes DIR/sdcadm-install (the bytes the bundle carries) and one DIR/sdcadm-install.KEYID12.sig
# per --key; stock openssl verifies each with that key's public half and fails on a flipped
# byte; an existing file is refused without --force (exit 11, like the bundle); `sign` adds the
# next signer's file and refuses an installer that is not the carried one (exit 36).
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"

# The binary delivered: the portable one once it is built, else the ordinary one.
INSTALLER=${SDCB_DELIVER_INSTALLER:-}
if [[ -z "$INSTALLER" ]]; then
  INSTALLER=$SDCB_BIN/sdcadm-install
  [[ -x "$SDCB_BIN/../portable/sdcadm-install" ]] && INSTALLER=$SDCB_BIN/../portable/sdcadm-install
fi

make_catalog "$TEST_DIR/catalog"
start_server up "$TEST_DIR/catalog"
cd "$TEST_DIR"
export SOURCE_DATE_EPOCH=$(date +%s)
for k in alice bob carol; do "$BIN" key generate -o $k.pem >/dev/null 2>&1 || fail "key $k"; done
id12() { "$BIN" key id "$1" | cut -c1-12; }
"$BIN" trust init --signer alice.pub --signer bob.pub --signer carol.pub --threshold 2 \
  --key alice.pem --key bob.pem -o root.json >/dev/null 2>&1 || fail "trust init"

# openssl_ok SIG PUB FILE: stock openssl says the signature is good.
openssl_ok() { openssl pkeyutl -verify -pubin -inkey "$2" -rawin -in "$3" -sigfile "$1" >/dev/null 2>&1; }

# --- a 2-of-3 signed build: the installer and two signature files beside the bundle ---------
mkdir usb
# (--chunk-size 1G: the index's one chunk hash of the installer is then its whole-file SHA-256,
# even for a debug build over 64 MiB.)
expect_exit 0 "$BIN" build -S "$up_URL" imgapi --cache-dir cache -o usb/r.sdc --installer "$INSTALLER" \
  --key alice.pem --key bob.pem --chunk-size 1G
expect_in last.out "beside it: usb/sdcadm-install, usb/sdcadm-install.$(id12 alice.pub).sig, usb/sdcadm-install.$(id12 bob.pub).sig" \
  "the summary names the files beside the bundle"
cmp -s usb/sdcadm-install "$INSTALLER" || fail "usb/sdcadm-install is not the installer given"
[[ -x usb/sdcadm-install ]] || fail "usb/sdcadm-install is not executable"
check_eq "$(ls usb | sort | tr '\n' ' ')" \
  "$(printf '%s\n' r.sdc sdcadm-install "sdcadm-install.$(id12 alice.pub).sig" "sdcadm-install.$(id12 bob.pub).sig" | sort | tr '\n' ' ')" \
  "exactly the bundle, the installer and one signature per --key"
for k in alice bob; do
  openssl_ok "usb/sdcadm-install.$(id12 $k.pub).sig" $k.pub usb/sdcadm-install || fail "openssl rejects $k's signature"
done
openssl_ok "usb/sdcadm-install.$(id12 alice.pub).sig" carol.pub usb/sdcadm-install && fail "carol's key verified alice's signature"
# The bundle vouches for the same bytes: its signed index holds the installer's SHA-256.
"$BIN" inspect -j usb/r.sdc >inspect.json || fail "inspect"
check_eq "$(jsonf inspect.json 'b.index.members.find(m => m.name === "installer/sdcadm-install").sha256[0]')" \
  "$(sha256sum usb/sdcadm-install | cut -d' ' -f1)" "the index's hash of the carried installer"
pass "build --installer --key x2: sdcadm-install + 2 signature files; stock openssl verifies each"

# --- a flipped byte: openssl says no -------------------------------------------------------
cp usb/sdcadm-install flipped
printf '\x01' | dd of=flipped bs=1 seek=4000 conv=notrunc status=none
cmp -s flipped usb/sdcadm-install && fail "the byte did not flip"
openssl_ok "usb/sdcadm-install.$(id12 alice.pub).sig" alice.pub flipped && fail "openssl accepted a changed installer"
pass "a flipped byte in the installer makes openssl fail"

# --- no clobbering: an existing installer or signature is refused, --force replaces --------
mkdir other
cp usb/sdcadm-install other/sdcadm-install
expect_exit 11 "$BIN" build -S "$up_URL" imgapi --cache-dir cache -o other/r.sdc --installer "$INSTALLER" --key alice.pem
expect_in last.err "other/sdcadm-install already exists" "names the file beside"
[[ -e other/r.sdc ]] && fail "a refused build wrote a bundle"
touch "other/sdcadm-install.$(id12 carol.pub).sig"   # an earlier build's signature file
expect_exit 0 "$BIN" build -S "$up_URL" imgapi --cache-dir cache -o other/r.sdc --installer "$INSTALLER" --key alice.pem --force
openssl_ok "other/sdcadm-install.$(id12 alice.pub).sig" alice.pub other/sdcadm-install || fail "after --force"
[[ -e "other/sdcadm-install.$(id12 carol.pub).sig" ]] && fail "--force kept an earlier build's signature file"
pass "an existing installer beside the output is refused (exit 11) unless --force, which drops older .sig files"

# --- dry run names the files, writes none ---------------------------------------------------
mkdir dry
expect_exit 0 "$BIN" build -S "$up_URL" imgapi --cache-dir cache -o dry/r.sdc --installer "$INSTALLER" --key alice.pem -n
expect_in last.out "would write beside it: dry/sdcadm-install, dry/sdcadm-install.$(id12 alice.pub).sig" "-n names the files"
check_eq "$(ls dry | wc -l)" 0 "-n writes nothing"
pass "build -n says what would be written beside the bundle"

# --- sign: carol adds her signature to the bundle and the installer -------------------------
expect_exit 0 "$BIN" sign usb/r.sdc --key carol.pem
expect_in last.out "signed the installer beside it: usb/sdcadm-install.$(id12 carol.pub).sig" "sign says so"
openssl_ok "usb/sdcadm-install.$(id12 carol.pub).sig" carol.pub usb/sdcadm-install || fail "openssl rejects carol's"
check_eq "$(ls usb/*.sig | wc -l)" 3 "three signature files after sign"
# An installer that is not the carried one is never signed: exit 36 and nothing changes.
cp usb/r.sdc swapped.sdc
mkdir swap && mv swapped.sdc swap/r.sdc && cp flipped swap/sdcadm-install
sha256sum swap/r.sdc >swap.sum
expect_exit 36 "$BIN" sign swap/r.sdc --key carol.pem
expect_in last.err "is not the installer this bundle carries" "says why"
[[ -z "$(ls swap/*.sig 2>/dev/null)" ]] || fail "a signature was written for a foreign installer"
sha256sum -c --quiet swap.sum || fail "the bundle's slot changed although signing was refused"
pass "sign adds one signature file per key beside the carried installer; a foreign one is refused (36)"

# --- verify --trust checks what lies beside the bundle -------------------------------------
expect_exit 0 "$BIN" verify usb/r.sdc --trust root.json
grep "installer beside it:" last.out >beside.line || fail "verify says nothing of the installer beside the bundle"
expect_in beside.line "usb/sdcadm-install is the carried one, signed by" "verify checks the installer beside it"
for k in alice bob carol; do expect_in beside.line "$k ($(id12 $k.pub))" "verify names $k as a signer of the installer"; done
expect_in beside.line "(2 required)" "and the threshold"
# One signature file beside: the threshold is not met (32), as the operator's count would say.
mkdir one && cp usb/r.sdc usb/sdcadm-install "usb/sdcadm-install.$(id12 alice.pub).sig" one/
expect_exit 32 "$BIN" verify one/r.sdc --trust root.json
expect_in last.err "1 good signature file(s) of the 2 the trust root requires" "says how many"
# A signature file that is not its key's signature of the installer: 36, naming it.
cp "usb/sdcadm-install.$(id12 alice.pub).sig" "one/sdcadm-install.$(id12 bob.pub).sig"
expect_exit 36 "$BIN" verify one/r.sdc --trust root.json
expect_in last.err "one/sdcadm-install.$(id12 bob.pub).sig is not bob ($(id12 bob.pub))'s signature" "names the bad file"
# A changed installer: 36.
cp flipped swap/sdcadm-install && cp usb/r.sdc swap/r.sdc
expect_exit 36 "$BIN" verify swap/r.sdc --trust root.json
expect_in last.err "is not the installer this bundle carries" "a changed installer"
# Without --trust nothing beside is looked at (no root to count against).
expect_exit 0 "$BIN" verify swap/r.sdc
pass "verify --trust checks the installer beside the bundle: carried bytes (36), each signature (36), threshold (32)"
