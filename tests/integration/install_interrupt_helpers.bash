# Helpers for the interruption tests (install_apply_signals.sh, install_apply_orphan.sh,
# install_apply_kill_loop.sh): an installer run in the background, its journal and history,
# and the checks "nothing half-written was kept" (docs/exit-codes.md code 12).
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"

journal() { echo "$HN/var/sdcadm/install/journal/$BUNDLE_ID.json"; }
history_file() { echo "$HN/var/sdcadm/install/history.jsonl"; }
commands_log() { echo "$HN/var/fake-sdcadm/commands.log"; }

# start_inst ARGS...: the installer in the background (stdout bg.out, stderr bg.err); INST_PID.
# The subshell execs the installer, so INST_PID is the installer itself and a signal sent
# to it reaches it (bash runs background jobs with SIGINT ignored; the installer's own
# handler replaces that).
start_inst() {
  (exec "$INST" --root "$HN" --sdcadm "${SDCADM_PROG:-$HN_SDCADM}" --sdc-server "${SDC_SERVER_PROG:-$HN_SDC_SERVER}" \
     --lock-wait "${LOCK_WAIT:-10}" "$@") >"$TEST_DIR/bg.out" 2>"$TEST_DIR/bg.err" &
  INST_PID=$!
}

# wait_inst: waits for the background installer; INST_RC is its exit status.
wait_inst() {
  INST_RC=0
  wait "$INST_PID" || INST_RC=$?
}

# step_started NAME: the journal has step NAME as "started" (keys are sorted: name, then
# started, then state).
step_started() {
  local j; j=$(journal)
  [[ -f "$j" ]] && grep -A2 "\"name\": \"$1\"" "$j" 2>/dev/null | grep -q '"state": "started"'
}

# wait_for_step NAME [TIMEOUT_S]: until the journal has NAME started; returns 1 when the
# background installer ended first or the time ran out.
wait_for_step() {
  local i limit=$(( ${2:-60} * 100 ))
  for ((i = 0; i < limit; i++)); do
    step_started "$1" && return 0
    kill -0 "$INST_PID" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}

# mark_log: remembers how long the fake's command log is; wait_for_command looks after it.
mark_log() { LOG_MARK=$(cat "$(commands_log)" 2>/dev/null | wc -l); }

# wait_for_command WORDS [TIMEOUT_S]: until the fake's command log has a start of WORDS
# after the mark.
wait_for_command() {
  local i limit=$(( ${2:-60} * 100 ))
  for ((i = 0; i < limit; i++)); do
    tail -n +$(( ${LOG_MARK:-0} + 1 )) "$(commands_log)" 2>/dev/null | grep -q "^start [0-9]* [0-9]* - $1" && return 0
    kill -0 "$INST_PID" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}

# check_nothing_half_written WHAT: no temp file under the headnode tree, no image left
# unactivated in the DC IMGAPI.
check_nothing_half_written() {
  local temps
  temps=$(find "$HN/usbkey" "$HN/var/sdcadm" -name '*.sdcadm-install-tmp' -o -name '*.tmp.*' 2>/dev/null)
  [[ -z "$temps" ]] || fail "$1: temp files left: $temps"
  curl -sf "$HN_IMGAPI_URL/images?state=all&limit=1000" >"$TEST_DIR/all-images.json" || fail "$1: list images"
  local bad
  bad=$(jsonf "$TEST_DIR/all-images.json" 'b.filter((i) => i.state !== "active").map((i) => i.uuid + " " + i.state).join(",")')
  [[ -z "$bad" ]] || fail "$1: images not active in the DC IMGAPI: $bad"
}

# last_run_end: the result of the history's last run-end record.
last_run_end() {
  node -e 'const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
    const ends = lines.filter((r) => r.event === "run-end"); const e = ends[ends.length - 1];
    process.stdout.write(e ? e.result + " " + e.exit_code : "none");' "$(history_file)"
}

# step_results NAME: the results of NAME's step records in the history, in order, e.g. "interrupted done".
step_results() {
  node -e 'const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
    process.stdout.write(lines.filter((r) => r.event === "step" && r.step === process.argv[2]).map((r) => r.result).join(" "));' \
    "$(history_file)" "$1"
}

# done_counts: "step=N ..." of the history's "done" step records, sorted by step name.
done_counts() {
  node -e 'const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
    const n = {}; for (const r of lines) if (r.event === "step" && r.result === "done") n[r.step] = (n[r.step] || 0) + 1;
    process.stdout.write(Object.keys(n).sort().map((k) => k + "=" + n[k]).join(" "));' "$(history_file)"
}

# dc_state: what a run leaves in the DC, as one JSON line: every instance's image, sdcadm's
# image, installed and default platforms, gz-tools, the agents' images, active images.
dc_state() {
  curl -sf "$HN_IMGAPI_URL/images?state=all&limit=1000" >"$TEST_DIR/all-images.json" || fail "list images"
  node -e 'const s = require(process.argv[1]);
    const imgs = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
    const out = {instances: s.instances.map((i) => i.service + "=" + i.image).sort(),
      sdcadm: s.sdcadm.image, platforms: s.platforms, gz: s.gz_tools || null,
      images: imgs.map((i) => i.uuid + ":" + i.state).sort()};
    process.stdout.write(JSON.stringify(out));' "$HN_STATE" "$TEST_DIR/all-images.json"
}
