#!/bin/sh
# ikelab's profiles against the real daemons, without root or daemons:
# every ladder stored under tests/interop/ladders/ (reduced from a capture
# of real strongSwan / libreswan daemons by `make interop`) must equal the
# ladder ikelab draws for the same scenario under the matching profiles:
# the same messages in the same order, each within 0.15 s of the real
# time. A stored ladder names its ikelab commands ("# ikelab: ...") and
# the seconds compared ("# window: N").
#
# Usage: profile_ladders.sh [LADDER ...]   (default: all stored ladders)
set -u
here=$(cd "$(dirname "$0")/../interop" && pwd)
ikelab=${IKELAB:-./ikelab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ $# -gt 0 ] || set -- "$here"/ladders/*.txt
n=0
bad=0
for f in "$@"; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	name=$(basename "$f" .txt)
	window=$(sed -n 's/^# window: *//p' "$f")
	if [ -z "$window" ]; then
		echo "$name: no '# window:' line"
		bad=$((bad + 1))
		continue
	fi
	{
		sed -n 's/^# ikelab: *//p' "$f"
		echo "start"
		echo "run"
		echo "save trace $tmp/trace.jsonl --force"
	} >"$tmp/cmds"
	if ! ${VALGRIND:-} "$ikelab" --seed 1 -f "$tmp/cmds" \
	    >"$tmp/out" 2>&1; then
		tail -5 "$tmp/out"
		echo "$name: ikelab failed"
		bad=$((bad + 1))
		continue
	fi
	awk -f "$here/trace2ladder.awk" "$tmp/trace.jsonl" >"$tmp/sim.txt"
	if awk -v window="$window" -v tol=0.15 -f "$here/compare.awk" \
	    "$f" "$tmp/sim.txt" >"$tmp/cmp" 2>&1; then
		echo "== $name"
		cat "$tmp/cmp"
	else
		echo "== $name"
		cat "$tmp/cmp"
		bad=$((bad + 1))
	fi
done
if [ $n -eq 0 ]; then
	echo "no stored ladders under $here/ladders"
	exit 1
fi
echo "$((n - bad)) of $n ladders match"
[ $bad -eq 0 ]
