#!/bin/sh
# Keys whose escape sequences the terminal description does not know
# (TERM=vt100 has no Home, End or page keys, but tmux sends them) are
# still read as those keys: Home in the diagram keeps the focus there
# and types nothing into the command line.
. "$(dirname "$0")/tui_lib.sh.inc"

tui_start 80 24 TERM=vt100 -- --seed 1 --tui
wait_for "ikelab>"
type_line "start"
type_line "run"
wait_for "QM_R_DONE"
keys Escape
wait_for "[diagram]"
keys Home
keys End
keys PPage
keys NPage
keys Escape
wait_for "[command]"
grep -qF "[1~" "$t/screen" && fail "Home's bytes were typed as text"
grep -qF "[4~" "$t/screen" && fail "End's bytes were typed as text"
grep -qF "[5~" "$t/screen" && fail "PgUp's bytes were typed as text"
# In the command line Home still moves to the start of the line.
keys -l "ate"
keys Home
keys -l "st"
wait_for "ikelab> state"
keys Enter
wait_for "r (responder)  phase 1: AM_R_DONE"
quit_ok
exit 0
