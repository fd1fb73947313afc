#!/bin/sh
# Every lesson in lessons/ passes its check mode (ikelab --check-lesson
# runs its reference path and verifies every check and answer), so a
# change to the engine that breaks a lesson breaks the build. Also: a
# broken lesson exits 1 with FILE:LINE, and --lesson with a broken or
# unknown lesson reports it without taking the session down.
set -u
fail() { echo "FAIL: $*"; exit 1; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

n=0
bad=0
for f in lessons/*.txt; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	if ${VALGRIND:-} "$IKELAB" --check-lesson "$f" >"$t/out" 2>"$t/err"
	then
		grep -q "^$f: ok: " "$t/out" || { cat "$t/out"; bad=$((bad + 1)); }
	else
		cat "$t/err"
		bad=$((bad + 1))
	fi
done
echo "$n lessons checked, $bad failed"
[ "$n" -ge 9 ] || fail "only $n lessons"
[ "$bad" -eq 0 ] || fail "$bad lessons fail their check mode"

printf 'title T\nseed 1\ngoal G\ntask X\nsolution step\n' >"$t/bad.txt"
${VALGRIND:-} "$IKELAB" --check-lesson "$t/bad.txt" >"$t/out" 2>"$t/err"
rc=$?
[ "$rc" -eq 1 ] || fail "broken lesson: exit $rc, want 1"
grep -qx "$t/bad.txt:4: task has no 'check' (how else would the lesson know it is done?)" \
    "$t/err" || fail "broken lesson: stderr was: $(cat "$t/err")"

# A reference path that no longer holds is caught, with its line.
sed 's/^solution 4005$/solution 4006/' lessons/03-lost-ag3.txt >"$t/03.txt"
${VALGRIND:-} "$IKELAB" --check-lesson "$t/03.txt" >"$t/out" 2>"$t/err"
[ $? -eq 1 ] || fail "a wrong reference answer passed"
grep -q "^$t/03.txt:[0-9]*: reference answer '4006' is not accepted (the tool's answer is 4005)\$" \
    "$t/err" || fail "wrong answer: stderr was: $(cat "$t/err")"

${VALGRIND:-} "$IKELAB" --check-lesson "$t/missing.txt" >"$t/out" 2>"$t/err"
[ $? -eq 1 ] || fail "a missing lesson did not exit 1"

# --lesson: a broken lesson is reported with its line; a script then
# stops before its first line (exit 2), so that the mistake is seen.
printf 'start\nstep\n' | IKELAB_LESSONS="$t" ${VALGRIND:-} "$IKELAB" \
    --lesson bad --seed 1 >"$t/out" 2>"$t/err"
rc=$?
[ "$rc" -eq 2 ] || fail "--lesson bad: exit $rc, want 2"
grep -q "bad.txt:4: task has no 'check'" "$t/err" ||
    fail "--lesson bad: stderr was: $(cat "$t/err")"
grep -q 'deliver  #1   AG1' "$t/out" && fail "--lesson bad: the script ran"

# Lessons next to the program come before a ./lessons of the current
# directory (an old checkout there must not hide them).
mkdir -p "$t/cwd/lessons"
cp "$t/bad.txt" "$t/cwd/lessons/01-old.txt"
here=$PWD
ik=$(cd "$(dirname "$IKELAB")" && pwd)/$(basename "$IKELAB")
(cd "$t/cwd" && printf 'lesson list\n' | ${VALGRIND:-} "$ik" \
    >"$t/out" 2>"$t/err") || fail "lesson list: $(cat "$t/err")"
grep -q "^lessons (in $here/lessons)" "$t/out" ||
    fail "lesson list read: $(head -1 "$t/out")"
grep -q "01-old" "$t/out" && fail "lesson list shows ./lessons"

# --lesson NAME, then the student's commands from stdin.
printf 'step 3\nlesson check\nlesson next\nlesson answer AM_R_SENT2\n' |
    XDG_STATE_HOME="$t/state" ${VALGRIND:-} "$IKELAB" --lesson lost-ag3 \
    >"$t/out" 2>"$t/err" || fail "--lesson lost-ag3: $(cat "$t/err")"
grep -q '^Lesson: The lost AG3' "$t/out" || fail "no lesson title"
grep -q '^Done\.' "$t/out" || fail "the first task was not done"
grep -q '^Right\.' "$t/out" || fail "the answer was not accepted"
grep -qx "03-lost-ag3	2	10" "$t/state/ikelab/progress" ||
    fail "progress: $(cat "$t/state/ikelab/progress")"
[ "$(stat -c %a "$t/state/ikelab/progress")" = 600 ] ||
    fail "progress file is not 0600"
exit 0
