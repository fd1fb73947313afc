#!/bin/sh
# save: refuses to overwrite without --force, writes JSON Lines for the
# trace, and a saved script replays to the same trace.
set -u
fail() { echo "FAIL: $*"; exit 1; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

cat >"$t/run.ike" <<EOS
seed 5
rule drop AG3 once
start
run until r QM_R_DONE
save trace $t/trace.jsonl
save script $t/replay.ike
save ladder $t/ladder.txt
EOS
"$IKELAB" -f "$t/run.ike" >"$t/out" 2>&1 || fail "run.ike: $(cat "$t/out")"
[ -s "$t/trace.jsonl" ] || fail "no trace written"
head -1 "$t/trace.jsonl" | grep -q '^{"t_ms":0,"event":"state","peer":"i","pkt":null,' ||
    fail "first trace line: $(head -1 "$t/trace.jsonl")"
grep -q '"event":"drop","peer":"i","pkt":3,"label":"AG3","reason":"rule 1"}' \
    "$t/trace.jsonl" || fail "no drop of AG3 in the trace"
lines=$(wc -l <"$t/trace.jsonl")
# Every line is one object.
[ "$(grep -c '^{.*}$' "$t/trace.jsonl")" -eq "$lines" ] || fail "not JSON Lines"
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys
for l in open(sys.argv[1]): json.loads(l)' "$t/trace.jsonl" ||
	    fail "trace is not valid JSON"
fi
awk 'length > 80 { exit 1 }' "$t/ladder.txt" || fail "ladder wider than 80"

# A second save to the same file is refused and leaves it alone.
cp "$t/trace.jsonl" "$t/keep"
printf 'seed 5\nstart\nsave trace %s\n' "$t/trace.jsonl" |
    "$IKELAB" >"$t/out" 2>"$t/err"
[ $? -eq 1 ] || fail "overwrite without --force did not fail"
grep -q "save: $t/trace.jsonl exists; use --force to overwrite" "$t/err" ||
    fail "overwrite message: $(cat "$t/err")"
cmp -s "$t/keep" "$t/trace.jsonl" || fail "refused save changed the file"
printf 'seed 5\nstart\nsave trace %s --force\n' "$t/trace.jsonl" |
    "$IKELAB" >"$t/out" 2>&1 || fail "--force failed: $(cat "$t/out")"
[ "$(wc -l <"$t/trace.jsonl")" -eq 3 ] || fail "--force did not replace"

# A write into a missing directory says why.
printf 'seed 5\nsave trace %s/no/such/dir/x\n' "$t" | "$IKELAB" >/dev/null 2>"$t/err"
grep -q 'No such file or directory' "$t/err" || fail "no strerror: $(cat "$t/err")"

# The saved script replays to the same trace.
head -1 "$t/replay.ike" | grep -qx '# ikelab script, seed 5' || fail "script header"
printf 'save trace %s/again.jsonl\n' "$t" >>"$t/replay.ike"
"$IKELAB" -f "$t/replay.ike" >/dev/null 2>&1 || fail "replay failed"
cmp -s "$t/keep" "$t/again.jsonl" || fail "replayed trace differs"
exit 0
