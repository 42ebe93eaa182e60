# Small helpers over a simulated headnode (make_headnode, tests/lib/headnode.bash) and the
# sample catalog CAT it was seeded from: read the fake's state, find a catalog image, import
# one into the DC IMGAPI. Sourced by the fake-sdcadm and installer tests.

# st EXPR: a JavaScript expression over the fake's state `s` ($HN_STATE); strings raw, else JSON.
st() {
  node -e 'const s = require(process.argv[1]);
    const v = new Function("s", "return (" + process.argv[2] + ")")(s);
    process.stdout.write(typeof v === "string" ? v : JSON.stringify(v));' "$HN_STATE" "$1"
}

# newest NAME: the uuid of the newest image called NAME on the dev channel of $CAT.
newest() {
  node -e 'const l = require(process.argv[1] + "/catalog.json").artifacts[process.argv[2]]
    .filter((i) => i.channels.includes("dev")); console.log(l[l.length - 1].uuid);' "$CAT" "$1"
}

# import_img UUID: imports UUID from $CAT into the DC IMGAPI, its origins first; an image the
# DC has already (exit 11) is fine.
import_img() {
  local origin rc=0
  origin=$(node -e 'const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(m.origin || "")' "$CAT/$1.imgmanifest")
  [[ -z "$origin" ]] || import_img "$origin"
  "$SDCB_BIN/imgapi-cli" -S "$HN_IMGAPI_URL" import -m "$CAT/$1.imgmanifest" -f "$CAT/$1.imgfile" \
    --skip-owner-check --no-progress >/dev/null 2>&1 || rc=$?
  [[ $rc -eq 0 || $rc -eq 11 ]] || fail "import $1 (exit $rc)"
}
