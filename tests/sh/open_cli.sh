#!/bin/sh
# `open` from a script (ikelab -f): the strongSwan capture with its keys
# passes every check and its frames agree with tshark's reading (exchange
# type of each ISAKMP frame, SPI and sequence number of each ESP frame);
# a truncated copy makes the script stop with FILE:LINE, the record
# number and offset, and exit status 1; a wrong --psk fails the hashes
# but is not an error of the script.
set -u
fail() { echo "FAIL: $*"; exit 1; }
command -v tshark >/dev/null 2>&1 ||
    fail "tshark is not installed (make check installs it)"
: "${IKELAB:=build/ikelab}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
vec=tests/vectors/strongswan-aggr-quick

echo "open $vec.pcap --secrets $vec.keys.txt" >"$t/ok.ike"
${VALGRIND:-} "$IKELAB" -f "$t/ok.ike" >"$t/out" 2>"$t/err" ||
    fail "open exited $?: $(cat "$t/err")"
grep -q '^23 checks: 23 passed, 0 failed$' "$t/out" ||
    fail "checks: $(grep checks: "$t/out")"

# ikelab's list: NUMBER LABEL WHAT..., turned into the exchange type
# or "SPI SEQ" that tshark shows for the same frame.
awk '/^frame      time  dir  label   what$/ { on = 1; next }
on && NF == 0 { exit }
on {
	if ($6 == "ESP") { sub(/^0x/, "", $8); print $1, "0x" $8, $10 + 0 }
	else if ($5 ~ /^AG/) print $1, 4
	else if ($5 ~ /^QM/) print $1, 32
	else if ($5 ~ /^INFO/) print $1, 5
	else print $1, "?"
}' "$t/out" >"$t/ours"
tshark -r "$vec.pcap" -T fields -E separator=' ' -e frame.number \
    -e isakmp.exchangetype -e esp.spi -e esp.sequence 2>/dev/null |
    sed 's/  */ /g; s/ $//' >"$t/theirs"
cmp -s "$t/ours" "$t/theirs" || {
	diff "$t/ours" "$t/theirs"
	fail "ikelab's frame list differs from tshark's"
}

# A truncated capture: the script stops at line 2 with the place.
head -c 2000 "$vec.pcap" >"$t/cut.pcap"
printf 'seed 1\nopen %s\nstart\n' "$t/cut.pcap" >"$t/cut.ike"
${VALGRIND:-} "$IKELAB" -f "$t/cut.ike" >"$t/out" 2>"$t/err"
rc=$?
[ "$rc" -eq 1 ] || fail "truncated capture: exit $rc"
[ "$(cat "$t/err")" = "$t/cut.ike:2: open: $t/cut.pcap: record 5 at offset 1888: captured length 490 but only 104 bytes left in the file" ] ||
    fail "truncated capture: $(cat "$t/err")"
grep -q 'send' "$t/out" && fail "the script went on after the error"

# A wrong key is a result, not an error.
echo "open $vec.pcap --secrets $vec.keys.txt --psk wrong" >"$t/psk.ike"
${VALGRIND:-} "$IKELAB" -f "$t/psk.ike" >"$t/out" 2>"$t/err" ||
    fail "open --psk exited $?: $(cat "$t/err")"
grep -q '^  FAILED  HASH_R in AG2 (frame 2)$' "$t/out" ||
    fail "HASH_R did not fail with a wrong key"
grep -q '^  passed  HASH' "$t/out" && fail "a hash passed with a wrong key"
exit 0
