#!/bin/sh
# Colour where the terminal has it; none with TERM=vt100 or NO_COLOR,
# and the timeline stays readable there: the X on AG3, the discarded
# QM1 and the resend marks are text, the selection is reverse video.
# TERM=dumb is refused with a reason.
. "$(dirname "$0")/tui_lib.sh.inc"

x80="|-- AG3 #3 -----------X           |  dropped: rule 1 (drop AG3 once)"
esc=$(printf '\033')

# run_seed ENV...: the seed scenario up to AG2b, screen with attributes.
run_seed() {
	rm -f "$t/stty.after"
	tui_start 80 24 "$@" -- --seed 1 --tui
	wait_for "ikelab>"
	for c in "rule drop AG3 once" start step step step "tick 4s"; do
		type_line "$c"
	done
	wait_for "AG2b #5"
	keys Escape
	wait_for "[diagram]"
	keys Up
	snap -e
	cp "$t/screen" "$t/attr"
	snap
	type_line ""
}

# Any SGR colour (30-37, 38;5;N, 90-97 foreground).
has_colour() {
	grep -qE "$esc\[([0-9;]*;)?(3[0-8]|9[0-7])(;[0-9]+)*m" "$1"
}

run_seed TERM=screen-256color
has_colour "$t/attr" || fail "no colour on a colour terminal"
keys q
wait_for "back at the prompt"
quit_ok
tmux -L "$SOCK" kill-server >/dev/null 2>&1

for envs in "TERM=vt100" "TERM=screen-256color NO_COLOR=1"; do
	# shellcheck disable=SC2086
	run_seed $envs
	has_colour "$t/attr" && fail "colour with $envs"
	grep -qF "$x80" "$t/screen" || fail "no X on AG3 with $envs"
	grep -qF "|<===================== AG2b #5 ==|  resend, try 1" \
	    "$t/screen" || fail "resend not marked with $envs"
	grep -qF "discarded: phase 1 incomplete" "$t/screen" ||
	    fail "no discard reason with $envs"
	# The selected row (one up from the newest) is in reverse video.
	grep -qF "${esc}[7m" "$t/attr" || fail "no reverse video with $envs"
	keys q
	wait_for "back at the prompt"
	quit_ok
	tmux -L "$SOCK" kill-server >/dev/null 2>&1
done

# A terminal that cannot address the cursor gets a reason, no garbage,
# and the prompt goes on.
rm -f "$t/stty.after"
tui_start 80 24 TERM=dumb -- --seed 1 --tui
wait_for "tui: this terminal cannot show the timeline (TERM=dumb)"
type_line "start"
wait_for "0 ms  i  send     #1   AG1  due 5 ms"
quit_ok
exit 0
