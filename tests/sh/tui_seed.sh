#!/bin/sh
# The timeline through the seed scenario at 80x24 (tests/scripts/
# seed-lost-ag3.ike typed on its command line): the X on AG3, the
# discarded QM1 and its reason, the timers counting down in virtual
# time before AG2b fires, AG2b, AG3b, QM1b, QM2, QM3 in that order, a
# packet's decode opened from the diagram, and the way back to the
# prompt with the session intact.
. "$(dirname "$0")/tui_lib.sh.inc"

tui_start 80 24 -- --seed 1 --tui
wait_for "ikelab>"
wait_for "[command]"
type_line "rule drop AG3 once"
wait_for "rules: 1 drop AG3 once"
type_line "start"
wait_for "|-- AG1 #1 ------> ...            |  in flight, due 5 ms"
type_line "step"
type_line "step"
type_line "step"
wait_for "|-- QM1 #4 ---------------------->|  discarded: phase 1 incomplete"
grep -qF "     10 ms * AM_I_DONE                       |" "$t/screen" ||
    fail "no AM_I_DONE mark"
grep -qF "|-- AG3 #3 -----------X           |  dropped: rule 1 (drop AG3 once)" \
    "$t/screen" || fail "AG3 does not end in an X with its rule"

# The timers panel counts down as virtual time moves.
grep -qF "r AG2 resend 1/5 in 3990 ms, due 4005" "$t/screen" ||
    fail "no AG2 timer at 15 ms"
grep -qF "i QM1 resend 1/5 in 3995 ms, due 4010" "$t/screen" ||
    fail "no QM1 timer at 15 ms"
type_line "tick 1s"
wait_for "r AG2 resend 1/5 in 2990 ms, due 4005"
grep -qF "i QM1 resend 1/5 in 2995 ms, due 4010" "$t/screen" ||
    fail "the QM1 timer did not count down"
grep -qF "timers (virtual time 1015 ms)" "$t/screen" || fail "timers title"
type_line "tick 2900ms"
wait_for "r AG2 resend 1/5 in 90 ms, due 4005"
grep -qF "AG2b" "$t/screen" && fail "AG2b before its timer fired"
type_line "tick 100ms"
wait_for "|<===================== AG2b #5 ==|  resend, try 1"
type_line "run"
wait_for "4025 ms |                      QM_R_DONE  *"

# Follow mode shows the newest rows: the story in order.
prev=0
for s in "|-- QM1 #4 ---------------------->|  discarded: phase 1 incomplete" \
    "|<===================== AG2b #5 ==|  resend, try 1" \
    "|== AG3b #6 =====================>|  resend: duplicate of AG2" \
    "|== QM1b #7 =====================>|  resend, try 1" \
    "|<---------------------- QM2 #8 --|" \
    "|-- QM3 #9 ---------------------->|"; do
	n=$(line_of "$s")
	[ "$n" -gt "$prev" ] || fail "'$s' is not after the line before it"
	prev=$n
done
grep -qF "r responder: AM_R_DONE" "$t/screen" || fail "r panel title"
grep -qF "QM 1  msgid 15e284c3  QM_R_DONE" "$t/screen" || fail "r panel QM"
grep -qF "spi i f8fc44d9  r 3190f61d" "$t/screen" || fail "SPIs"
grep -qF "i: no timer armed" "$t/screen" || fail "timers not empty at the end"

# To the diagram; Home, then down to AG3 (row 6) and open its decode.
keys Escape
wait_for "[diagram]"
keys Home Down Down Down Down Down Enter
wait_for "packet #3  AG3  i>r  60 bytes"
grep -qF "sent 10 ms, due 15 ms, dropped" "$t/screen" || fail "AG3 decode"
grep -qF "18    exchange Aggressive (4)" "$t/screen" || fail "AG3 tree"
keys q
wait_gone "packet #3  AG3"
# QM1b (row 10) is decrypted in its decode.
keys Down Down Down Down Down Enter
wait_for "packet #7  QM1b  i>r"
grep -qF "(decrypted with the receiver's keys)" "$t/screen" ||
    fail "QM1b not decrypted"
keys q
wait_gone "packet #7"

# The animated run is kept as commands that replay to the same trace.
keys Escape
wait_for "[command]"
type_line "save trace $t/tui.jsonl"
type_line "save script $t/replay.ike"
wait_for "ikelab>"
n=0
while [ ! -s "$t/replay.ike" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
echo "save trace $t/replay.jsonl" >>"$t/replay.ike"
"$IKELAB" -f "$t/replay.ike" >/dev/null 2>&1 || fail "replay failed"
cmp -s "$t/tui.jsonl" "$t/replay.jsonl" || fail "the saved script replays differently"
[ "$(grep -c '^tick\|^step\|^run' "$t/replay.ike")" -le 12 ] ||
    fail "animation frames were not merged: $(cat "$t/replay.ike")"
keys Escape
wait_for "[diagram]"

# q leaves the timeline: the prompt, with the session as it was.
keys q
wait_for "back at the prompt; clock 4025 ms"
type_line "timers"
wait_for "no timers armed"
# And back into the timeline from the prompt: the same session.
type_line "tui"
wait_for "4025 ms |                      QM_R_DONE  *"
grep -qF "r responder: AM_R_DONE" "$t/screen" || fail "r panel after tui"
quit_ok
exit 0
