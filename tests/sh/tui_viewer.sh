#!/bin/sh
# The timeline's viewer for long output: a lesson's text opens at its
# end (where the task is), other output at its start; 'q' in the
# diagram closes the viewer and says that the next 'q' leaves, and the
# next 'q' then leaves the timeline for the prompt.
. "$(dirname "$0")/tui_lib.sh.inc"

tui_start 80 24 IKELAB_LESSONS="$(pwd)/lessons" -- --seed 1 --tui
wait_for "ikelab>"
type_line "lesson start 3"
# The task is at the end of the lesson's first text: it must be on screen.
wait_for "Task (your own commands, then 'lesson check'"
grep -qF "lesson start 3  (lines 5-23 of 23)" "$t/screen" ||
    fail "the lesson did not open at its last page"
grep -qF "(above: PgUp/PgDn scroll it; q in the diagram closes it)" \
    "$t/screen" || fail "no hint under the viewer"
# 'help' opens at its start.
type_line "help"
wait_for "help  (lines 1-"
keys Escape
wait_for "[diagram]"
keys q
wait_for "(closed; q in the diagram now leaves the timeline)"
grep -qF "q in the diagram closes it" "$t/screen" &&
    fail "the viewer's hint stayed after it closed"
keys q
wait_for "back at the prompt"
wait_gone "[diagram]"
quit_ok
exit 0
