#!/usr/bin/env bash
# sdcadm-install plan / apply on a DC that is not one instance per service on one older
# release: an updated service, mixed services (two old images; one instance already at the
# target), a service already at the target (forced same-image) and one with an instance on
# an image NEWER than the bundle's (cnapi's experimental build: forced downgrade). The exact
# plan text with and without --force is checked against what the fake's state and the
# catalog say (not against the installer's own output), then `apply -y` leaves the newer
# instance alone and `apply -y --force` puts every instance on the bundle's target.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
cd "$TEST_DIR" || fail "cd"
make_bundle b.sdc
BUNDLE_ID=$(jsonf inspect.json 'b.index.bundle_id')
CAT=$TEST_DIR/catalog

# target SVC: the bundle's image for SVC as "uuid name version published_at".
target() {
  jsonf inspect.json "(() => { const a = b.index.artifacts.find((x) => (x.services || []).includes('$1'));
    return [a.uuid, a.name, a.version, a.published_at].join(' '); })()"
}
# catalog_image SVC WHICH: an image of SVC's names from the catalog, by published_at
# relative to the bundle's target T: "older" (the newest before T, not UUID_NOT),
# "newer" (any after T).
catalog_image() {
  node -e '
    const [catDir, svc, which, t, not] = process.argv.slice(1);
    const cat = require(catDir + "/catalog.json");
    const all = cat.services[svc].flatMap((n) => cat.artifacts[n] || [])
      .sort((a, b) => (a.published_at < b.published_at ? -1 : 1));
    const T = all.find((i) => i.uuid === t);
    const pick = which === "newer" ? all.filter((i) => i.published_at > T.published_at)
      : all.filter((i) => i.published_at < T.published_at && i.uuid !== not);
    if (!pick.length) process.exit(1);
    console.log(which === "newer" ? pick[0].uuid : pick[pick.length - 1].uuid);' \
    "$CAT" "$1" "$2" "$(target "$1" | cut -d' ' -f1)" "${3:-}" || fail "the catalog has no $2 image for $1"
}

# setup_forced_dc HN: the simulated DC of this test (make_headnode, then headnode_instance):
#   vmapi  one instance on an older image                       -> updated
#   napi   a second instance on another older image             -> mixed: two old images
#   papi   a second instance already on the bundle's target     -> mixed: update + already
#   fwapi  its instance on the bundle's target                  -> forced same-image
#   cnapi  a second instance on cnapi's experimental image, newer than the target
#                                                               -> left alone / forced downgrade
setup_forced_dc() {
  make_headnode "$1" "$CAT"
  HN=$FAKE_SDCADM_ROOT
  trust_dc "$HN"
  headnode_instance napi "$(catalog_image napi older "$(st 's.instances.find((i) => i.service === "napi").image')")" add
  headnode_instance papi "$(target papi | cut -d' ' -f1)" add
  headnode_instance fwapi "$(target fwapi | cut -d' ' -f1)" move
  headnode_instance cnapi "$(catalog_image cnapi newer)" add
}
setup_forced_dc "$TEST_DIR/hn-a"
"$HN_SDCADM" insts -j >insts-a.json || fail "insts -j"
check_eq "$(jsonf insts-a.json 'new Set(b.filter((i) => i.service === "napi").map((i) => i.image)).size')" 2 "napi: two old images"
pass "a DC with mixed services and an instance newer than the bundle"

# expected_block SVC FORCE: the plan text for SVC as sdcadm-install must print it, from the
# fake's instances (insts-a.json, in insts order) and the catalog's published_at.
expected_block() {
  node -e '
    const [instsPath, catDir, svc, force, t] = process.argv.slice(1);
    const [tu, tn, tv, tp] = t.split(" ");
    const cat = require(catDir + "/catalog.json");
    const pub = new Map(Object.values(cat.artifacts).flat().map((i) => [i.uuid, i.published_at]));
    const insts = require(instsPath).filter((i) => i.service === svc);
    const n = (k) => `${k} instance${k === 1 ? "" : "s"}`;
    const groups = [], dropped = [];
    for (const i of insts) {
      let kind = "update";
      if (i.image === tu) kind = force === "yes" ? "same" : "already";
      else if (pub.get(i.image) >= tp) kind = force === "yes" ? "downgrade" : "dropped";
      const list = kind === "dropped" ? dropped : groups;
      let g = list.find((x) => x.image === i.image && x.kind === kind);
      if (!g) list.push(g = { image: i.image, kind, count: 0, version: i.version || "" });
      g.count++;
    }
    if (!groups.some((g) => g.kind !== "already")) process.exit(0);  // no block: up to date
    const out = [`update "${svc}" service (${n(insts.length)}) to image ${tu} (${tn}@${tv}):`];
    // How sdcadm up gets it (docs/sdcadm-contract.md): a stateless service that is not
    // HA-ready goes one instance at a time when it has several; an HA one when an instance on
    // a newer image must stay.
    const stateless = ["amon", "amonredis", "assets", "cnapi", "cns", "dhcpd", "docker", "fwapi", "grafana",
      "kbmapi", "logarchiver", "manta", "napi", "prometheus", "rabbitmq", "redis", "sdc", "ufds", "vmapi", "volapi"];
    if (stateless.includes(svc) && insts.length > 1) {
      out.push(`    (one change per instance: sdcadm drops a service change for ${svc} when it has ${n(insts.length)} (not HA-ready))`);
    } else if (!stateless.includes(svc) && dropped.length) {
      out.push("    (one change per instance: a service change would also move the instances on a newer image)");
    }
    // The version each instance runs now follows its image (issue 12 item 7).
    const v = (g) => g.version ? ` (${g.version})` : "";
    for (const g of groups) {
      out.push("    " + n(g.count) + {
        update: ` will be updated from image ${g.image}${v(g)}`, already: ` already at image ${tu}`,
        same: ` forced same-image update at image ${tu}`, downgrade: ` forced downgrade from image ${g.image}${v(g)}`,
      }[g.kind]);
    }
    for (const d of dropped) out.push(`    ${n(d.count)} left at image ${d.image}${v(d)} (not older than the target; --force to downgrade)`);
    console.log(out.join("\n"));' "$TEST_DIR/insts-a.json" "$CAT" "$1" "$2" "$(target "$1")"
}
# printed_block FILE SVC: the block of SVC in a plan text (its line and the indented ones).
printed_block() {
  awk -v head="update \"$2\" service " 'index($0, head) == 1 { on = 1; print; next }
    on && /^    / { print; next } { on = 0 }' "$1"
}
check_block() {
  local file=$1 svc=$2 force=$3 want got
  want=$(expected_block "$svc" "$force")
  got=$(printed_block "$file" "$svc")
  [[ -n "$want" || -n "$got" ]] || fail "$svc: neither expected nor printed a block"
  [[ "$got" == "$want" ]] || fail "$svc plan text (force=$force):
--- printed
$got
--- expected
$want"
}

# --- plan without --force --------------------------------------------------------------------------
expect_exit 0 inst plan b.sdc
cp last.out plan.txt
for svc in vmapi napi papi cnapi; do check_block plan.txt "$svc" no; done
[[ -z "$(printed_block plan.txt fwapi)" ]] || fail "fwapi changes without --force"
expect_in plan.txt "    \"fwapi\" (1 instance at image $(target fwapi | cut -d' ' -f1))" "fwapi: up to date"
grep -qF "forced" plan.txt && fail "a forced change without --force"
pass "plan: updated, mixed (two old images; update + already), newer instance left alone"

# --- plan with --force ------------------------------------------------------------------------------
expect_exit 0 inst plan b.sdc --force
cp last.out plan-force.txt
expect_in plan-force.txt "Plan for bundle $BUNDLE_ID (--force):" "forced plan header"
for svc in vmapi napi papi fwapi cnapi; do check_block plan-force.txt "$svc" yes; done
expect_in plan-force.txt "forced downgrade from image $(catalog_image cnapi newer)" "cnapi: forced downgrade"
pass "plan --force: forced same-image and forced downgrade"

# final_images SVC: "image count" per image of SVC's instances in the fake's state, sorted.
final_images() {
  st "Object.entries(s.instances.filter((i) => i.service === '$1').reduce((m, i) =>
    (m[i.image] = (m[i.image] || 0) + 1, m), {})).map(([k, v]) => k + ' ' + v).sort().join(',')"
}

# --- apply -y: the newer instance stays where it is -------------------------------------------------
newer=$(catalog_image cnapi newer)
expect_exit 0 inst b.sdc -y
expect_in last.out "Bundle $BUNDLE_ID applied." "apply finished"
for svc in vmapi napi papi fwapi; do
  check_eq "$(final_images "$svc")" "$(target "$svc" | cut -d' ' -f1) $(st "s.instances.filter((i) => i.service === '$svc').length")" "$svc after apply -y"
done
check_eq "$(final_images cnapi)" "$(printf '%s\n' "$(target cnapi | cut -d' ' -f1) 1" "$newer 1" | sort | paste -sd,)" \
  "cnapi after apply -y: one updated, the newer one left"
check_eq "$(st 's.log.filter((l) => l.argv.includes("--force-same-image")).length')" 0 "no forced sdcadm up without --force"
pass "apply -y: the DC at the bundle's targets except the newer cnapi instance"

# --- apply -y --force on a second DC like the first: everything at the targets ---------------------
setup_forced_dc "$TEST_DIR/hn-b"
expect_exit 0 inst b.sdc -y --force
check_final_state
check_eq "$(final_images cnapi)" "$(target cnapi | cut -d' ' -f1) 2" "cnapi after apply --force: downgraded"
check_eq "$(st 's.log.filter((l) => l.argv[0] === "up" && l.argv.includes("--force-same-image")).length > 0')" true \
  "the forced same-image change ran with --force-same-image"
pass "apply -y --force: every instance on the bundle's target"
