#!/bin/sh
# ikelab's exit status and error reports: a failing script line exits 1
# after "FILE:LINE: message", a usage error exits 2, a clean script 0,
# and stdin that is not a terminal is a script named "<stdin>".
set -u
fail() { echo "FAIL: $*"; exit 1; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

printf 'seed 1\n# comment\n\nstart\nstep 2x\nstep\n' >"$t/bad.ike"
"$IKELAB" -f "$t/bad.ike" >"$t/out" 2>"$t/err"
rc=$?
[ "$rc" -eq 1 ] || fail "bad line: exit $rc, want 1"
grep -qx "$t/bad.ike:5: step: '2x' is not a count (1 to 1000000)" "$t/err" ||
    fail "bad line: stderr was: $(cat "$t/err")"
# The line after the failing one never ran: no delivery in the output.
grep -q deliver "$t/out" && fail "a line after the failure ran"

printf 'seed 1\nstart\nfrobnicate\n' | "$IKELAB" >"$t/out" 2>"$t/err"
rc=$?
[ "$rc" -eq 1 ] || fail "stdin script: exit $rc, want 1"
grep -qx "<stdin>:3: unknown command 'frobnicate' (try 'help')" "$t/err" ||
    fail "stdin script: stderr was: $(cat "$t/err")"

printf 'seed 1\nstart\nrun\nquit\nstep\n' | "$IKELAB" >"$t/out" 2>&1
[ $? -eq 0 ] || fail "clean script did not exit 0"
grep -q 'stopped: nothing pending' "$t/out" || fail "run did not finish"

for args in "--bogus" "-f" "--seed" "--seed x1" "extra" "-f $t/missing.ike"; do
	# shellcheck disable=SC2086
	"$IKELAB" $args </dev/null >"$t/out" 2>"$t/err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "'ikelab $args': exit $rc, want 2"
	[ -s "$t/err" ] || fail "'ikelab $args': no message"
done

# A seed out of range says its range; a lesson that is not there stops
# a script before its first line (exit 2), so a typo is not missed.
"$IKELAB" --seed 99999999999999999999999 </dev/null >"$t/out" 2>"$t/err"
grep -qx "ikelab: --seed '99999999999999999999999' is not a whole number \
from 0 to 18446744073709551615" "$t/err" || fail "big seed: $(cat "$t/err")"
printf 'start\n' | "$IKELAB" --lesson nope >"$t/out" 2>"$t/err"
rc=$?
[ "$rc" -eq 2 ] || fail "--lesson nope in a script: exit $rc, want 2"
grep -qx "lesson: no lesson 'nope' (see 'lesson list')" "$t/err" ||
    fail "--lesson nope: stderr was: $(cat "$t/err")"
grep -q "send" "$t/out" && fail "--lesson nope: the script ran"

"$IKELAB" --help >"$t/out" 2>&1 || fail "--help did not exit 0"
grep -q '^usage: ikelab' "$t/out" || fail "--help shows no usage"
"$IKELAB" --version | grep -q '^ikelab [0-9]' || fail "--version"

# Without --seed or a seed line, a seed is chosen and shown first.
printf 'start\n' | "$IKELAB" >"$t/out" 2>&1 || fail "start without seed"
head -1 "$t/out" | grep -qE '^seed [0-9]+$' || fail "no seed shown"
# --seed fixes the run: two runs are byte-identical.
printf 'start\nrun\n' | "$IKELAB" --seed 9 >"$t/a" 2>&1
printf 'start\nrun\n' | "$IKELAB" --seed 9 >"$t/b" 2>&1
cmp -s "$t/a" "$t/b" || fail "--seed 9 twice gave different output"
exit 0
