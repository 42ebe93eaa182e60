#!/usr/bin/env bash
# The demo, end to end on one machine (everything on 127.0.0.1, cleaned up at the end):
#  1. generate the sample Triton catalog (every core service, agents, platform, sdcadm ...)
#  2. serve it as an updates server (channels experimental, dev, staging, release, support)
#  3. look at it through our IMGAPI client
#  4. make the release team's keys and a 2-of-3 trust root
#  5. build a bundle of the release channel (resolve, download, pack), signed twice
#  6. inspect, changelog and verify the bundle against the root; stock tar and zstd read it too
#  7. serve the bundle itself as a read-only updates-server mirror
#  8. import one service image with its whole origin chain into a DC-mode IMGAPI, oldest first,
#     the way the installer (issue 5, not built yet) will
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh >/dev/null

bin=$PWD/build/bin
work=$(mktemp -d /tmp/sdcb-demo.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
serve() {  # serve NAME ARGS...: start a server in the background, set $url to its URL
  local name=$1; shift
  "$bin/sdcadm-bundle" serve "$@" --listen 127.0.0.1:0 --port-file "$work/$name.port" \
    >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do [[ -s "$work/$name.port" ]] && break; sleep 0.05; done
  [[ -s "$work/$name.port" ]] || { cat "$work/$name.log" >&2; exit 1; }
  url="http://127.0.0.1:$(cat "$work/$name.port")"
}

step "1. sample Triton catalog (256 MiB, seed 1)"
"$bin/sample-catalog" -o "$work/catalog" --scale 256M --seed 1

step "2. updates server over the catalog"
serve updates "$work/catalog"; updates=$url
echo "updates server: $updates"
"$bin/imgapi-cli" -S "$updates" ping
"$bin/imgapi-cli" -S "$updates" channels

step "3. what the release channel has for a few services (client: Accept-Version ~2, every page)"
for name in imgapi mantav2-nameservice manta-nameservice sdcadm; do
  "$bin/imgapi-cli" -S "$updates" -C release list name="$name"
done

step "4. the release team's keys and trust root: 2 of 3 signatures required"
for k in alice bob carol; do "$bin/sdcadm-bundle" key generate -o "$work/$k.pem"; done
"$bin/sdcadm-bundle" trust init --key "$work/alice.pub" --key "$work/bob.pub" \
  --key "$work/carol.pub" --threshold 2 --sign-key "$work/alice.pem" --sign-key "$work/bob.pem" \
  -o "$work/root.json"
"$bin/sdcadm-bundle" trust show "$work/root.json"

step "5. build a bundle of everything on the release channel, signed by alice"
# Today at 00:00 UTC: the same inputs give the same bytes all day (and the bundle's 90-day
# expiry counts from today).
export SOURCE_DATE_EPOCH=$(date -u -d "$(date -u +%F)" +%s)
"$bin/sdcadm-bundle" build -S "$updates" -C release --all --cache-dir "$work/cache" -n
"$bin/sdcadm-bundle" build -S "$updates" -C release --all --cache-dir "$work/cache" \
  -o "$work/release.sdc" --key "$work/alice.pem"
echo "one signature is not enough (exit 32 expected):"
"$bin/sdcadm-bundle" verify "$work/release.sdc" --trust "$work/root.json" || echo "exit $?"
echo "bob signs on another (offline) machine: only the 64 KiB signature slot is rewritten"
"$bin/sdcadm-bundle" sign "$work/release.sdc" --key "$work/bob.pem"

step "6. inspect, changelog, verify against the trust root; stock tools read the same file"
"$bin/sdcadm-bundle" inspect "$work/release.sdc"
"$bin/sdcadm-bundle" changelog "$work/release.sdc" imgapi binder
"$bin/sdcadm-bundle" verify "$work/release.sdc" --trust "$work/root.json"
zstd -q -t "$work/release.sdc" && echo "zstd -t: ok"
echo "tar --zstd -tf lists $(tar --zstd -tf "$work/release.sdc" | wc -l) members, first:"
tar --zstd -tf "$work/release.sdc" | sed -n 1,3p

step "7. the bundle as an updates-server mirror (what stock sdcadm's updatesServerUrl could use)"
serve mirror "$work/release.sdc"; mirror=$url
"$bin/imgapi-cli" -S "$mirror" channels
"$bin/imgapi-cli" -S "$mirror" list name=imgapi

step "8. a DC-mode IMGAPI: import the newest imgapi image with its origin chain, oldest first"
newest=$("$bin/imgapi-cli" -S "$updates" -C release list name=imgapi -j |
  node -e 'const a=JSON.parse(require("fs").readFileSync(0));
           a.sort((x,y)=>x.published_at<y.published_at?-1:1); console.log(a[a.length-1].uuid)')
serve dc --mode dc --data "$work/dc-data"; dc=$url
echo "DC IMGAPI: $dc"
chain=()
u=$newest
while [[ -n "$u" ]]; do
  chain=("$u" "${chain[@]}")
  u=$(node -e 'const m=JSON.parse(require("fs").readFileSync(process.argv[1])); console.log(m.origin||"")' \
      "$work/catalog/$u.imgmanifest")
done
for u in "${chain[@]}"; do
  "$bin/imgapi-cli" -S "$dc" import -m "$work/catalog/$u.imgmanifest" \
    -f "$work/catalog/$u.imgfile" --skip-owner-check
done
"$bin/imgapi-cli" -S "$dc" list state=all

step "done: catalog, updates server, client, signed bundle build/inspect/verify/serve and DC import all work"
