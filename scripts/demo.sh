#!/usr/bin/env bash
# The demo: the whole foundation on one machine, end to end.
#  1. generate the sample Triton catalog (every core service, agents, platform, sdcadm ...)
#  2. serve it as an updates server (private mode, channels dev/staging/release ...)
#  3. list and download through our IMGAPI client, with checksum verification
#  4. start a DC-mode IMGAPI and import a service image with its whole origin chain,
#     oldest first, the way the installer will
# Everything runs on 127.0.0.1 and is cleaned up at the end.
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
serve() {  # serve NAME ARGS...: start a server, echo its URL
  local name=$1; shift
  "$bin/sdcadm-bundle" serve "$@" --listen 127.0.0.1:0 --port-file "$work/$name.port" \
    2>"$work/$name.log" &
  pids+=($!)
  for _ in $(seq 1 100); do [[ -s "$work/$name.port" ]] && break; sleep 0.05; done
  [[ -s "$work/$name.port" ]] || { cat "$work/$name.log" >&2; exit 1; }
  echo "http://127.0.0.1:$(cat "$work/$name.port")"
}

step "1. sample Triton catalog (64 MiB, seed 1)"
"$bin/sample-catalog" -o "$work/catalog" --scale 64M --seed 1
ls "$work/catalog" | head -4; echo "... $(ls "$work/catalog"/*.imgmanifest | wc -l) images"

step "2. updates server over the catalog"
updates=$(serve updates "$work/catalog")
echo "updates server: $updates"
"$bin/imgapi-cli" -S "$updates" ping
"$bin/imgapi-cli" -S "$updates" channels

step "3. what the release channel offers for a few services (client, Accept-Version ~2, paged)"
for name in imgapi sdc-postgres manta-nameservice mantav2-nameservice cn-agent platform sdcadm; do
  "$bin/imgapi-cli" -S "$updates" -C release list name="$name"
done

newest=$("$bin/imgapi-cli" -S "$updates" -C release list name=imgapi -j |
  node -e 'const a=JSON.parse(require("fs").readFileSync(0));
           a.sort((x,y)=>x.published_at<y.published_at?-1:1); console.log(a[a.length-1].uuid)')
step "4. download the newest imgapi image (size, SHA-1 and Content-MD5 checked)"
"$bin/imgapi-cli" -S "$updates" -C '*' get-file "$newest" -o "$work/imgapi.imgfile"
ls -l "$work/imgapi.imgfile"

step "5. a DC-mode IMGAPI: import the image with its origin chain, oldest first"
dc=$(serve dc --mode dc --data "$work/dc-data")
echo "DC IMGAPI: $dc"
chain=()
u=$newest
while [[ -n "$u" ]]; do
  chain=("$u" "${chain[@]}")
  u=$(node -e 'const m=JSON.parse(require("fs").readFileSync(process.argv[1])); console.log(m.origin||"")' \
      "$work/catalog/$u.imgmanifest")
done
for u in "${chain[@]}"; do
  "$bin/imgapi-cli" -S "$dc" import -m "$work/catalog/$u.imgmanifest" -f "$work/catalog/$u.imgfile" \
    --skip-owner-check
done
"$bin/imgapi-cli" -S "$dc" list state=all

step "done: the client and both server modes work end to end"
