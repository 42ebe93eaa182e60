#!/usr/bin/env bash
# sdcadm-install stage / import under faults: a tampered or truncated bundle stages
# nothing; /usbkey too small is refused before writing (SDCB_TEST_FREE_BYTES); another
# installer holding the lock makes a run wait, then fail with exit 40; IMGAPI down,
# answering 5xx or cutting uploads: retried, and a failure leaves no image unactivated;
# kill -9 during stage and during import: a re-run finishes, no temp file left.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"
source "$SDCB_SOURCE/tests/integration/install_helpers.bash"

cd "$TEST_DIR"
make_bundle b.sdc
HN="$TEST_DIR/hn"
make_root "$HN"
size=$(stat -c %s b.sdc)
nimg=$(bundle_images | grep -c .)

# --- tampered and truncated bundles: nothing staged --------------------------------------------
cp b.sdc bad.sdc
printf '\xAA' | dd of=bad.sdc bs=1 seek=$((size * 2 / 3)) conv=notrunc status=none
rc=0; "$INST" --root "$HN" stage bad.sdc >last.out 2>last.err || rc=$?
(( rc >= 20 && rc <= 26 )) || { cat last.err; fail "tampered bundle: exit $rc"; }
check_eq "$(staged_files "$HN" | wc -l)" 0 "tampered bundle: nothing staged"
check_eq "$(temp_files "$HN")" 0 "tampered bundle: no temp file"
head -c $((size / 2)) b.sdc >short.sdc
expect_exit 21 "$INST" --root "$HN" stage short.sdc
check_eq "$(staged_files "$HN" | wc -l)" 0 "truncated bundle: nothing staged"
check_eq "$(temp_files "$HN")" 0 "truncated bundle: no temp file"
expect_exit 21 "$INST" --root "$HN" stage - <short.sdc
check_eq "$(staged_files "$HN" | wc -l)" 0 "truncated stream: nothing staged"
check_eq "$(dc_count all)" 0 "nothing imported"
pass "tampered (exit $rc) and truncated (exit 21) bundles stage nothing"

# --- /usbkey too small: refused before writing -----------------------------------------------
SDCB_TEST_FREE_BYTES=$(((64 << 20) + (1 << 20))) expect_exit 5 "$INST" --root "$HN" stage b.sdc
expect_in last.err "not enough free space" "no-space message"
expect_in last.err "need " "no-space numbers"
check_eq "$(staged_files "$HN" | wc -l)" 0 "no space: nothing written"
SDCB_TEST_FREE_BYTES=$(((64 << 20) + (1 << 20))) expect_exit 5 "$INST" --root "$HN" verify b.sdc
SDCB_TEST_FREE_BYTES=nonsense expect_exit 2 "$INST" --root "$HN" verify b.sdc
pass "a small /usbkey is refused before anything is written (exit 5, with the numbers)"

# --- the installer lock: a second run waits, then fails with 40 ----------------------------------
(sleep 3; cat b.sdc) | "$INST" --root "$HN" stage - --no-progress >first.out 2>first.err &
first=$!
sleep 1
expect_exit 40 "$INST" --root "$HN" --lock-wait 1.5 stage b.sdc
expect_in last.err "Waiting for the sdcadm-install lock" "wait message"
expect_in last.err "is held by process" "lock error names the holder"
wait $first || { cat first.err; fail "the first stage failed"; }
pass "a held lock: 'Waiting for ...', then exit 40 naming the holder"

# --- kill -9 during stage: the re-run finishes, no temp file left ----------------------------------
rm -rf "$HN/usbkey/images"/* "$HN/usbkey/extra"/* "$HN/var/sdcadm/install"
# Half the bundle, then a stall: the installer is mid-pass when it is killed.
mkfifo stall.fifo
(head -c $((size / 2)) b.sdc; exec sleep 60) >stall.fifo &
writer=$!
"$INST" --root "$HN" stage - --no-progress <stall.fifo >/dev/null 2>&1 &
victim=$!
for _ in $(seq 1 100); do [[ $(temp_files "$HN") -gt 0 ]] && break; sleep 0.1; done
sleep 0.5
kill -9 $victim; wait $victim 2>/dev/null || true
kill $writer; wait $writer 2>/dev/null || true
(( $(temp_files "$HN") > 0 )) || fail "the killed stage left no temp file: the test proves nothing"
check_eq "$(staged_files "$HN" | grep -vc sdcadm-install-tmp)" 0 "killed stage committed nothing"
expect_exit 0 "$INST" --root "$HN" stage b.sdc -j
check_eq "$(jsonf last.out 'b.written === b.files')" true "re-run stages everything"
check_eq "$(temp_files "$HN")" 0 "re-run removed the temp files"
pass "kill -9 during stage: nothing committed, the re-run finishes and cleans up"

# --- IMGAPI down --------------------------------------------------------------------------------
expect_exit 6 "$INST" --root "$HN" --imgapi http://127.0.0.1:9 import b.sdc
expect_in last.err "does not answer" "IMGAPI down message"
pass "IMGAPI down: exit 6, says what to check"

# --- IMGAPI too small (the import's share) is refused before any upload ------------------------------
SDCB_TEST_FREE_BYTES=$(((64 << 20) + (1 << 20))) expect_exit 5 "$INST" --root "$HN" import b.sdc
expect_in last.err "IMGAPI import of $nimg image(s)" "import space message"
check_eq "$(dc_count all)" 0 "no space for IMGAPI: nothing imported"

# --- IMGAPI answering 503 to every upload: fails, nothing left unactivated ---------------------------
stop_dc
start_dc "$HN" --fault 'status=503,method=PUT,path=/images/*/file'
expect_exit 7 "$INST" --root "$HN" import b.sdc --attempts 2 --concurrency 2
expect_in last.err "importing image" "5xx error names the image"
check_eq "$(dc_count unactivated)" 0 "5xx: no image left unactivated"
check_eq "$(dc_count all)" 0 "5xx: nothing left behind"
pass "IMGAPI 503 on every upload: exit 7, the half-made images removed"

# --- connection cut mid-upload: persistent fails cleanly, transient is retried -----------------------
stop_dc
start_dc "$HN" --fault 'cut=1000,method=PUT,path=/images/*/file'
rc=0; "$INST" --root "$HN" import b.sdc --attempts 1 >last.out 2>last.err || rc=$?
(( rc == 6 || rc == 7 )) || { cat last.err; fail "cut uploads: exit $rc"; }
check_eq "$(dc_count unactivated)" 0 "cut: no image left unactivated"
stop_dc
start_dc "$HN" --fault 'cut=1000,method=PUT,path=/images/*/file,nth=2,count=3'
expect_exit 0 "$INST" --root "$HN" import b.sdc -j
check_eq "$(dc_count active)" "$nimg" "cut then retried: all active"
check_eq "$(dc_count unactivated)" 0 "cut then retried: none unactivated"
pass "uploads cut mid-body: retried; when they keep failing, exit $rc and nothing unactivated"

# --- kill -9 during import: the re-run finishes ---------------------------------------------------
# Empty the DC IMGAPI (an origin can go only after the images built on it).
for _ in 1 2 3 4 5 6; do
  for u in $(bundle_images); do curl -s -o /dev/null -X DELETE "$dc_URL/images/$u"; done
done
check_eq "$(dc_count all)" 0 "DC IMGAPI emptied"
stop_dc
start_dc "$HN" --fault 'latency=3000,method=PUT,path=/images/*/file'
"$INST" --root "$HN" import b.sdc --concurrency 1 --no-progress >/dev/null 2>&1 &
victim=$!
for _ in $(seq 1 100); do [[ $(dc_count unactivated) -gt 0 ]] && break; sleep 0.1; done
kill -9 $victim; wait $victim 2>/dev/null || true
check_eq "$(dc_count unactivated)" 1 "the killed import left its image unactivated"
stop_dc
start_dc "$HN"
expect_exit 0 "$INST" --root "$HN" import b.sdc -j
check_eq "$(jsonf last.out 'b.images.filter(i => i.outcome === "reimported").length')" 1 "the leftover is re-imported"
check_eq "$(dc_count active)" "$nimg" "after kill -9 and re-run: all active"
check_eq "$(dc_count unactivated)" 0 "after kill -9 and re-run: none unactivated"
check_eq "$(find "$HN/imgapi-data" -name '*.tmp*' | wc -l)" 0 "no IMGAPI temp file"
check_eq "$(temp_files "$HN")" 0 "no installer temp file"
pass "kill -9 during import: the re-run replaces the unactivated image and finishes"
