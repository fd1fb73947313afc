#!/bin/sh
# The timeline's command line is Readline, as at the prompt: Tab
# completes from the command table (one match is filled in, several
# are listed), Up brings back earlier lines, Ctrl-R searches them, and
# Esc hands the keys to the diagram and back.
. "$(dirname "$0")/tui_lib.sh.inc"

tui_start 80 24 -- --seed 1 --tui
wait_for "ikelab>"
keys -l "sh"
keys Tab
keys -l "x"
# (capture-pane drops trailing blanks: the x shows the one after show.)
wait_for "ikelab> show x"
keys C-u
keys -l "s"
keys Tab Tab
wait_for "save  seed  set  show  source  start  state  step  swap"
keys C-u
wait_for "ikelab>"
type_line "start"
type_line "step"
wait_for "AM_R_SENT2"
keys Up Up
wait_for "ikelab> start"
keys Down Down C-u C-r
keys -l "ste"
wait_for "(reverse-i-search)\`ste': step"
keys C-g
wait_gone "reverse-i-search"
keys C-u
# Completion of packet numbers comes from the session.
keys -l "show "
keys Tab Tab
wait_for "1  2"
keys C-u
# Esc: the diagram has the keys ('s' steps there), Esc again: back.
keys Escape
wait_for "[diagram]"
keys s
wait_for "10 ms * AM_I_DONE"
keys Escape
wait_for "[command]"
keys -l "timers"
wait_for "ikelab> timers"
keys Enter
wait_for "r    phase 1      AG2      resend 1 of 5         4005 ms    3995 ms"
quit_ok
exit 0
