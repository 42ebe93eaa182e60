#!/usr/bin/env bash
# Interop: a bundle written by bundles::write_bundle (through the test-only driver
# make-test-bundle) is an ordinary zstd-compressed tar for stock tools: `zstd -t`,
# `zstd -dc | tar -t`, `tar --zstd` and `bsdtar` list exactly bundle.json, bundle.sig and
# the index's members, in order, and extract the sources byte for byte; rewriting the
# signature slot in place keeps all of that true; equal inputs give equal bytes for any
# thread count; split parts join back into the bundle.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too

mtb="$SDCB_BIN/make-test-bundle"
[[ -x "$mtb" ]] || fail "missing $mtb (build the make-test-bundle target)"
for tool in zstd tar bsdtar sha256sum cmp; do
  command -v "$tool" >/dev/null || fail "this test needs $tool"
done
cd "$TEST_DIR"

uuid=6261c204-e75d-11e3-91fa-a311fd4ab601
mkdir src
printf '{"artifacts": []}\n' > src/changelog.json
printf '{"v": 2, "uuid": "%s", "name": "ca"}\n' "$uuid" > src/manifest.json
head -c $((3 * 1048576 + 777)) /dev/urandom > src/image.zfs.gz   # 4 chunks of 1 MiB
head -c 2000000 < <(yes 'compressible line of an image') > src/text.img  # 2 chunks
: > src/empty
printf '#!/bin/sh\necho installer\n' > src/sdcadm-install

members=(
  "changelog.json=src/changelog.json"
  "images/$uuid.imgmanifest=src/manifest.json"
  "images/$uuid.imgfile=src/image.zfs.gz"
  "images/00000000-0000-4000-8000-000000000002.imgfile=src/text.img"
  "images/00000000-0000-4000-8000-000000000003.imgfile=src/empty"
  "installer/sdcadm-install=src/sdcadm-install"
)
names=(bundle.json bundle.sig)
for m in "${members[@]}"; do names+=("${m%%=*}"); done
printf '%s\n' "${names[@]}" > expected.list

write() {  # write OUT THREADS
  "$mtb" write -o "$1" --threads "$2" --chunk-size 1048576 --mtime 1764072000 \
    --mode installer/sdcadm-install=755 "${members[@]}" >/dev/null
}

# check_stock_tools BUNDLE: every stock reader lists and extracts the members.
check_stock_tools() {
  local b=$1
  zstd -q -t "$b" || fail "zstd -t refuses $b"
  zstd -q -dc "$b" | tar -tf - > zstd-tar.list || fail "zstd -dc | tar -t failed"
  tar --zstd -tf "$b" > tar.list || fail "tar --zstd -tf failed"
  bsdtar -tf "$b" > bsdtar.list || fail "bsdtar -tf failed"
  for l in zstd-tar.list tar.list bsdtar.list; do
    diff -u expected.list "$l" >&2 || fail "$l does not list exactly the index's members"
  done
  rm -rf x y && mkdir x y
  tar --zstd -xf "$b" -C x || fail "tar --zstd -xf failed"
  bsdtar -xf "$b" -C y || fail "bsdtar -xf failed"
  local m name src
  for m in "${members[@]}"; do
    name=${m%%=*} src=${m#*=}
    for d in x y; do
      [[ "$(sha256sum < "$d/$name")" == "$(sha256sum < "$src")" ]] ||
        fail "$d/$name differs from $src"
    done
  done
  [[ $(stat -c %a x/installer/sdcadm-install) == 755 ]] || fail "installer mode is not 755"
  [[ $(stat -c %a x/changelog.json) == 644 ]] || fail "member mode is not 644"
  [[ $(stat -c %s x/bundle.sig) == 65536 ]] || fail "bundle.sig is not 65536 bytes"
  grep -q '"format": "sdcadm-bundle"' x/bundle.json || fail "bundle.json is not the index"
  tar --zstd -tvf "$b" | awk '{print $2}' | sort -u | grep -qx 'root/root' ||
    fail "owners are not root/root"
  [[ $(tar --zstd -tvf "$b" | awk '{print $2}' | sort -u | wc -l) == 1 ]] ||
    fail "owners differ between members"
}

write b.sdc 2
check_stock_tools b.sdc
[[ "$(head -c 16 x/bundle.sig)" == '{"signatures":[]' ]] || fail "fresh slot is not empty"
pass "zstd, tar --zstd and bsdtar read the bundle and list exactly the index's members"

# Timestamps come from --mtime (SOURCE_DATE_EPOCH), for every member.
[[ $(TZ=UTC tar --zstd -tvf b.sdc --full-time | awk '{print $4 "T" $5}' | sort -u) == \
   "2025-11-25T12:00:00" ]] || fail "member times are not the given mtime"
pass "every member carries the given time stamp"

cp b.sdc before.sdc
sig='{"signatures":[{"keyid":"'$(printf 'a%.0s' {1..64})'","sig":"AAAA"}]}'
"$mtb" sign b.sdc "$sig" || fail "rewriting the slot failed"
check_stock_tools b.sdc
[[ "$(tr -d ' ' < x/bundle.sig)" == "$sig" ]] || fail "bundle.sig does not hold the new JSON"
[[ $(stat -c %s b.sdc) == $(stat -c %s before.sdc) ]] || fail "size changed on signing"
[[ $(cmp -l before.sdc b.sdc | wc -l) -le 65536 ]] || fail "signing changed more than the slot"
expect_exit 24 "$mtb" sign b.sdc "$(head -c 65537 /dev/zero | tr '\0' x)"
pass "after rewriting the signature slot in place, stock tools still read the bundle"

write t1.sdc 1
write t4.sdc 4
cmp t1.sdc t4.sdc || fail "1 and 4 threads give different bytes"
cmp t1.sdc before.sdc || fail "two builds of the same inputs differ"
pass "equal inputs give byte-identical bundles for 1, 2 and 4 threads"

"$mtb" split t1.sdc 1000000 || fail "split failed"
[[ -f t1.sdc.parts.json && -f t1.sdc.001 ]] || fail "split wrote no parts"
cat t1.sdc.0* | cmp - t1.sdc || fail "cat t1.sdc.0* does not give the bundle back"
for p in t1.sdc.0*; do
  [[ $(stat -c %s "$p") -le 1000000 ]] || fail "$p is larger than the split size"
  grep -q "$(sha256sum < "$p" | cut -d' ' -f1)" t1.sdc.parts.json || fail "$p hash not listed"
done
expect_exit 2 "$mtb" split t1.sdc 4294967296
grep -q FAT32 "$TEST_DIR/last.err" || fail "no FAT32 hint for a 4 GiB split size"
pass "split parts join back into the bundle and are listed with their hashes"

# A truncated bundle is refused by the stock tools too (nothing in the format hides it).
head -c $(( $(stat -c %s t4.sdc) / 2 )) t4.sdc > cut.sdc
if zstd -q -t cut.sdc 2>/dev/null; then fail "zstd -t accepts a truncated bundle"; fi
pass "zstd -t refuses a truncated bundle"
