#!/bin/sh
# An animated run: virtual time moves with the wall clock at the
# chosen speed, so the timers count down on the screen; space pauses
# and resumes; + makes it faster; it stops at the last event, as a
# plain run does (seed 1, lost AG3: QM_R_DONE at 4025 ms).
. "$(dirname "$0")/tui_lib.sh.inc"

# The countdown of the responder's AG2 timer on the screen, in ms.
ag2_in() {
	sed -n 's/.*r AG2 resend 1\/5 in \([0-9]*\) ms.*/\1/p' "$t/screen" |
	    head -1
}

tui_start 80 24 -- --seed 1 --tui
wait_for "ikelab>"
for c in "rule drop AG3 once" start step step step "tui 1x"; do
	type_line "$c"
done
wait_for "'run' animates at 1x now"
type_line "run"
wait_for "running 1x"
snap
a=$(ag2_in)
sleep 0.6
snap
b=$(ag2_in)
[ -n "$a" ] && [ -n "$b" ] || fail "no AG2 countdown while running"
[ "$b" -lt "$a" ] || fail "the countdown did not move: $a then $b"
[ $((a - b)) -ge 300 ] || fail "1x moved only $((a - b)) ms in 0.6 s"

keys Escape
wait_for "[diagram]"
keys Space
wait_for "paused (space resumes)"
snap
a=$(ag2_in)
sleep 0.5
snap
[ "$(ag2_in)" = "$a" ] || fail "time moved while paused"
keys + + + + +
wait_for "speed 50x"
keys Space
wait_for "4025 ms |                      QM_R_DONE  *"
wait_for "stopped: nothing pending"
grep -qF "time 4025 ms  paused" "$t/screen" ||
    fail "the run did not stop at the last event"
keys q
wait_for "back at the prompt; clock 4025 ms"
quit_ok
exit 0
