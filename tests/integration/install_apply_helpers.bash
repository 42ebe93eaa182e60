# Helpers for tests/integration/install_apply*.sh: a bundle built from the sample catalog
# (newest on dev) and a simulated headnode on an older release (tests/lib/headnode.bash).
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"
source "$SDCB_SOURCE/tests/integration/install_helpers.bash"
source "$SDCB_SOURCE/tests/lib/headnode.bash"
source "$SDCB_SOURCE/tests/lib/headnode_state.bash"  # st, newest, import_img

# setup_dc: builds b.sdc and the headnode; sets HN and inst() runs the installer on it.
setup_dc() {
  cd "$TEST_DIR" || fail "cd"
  make_bundle b.sdc
  make_headnode "$TEST_DIR/hn" "$TEST_DIR/catalog"
  HN=$FAKE_SDCADM_ROOT
  trust_dc "$HN"
  BUNDLE_ID=$(jsonf inspect.json 'b.index.bundle_id')
}
inst() { "$INST" --root "$HN" --sdcadm "${SDCADM_PROG:-$HN_SDCADM}" --sdc-server "${SDC_SERVER_PROG:-$HN_SDC_SERVER}" --lock-wait "${LOCK_WAIT:-10}" "$@"; }

# runs WORDS: how many times the fake's log has a command starting with WORDS.
runs() {
  node -e 'const s = require(process.argv[1]); const w = process.argv[2];
    console.log(s.log.filter((l) => l.argv.join(" ").startsWith(w)).length);' "$HN_STATE" "$1"
}

# check_final_state: every instance of every service the bundle carries runs the bundle's
# image (but legacy agents sdcadm cannot update: cabase, cainstsvc; and the services the
# plan holds back: rabbitmq without --include-rabbitmq, dapi which sdcadm has no procedure
# for, docs/sdcadm-contract.md), sdcadm is the bundle's, the bundle's platform is installed.
check_final_state() {
  node -e '
    const s = require(process.argv[1]);
    const idx = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8")).index;
    const target = {};
    for (const a of idx.artifacts) {
      if (a.role === "service-image") for (const sv of a.services) if (!["rabbitmq", "dapi"].includes(sv)) target[sv] = a.uuid;
      if (a.role === "agent" && !["cabase", "cainstsvc"].includes(a.name)) target[a.name] = a.uuid;
    }
    const bad = s.instances.filter((i) => target[i.service] && i.image !== target[i.service])
      .map((i) => i.service + " " + i.image + " != " + target[i.service]);
    const sdcadm = idx.artifacts.find((a) => a.role === "sdcadm");
    if (sdcadm && s.sdcadm.image !== sdcadm.uuid) bad.push("sdcadm " + s.sdcadm.image);
    const plat = idx.artifacts.find((a) => a.role === "platform");
    const stamp = plat && plat.version.match(/\d{8}T\d{6}Z/)[0];
    if (plat && !s.platforms.installed.includes(stamp)) bad.push("platform " + stamp);
    if (bad.length) { console.error(bad.join("\n")); process.exit(1); }' "$HN_STATE" "$TEST_DIR/inspect.json" \
    || fail "the DC does not run the bundle's targets"
}
