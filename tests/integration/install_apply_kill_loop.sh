#!/usr/bin/env bash
# kill -9 at random points across the whole of `apply` (issue 12 "Done when"), on the
# simulated headnode: a clean run on one DC gives the final state and the steps; then on
# fresh DCs, rounds of runs each killed at a random moment (0-200 ms) after the next step
# of the clean run is reached (stage, import, seed-agents, every sdcadm step), each re-run
# resuming the previous one, until the run finishes. At least 30 kill points in all. Every
# round ends in the clean run's final state (instances, sdcadm, platforms, the DC IMGAPI's
# images), with nothing half-written and history showing every step exactly once as done.
# Labelled "slow" (tests/integration/CMakeLists.txt).
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_interrupt_helpers.bash"
setup_dc
export LOCK_WAIT=120  # a re-run waits for the sdcadm command a killed run left running
ROUNDS=${KILL_LOOP_ROUNDS:-3}
MIN_KILLS=${KILL_LOOP_MIN_KILLS:-30}

expect_exit 0 inst b.sdc -y
clean_state=$(dc_state)
clean_done=$(done_counts)
mapfile -t steps < <(node -e 'const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
  for (const r of lines) if (r.event === "step" && r.result === "done") console.log(r.step);' "$(history_file)")
[[ ${#steps[@]} -ge 8 ]] || fail "the clean run has only ${#steps[@]} steps: ${steps[*]}"
echo "clean run: ${steps[*]}"

runs_in_journal() { grep -o '"runs": [0-9]*' "$(journal)" 2>/dev/null | grep -o '[0-9]*$' || echo 0; }

kills=0
declare -A hit
for ((round = 1; round <= ROUNDS; round++)); do
  make_headnode "$TEST_DIR/hn$round" "$TEST_DIR/catalog"
  HN=$FAKE_SDCADM_ROOT
  trust_dc "$HN"
  finished=0
  for step in "${steps[@]}"; do
    before=$(runs_in_journal)
    start_inst b.sdc -y
    killed=0
    # This run's begin_run, then the step started.
    for ((i = 0; i < 6000; i++)); do
      kill -0 "$INST_PID" 2>/dev/null || break
      # This run has begun and the step is reached (a quick step may be done already).
      if [[ $(runs_in_journal) -gt $before ]] && grep -q "\"name\": \"$step\"" "$(journal)" 2>/dev/null; then
        sleep "0.$(printf "%03d" $((RANDOM % 200)))"
        kill -9 "$INST_PID" 2>/dev/null && killed=1
        break
      fi
      sleep 0.01
    done
    wait_inst
    if [[ $killed -eq 1 && $INST_RC -eq 137 ]]; then
      kills=$((kills + 1))
      hit[$step]=$(( ${hit[$step]:-0} + 1 ))
    elif [[ $INST_RC -eq 0 ]]; then
      finished=1
      break
    else
      cat "$TEST_DIR/bg.out" "$TEST_DIR/bg.err" >&2
      fail "round $round, kill at $step: the run exited $INST_RC"
    fi
  done
  if [[ $finished -eq 0 ]]; then
    # The last kill may land after the run finished its work (journal "finished"): then the
    # re-run says so; either way it exits 0.
    expect_exit 0 inst b.sdc -y
    grep -qF -e "Bundle $BUNDLE_ID applied." -e "Bundle $BUNDLE_ID was applied completely" "$TEST_DIR/last.out" \
      || { cat "$TEST_DIR/last.out" >&2; fail "round $round: the last re-run does not finish"; }
  fi
  check_eq "$(dc_state)" "$clean_state" "round $round: the DC's final state is the clean run's"
  check_eq "$(done_counts)" "$clean_done" "round $round: every step exactly once as done"
  check_nothing_half_written "round $round"
  echo "round $round: $kills kill points so far"
done
summary=""
for step in "${steps[@]}"; do summary+=" $step=${hit[$step]:-0}"; done
echo "kill points per step:$summary"
[[ $kills -ge $MIN_KILLS ]] || fail "only $kills kill points (want $MIN_KILLS)"
pass "$kills random kill -9 points over $ROUNDS rounds: each ended in the clean run's state, every step done once"
