#!/bin/sh
# Without a terminal the timeline refuses cleanly: `tui` in a script is
# a failing line with a reason, `--tui` with -f or a piped stdin is a
# usage error (exit 2); `help tui` explains the keys. No tmux needed.
set -u
fail() { echo "FAIL: $*"; exit 1; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

printf 'seed 1\nstart\ntui\nstep\n' >"$t/s.ike"
"$IKELAB" -f "$t/s.ike" >"$t/out" 2>"$t/err" </dev/null
rc=$?
[ "$rc" -eq 1 ] || fail "tui in a script: exit $rc, want 1"
grep -qx "$t/s.ike:3: tui: the timeline needs a terminal (start ikelab on one, without -f)" \
    "$t/err" || fail "tui in a script: $(cat "$t/err")"
grep -q deliver "$t/out" && fail "a line after tui ran"

printf 'start\n' | "$IKELAB" --tui >"$t/out" 2>"$t/err"
rc=$?
[ "$rc" -eq 2 ] || fail "--tui on a pipe: exit $rc, want 2"
grep -qx "ikelab: --tui needs a terminal and no -f" "$t/err" ||
    fail "--tui on a pipe: $(cat "$t/err")"
"$IKELAB" --tui -f "$t/s.ike" >"$t/out" 2>"$t/err"
[ $? -eq 2 ] || fail "--tui with -f: not a usage error"

printf 'tui 7y\n' | "$IKELAB" --seed 1 >"$t/out" 2>"$t/err"
grep -qF "tui: '7y' is not a speed (1x, 10x, 100x or off)" "$t/err" ||
    fail "bad speed: $(cat "$t/err")"

printf 'help tui\n' | "$IKELAB" --seed 1 >"$t/out" 2>&1 ||
    fail "help tui failed"
grep -q "^usage: tui \[SPEED\]$" "$t/out" ||
    fail "help tui: $(cat "$t/out")"
grep -q "Esc moves between" "$t/out" || fail "help tui has no keys"
exit 0
