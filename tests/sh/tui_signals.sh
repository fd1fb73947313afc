#!/bin/sh
# The terminal is given back whatever way ikelab leaves the timeline:
# the modes (stty -g inside the pane) after Ctrl-C, SIGTERM, SIGSEGV,
# SIGABRT and quit equal those before. Ctrl-C first pauses an animated
# run, then clears a half-typed line, and only then leaves.
. "$(dirname "$0")/tui_lib.sh.inc"

# Start the timeline with the seed's exchange under way.
begin() {
	rm -f "$t/stty.after" "$t/rc" "$t/pid"
	tui_start 80 24 -- --seed 1 --tui
	wait_for "ikelab>"
	type_line "start"
	type_line "step"
	wait_for "AM_R_SENT2"
}

end() {
	tmux -L "$SOCK" kill-server >/dev/null 2>&1
}

# Ctrl-C: pause a run, clear the line, then leave ikelab.
begin
type_line "tui 1x"
type_line "rule drop r>i"
type_line "set tries 100"
type_line "run"
wait_for "running 1x"
keys C-c
wait_for "paused (Ctrl-C)"
grep -qF "running 1x" "$t/screen" && fail "still running after Ctrl-C"
tmux -L "$SOCK" send-keys -t t -l "half typed"
wait_for "ikelab> half typed"
keys C-c
wait_gone "half typed"
[ -f "$t/stty.after" ] && fail "ikelab left on the first Ctrl-C"
keys C-c
wait_exit
end

for sig in TERM SEGV ABRT; do
	begin
	kill -s "$sig" "$(cat "$t/pid")" || fail "kill -$sig"
	wait_exit
	rc=$(cat "$t/rc")
	[ "$rc" -gt 128 ] || fail "SIG$sig: exit status $rc, not a signal"
	end
done

# quit on the command line.
begin
quit_ok
end
exit 0
