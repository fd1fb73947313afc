#!/bin/sh
# Run every test binary in BUILD/tests and every script transcript in
# tests/scripts, then print one summary line: "N passed, N failed".
set -u
build=${1:-build}
pass=0
fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

export CMOCKA_MESSAGE_OUTPUT=stdout
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.o|*.d) continue ;; esac
	# Sweeps that run thousands of sessions are too slow under
	# valgrind; they run under ASan/UBSan in check-asan instead.
	if [ -n "${VALGRIND:-}" ] &&
	    grep -qx "$(basename "$t")" tests/valgrind-skip 2>/dev/null; then
		echo "not under valgrind (ASan covers it): $t"
		continue
	fi
	${VALGRIND:-} "$t" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# crashed before cmocka could count
	fi
	if [ "$f" -ne 0 ]; then
		cat "$log"
		echo "FAIL: $t"
	else
		echo "ok: $t ($p tests)"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
done

# Script transcripts: tests/scripts/NAME.ike runs with `ikelab -f` and
# its output must equal tests/scripts/NAME.out byte for byte.
for s in tests/scripts/*.ike; do
	[ -f "$s" ] || continue
	exp=${s%.ike}.out
	want_rc=0
	[ -f "${s%.ike}.rc" ] && want_rc=$(cat "${s%.ike}.rc")
	${VALGRIND:-} "$build"/ikelab -f "$s" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && cmp -s "$log" "$exp"; then
		echo "ok: $s"
		pass=$((pass + 1))
	else
		echo "FAIL: $s (exit $rc, want $want_rc)"
		diff -u "$exp" "$log" | head -40
		fail=$((fail + 1))
	fi
done

# Shell tests: tests/sh/*.sh exit 0 on success.
for s in tests/sh/*.sh; do
	[ -f "$s" ] || continue
	if IKELAB="$build/ikelab" VALGRIND="${VALGRIND:-}" sh "$s" \
	    >"$log" 2>&1; then
		echo "ok: $s"
		pass=$((pass + 1))
	else
		cat "$log"
		echo "FAIL: $s"
		fail=$((fail + 1))
	fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
