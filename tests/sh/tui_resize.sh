#!/bin/sh
# The timeline at 80x24, then resized to 120x40 (wider arrows, taller
# panels), to 50x15 (too small: a message, no garbage), and back to
# 80x24, where it is drawn as before.
. "$(dirname "$0")/tui_lib.sh.inc"

x80="           |-- AG3 #3 -----------X           |  dropped: rule 1 (drop AG3 once)"
x120="           |-- AG3 #3 -------------------X              |  dropped: rule 1 (drop AG3 once)"

tui_start 80 24 -- --seed 1 --tui
wait_for "ikelab>"
for c in "rule drop AG3 once" start step step step; do
	type_line "$c"
done
wait_for "$x80"
[ "$(wc -l <"$t/screen")" -eq 24 ] || fail "not 24 lines"
[ "$(awk '{ if (length($0) > 80) n++ } END { print n + 0 }' "$t/screen")" = 0 ] ||
    fail "a line is wider than 80"
# 80x24: the command line is the last line, the timers just above the output.
[ "$(sed -n 24p "$t/screen")" = "ikelab>" ] || fail "prompt not on line 24"
[ "$(line_of "-timers (virtual time 15 ms) ---")" = 19 ] || fail "timers title not on line 19"

tmux -L "$SOCK" resize-window -t t -x 120 -y 40 || fail "resize-window"
wait_for "$x120"
grep -qF "$x80" "$t/screen" && fail "old 80-column row left on the screen"
[ "$(sed -n 40p "$t/screen")" = "ikelab>" ] || fail "prompt not on line 40"
[ "$(line_of "-timers (virtual time 15 ms) ---")" = 32 ] || fail "timers title not on line 32"
sed -n 1p "$t/screen" | grep -q "\[command\]$" || fail "status line not 120 wide"

tmux -L "$SOCK" resize-window -t t -x 50 -y 15
wait_for "terminal too small: 50x15"
grep -qF "the timeline needs 64x18" "$t/screen" || fail "no minimum named"
grep -qF "AG3 #3" "$t/screen" && fail "diagram drawn into a too small terminal"

tmux -L "$SOCK" resize-window -t t -x 80 -y 24
wait_for "$x80"
grep -qF "too small" "$t/screen" && fail "message left after growing back"
quit_ok
exit 0
