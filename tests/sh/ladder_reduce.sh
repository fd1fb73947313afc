#!/bin/sh
# The two ladder reducers of make interop agree on ikelab's own runs:
# tests/interop/pcap2ladder.sh (from a capture, as for the real daemons)
# and tests/interop/trace2ladder.awk (from ikelab's trace) give the same
# ladder for a clean run, the seed scenario, and a run whose resends go
# as IKE fragments (a first fragment counts as a resend of the message
# it starts, so that real and simulated ladders are read alike).
set -u
fail() { echo "FAIL: $*"; exit 1; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
if ! command -v tshark >/dev/null 2>&1; then
	[ "${CI:-}" = true ] && fail "tshark is not installed (CI=true: no skipping)"
	echo "skipped: tshark is not installed"
	exit 0
fi
here=$(pwd)/tests/interop
n=0
for setup in "" "rule drop AG3 once" \
    "set both profile libreswan|set r frag-resend 200|rule drop AG2 once|rule drop AG2b[2/3]"; do
	n=$((n + 1))
	{
		echo "seed 1"
		echo "$setup" | tr '|' '\n'
		echo "start"
		echo "run"
		echo "save pcap $t/c$n.pcap --classic"
		echo "save trace $t/t$n.jsonl"
	} >"$t/s$n.ike"
	${VALGRIND:-} "$IKELAB" -f "$t/s$n.ike" >"$t/out" 2>&1 ||
	    fail "run $n: $(tail -3 "$t/out")"
	sh "$here/pcap2ladder.sh" "$t/c$n.pcap" 192.0.2.1 >"$t/p$n.txt" ||
	    fail "pcap2ladder failed on run $n"
	awk -f "$here/trace2ladder.awk" "$t/t$n.jsonl" >"$t/l$n.txt"
	[ -s "$t/p$n.txt" ] || fail "run $n: empty ladder"
	diff "$t/l$n.txt" "$t/p$n.txt" >"$t/diff" ||
	    fail "run $n ('$setup'): the ladders differ: $(cat "$t/diff")"
done
# The fragmented run: AG2's two resends are resends, not new messages.
grep -c "r>i AG2 resend" "$t/p3.txt" | grep -qx 2 ||
    fail "fragmented AG2 resends: $(cat "$t/p3.txt")"
exit 0
