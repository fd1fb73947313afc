#!/bin/sh
# ikelab's profiles against the real daemons, without root or daemons:
# every ladder stored under tests/interop/ladders/ (reduced from a capture
# of real strongSwan / libreswan daemons by `make interop`) must equal the
# ladder ikelab draws for the same scenario under the matching profiles:
# the same messages in the same order, each within 0.15 s of the real
# time. A stored ladder names its ikelab commands ("# ikelab: ...") and
# the seconds compared ("# window: N").
#
# tests/interop/known-mismatches lists ladders that ikelab does not draw
# yet, each with the reason; those must still differ (a listed ladder
# that starts to match fails too, so that the list stays true; with
# KNOWN_MAY_MATCH set, as make interop runs it on live captures, or for
# a reason that starts with "racy:", such a match is only reported).
# A "racy:" entry names a race that goes either way in the daemons: a
# live capture (KNOWN_MAY_MATCH) may show either outcome, but the stored
# ladder is the outcome ikelab draws and must match, so that make check
# still pins the profile.
#
# Without arguments it also checks that the comparison notices a changed
# profile knob: a few stored ladders are replayed with one knob changed,
# and each must then differ.
#
# Usage: profile_ladders.sh [LADDER ...]   (default: all stored ladders)
set -u
here=$(cd "$(dirname "$0")/../interop" && pwd)
ikelab=${IKELAB:-./ikelab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# compare_one LADDER [EXTRA-COMMAND ...]: replay LADDER's scenario in
# ikelab (with the extra commands after its own) and compare; the table
# goes to $tmp/cmp. Returns 0 on a match, 1 on a difference, 2 when
# ikelab or the file failed.
compare_one() {
	f=$1
	shift
	window=$(sed -n 's/^# window: *//p' "$f")
	if [ -z "$window" ]; then
		echo "no '# window:' line" >"$tmp/cmp"
		return 2
	fi
	{
		sed -n 's/^# ikelab: *//p' "$f"
		for c in "$@"; do
			echo "$c"
		done
		echo "start"
		echo "run"
		echo "save trace $tmp/trace.jsonl --force"
	} >"$tmp/cmds"
	if ! ${VALGRIND:-} "$ikelab" --seed 1 -f "$tmp/cmds" \
	    >"$tmp/out" 2>&1; then
		{ tail -5 "$tmp/out"; echo "ikelab failed"; } >"$tmp/cmp"
		return 2
	fi
	awk -f "$here/trace2ladder.awk" "$tmp/trace.jsonl" >"$tmp/sim.txt"
	awk -v window="$window" -v tol=0.15 -f "$here/compare.awk" \
	    "$f" "$tmp/sim.txt" >"$tmp/cmp" 2>&1
	[ $? -eq 0 ] && return 0
	return 1
}

all=0
[ $# -gt 0 ] || { set -- "$here"/ladders/*.txt; all=1; }
n=0
bad=0
known=0
for f in "$@"; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	name=$(basename "$f" .txt)
	why=$(sed -n "s/^$name[[:space:]][[:space:]]*//p" \
	    "$here/known-mismatches" 2>/dev/null)
	compare_one "$f"
	rc=$?
	echo "== $name"
	cat "$tmp/cmp"
	if [ $rc -eq 2 ]; then
		bad=$((bad + 1))
	elif [ -n "$why" ]; then
		if [ $rc -eq 0 ] && { [ -n "${KNOWN_MAY_MATCH:-}" ] ||
		    [ "${why#racy:}" != "$why" ]; }; then
			echo "known, but matches this time: $why"
		elif [ $rc -eq 0 ]; then
			echo "$name matches now: remove it from" \
			    "tests/interop/known-mismatches"
			bad=$((bad + 1))
		elif [ "${why#racy:}" != "$why" ] &&
		    [ -z "${KNOWN_MAY_MATCH:-}" ]; then
			echo "$name is racy, but its stored ladder must be" \
			    "the outcome ikelab draws"
			bad=$((bad + 1))
		else
			echo "known mismatch: $why"
			known=$((known + 1))
		fi
	elif [ $rc -ne 0 ]; then
		bad=$((bad + 1))
	fi
done
if [ $n -eq 0 ]; then
	echo "no stored ladders under $here/ladders"
	exit 1
fi

# A changed knob must show. LADDER | extra ikelab command
if [ $all -eq 1 ]; then
	while IFS='|' read -r lad cmd; do
		lad=$(echo "$lad" | tr -d ' ')
		cmd=$(echo "$cmd" | sed 's/^ *//')
		f=$here/ladders/$lad.txt
		[ -f "$f" ] || continue
		compare_one "$f" "$cmd"
		rc=$?
		if [ $rc -eq 1 ]; then
			echo "ok: $lad with '$cmd' differs, as it must"
		else
			cat "$tmp/cmp"
			echo "FAIL: $lad with '$cmd' does not differ"
			bad=$((bad + 1))
		fi
	done <<'EOF'
ss-lost-ag3 | set both retransmit 3s
ss-lost-ag3 | set i dup-resend reply
ss-lost-qm3 | set r retransmit 3s
ll-lost-ag3 | set r resend-ag2 on
ll-lost-qm2 | set r qm-dup reply
sl-lost-ag3 | set i qm-give-up stop
ls-lost-ag3 | set i dup-resend last
ls-wrong-psk | set i fail-resend off
ll-wrong-psk | set i revive 0
ss-lost-qm2 | set i busy 0
EOF
fi
echo "$((n - bad - known)) of $n ladders match, $known known mismatches"
[ $bad -eq 0 ]
