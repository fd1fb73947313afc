#!/bin/sh
# A click on a packet's arrow opens its decode (the terminal's mouse
# report, X10 form as tmux passes it on: ESC [ M, button, column + 33,
# line + 33); a click on a state mark shows its event in full; q
# closes the decode. Moving the selection names the row in full.
. "$(dirname "$0")/tui_lib.sh.inc"

# click X Y: press and release button 1 at 0-based column X, line Y.
click() {
	keys -l "$(printf '\033[M %b%b' "\\0$(printf %o $(($1 + 33)))" \
	    "\\0$(printf %o $(($2 + 33)))")"
	keys -l "$(printf '\033[M#%b%b' "\\0$(printf %o $(($1 + 33)))" \
	    "\\0$(printf %o $(($2 + 33)))")"
}

tui_start 80 24 TERM=screen -- --seed 1 --tui
wait_for "ikelab>"
for c in "rule drop AG3 once" start step step step; do
	type_line "$c"
done
wait_for "|-- QM1 #4 ---------------------->|  discarded: phase 1 incomplete"
# Line 7 (0-based) is AG3's arrow, line 6 the AM_I_DONE mark.
[ "$(line_of "|-- AG3 #3 ---")" = 8 ] || fail "AG3 not on screen line 8"
click 20 6
wait_for "10 ms  i  state         AM_I_DONE (from AM_I_SENT1): HASH_R verified;"
grep -qF "packet #" "$t/screen" && fail "a click on a state opened a decode"
click 20 7
wait_for "packet #3  AG3  i>r  60 bytes"
grep -qF "[diagram]" "$t/screen" || fail "a click did not move the focus"
keys q
wait_gone "packet #3  AG3"
click 20 9
wait_for "packet #4  QM1  i>r  156 bytes"
grep -qF "note: phase 1 incomplete" "$t/screen" || fail "QM1's note"
keys q
wait_gone "packet #4"
keys Up Up
wait_for "AG3 #3: dropped: rule 1 (drop AG3 once)"
keys q
wait_for "back at the prompt"
quit_ok
exit 0
