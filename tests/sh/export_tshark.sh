#!/bin/sh
# save pcap and save keys, checked with Wireshark's own tools on the
# seed scenario (seed 1, AG3 lost once):
#  - tshark reads all 9 packets, the dropped AG3 included, at their
#    send times, with good IPv4 and UDP checksums, the cookies and
#    message IDs that ikelab shows, and the comments on AG3 and QM1;
#  - editcap turns the pcapng into exactly the --classic file;
#  - with the keys file in a Wireshark profile (as the README says),
#    tshark decrypts every encrypted message once the resent copies are
#    removed, with no malformed packet, and finds the SPIs ikelab
#    negotiated; without the keys it decrypts none;
#  - a resend sent as IKE fragments is one record per fragment, and
#    tshark reassembles it.
# The tools are installed by `make check`; a missing one fails the test.
set -u
fail() { echo "FAIL: $*"; exit 1; }
for tool in tshark editcap capinfos; do
	command -v "$tool" >/dev/null 2>&1 ||
	    fail "$tool is not installed (make check installs tshark)"
done
: "${IKELAB:=build/ikelab}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# tshark reads its tables from a profile under $HOME; use a private one.
export HOME="$t/home" XDG_CONFIG_HOME="$t/home/.config"
prof="$XDG_CONFIG_HOME/wireshark/profiles/ikelab"
mkdir -p "$prof"

{
	echo "seed 1"
	echo "rule drop AG3 once"
	echo "start"
	echo "run"
	echo "state"
	echo "save pcap $t/seed.pcapng"
	echo "save pcap $t/seed.pcap --classic"
	echo "save keys $t/seed.keys"
	for n in 1 2 3 4 5 6 7 8 9; do echo "show $n"; done
} >"$t/run.ike"
${VALGRIND:-} "$IKELAB" -f "$t/run.ike" >"$t/out" 2>"$t/err" ||
    fail "ikelab: $(cat "$t/err")"

# What ikelab says about each packet: NUM LABEL SRC DST SECONDS ICOOKIE
# RCOOKIE MSGID, one line per packet.
awk '
/^packet #/ {
	if (n) print n, l, s, d, t, ic, rc, m
	n = substr($2, 2); l = $3
	if ($4 == "i>r") { s = "192.0.2.1"; d = "192.0.2.2" }
	else { s = "192.0.2.2"; d = "192.0.2.1" }
}
/^  sent [0-9]+ ms/ { t = sprintf("%d.%03d000000", $2 / 1000, $2 % 1000) }
/^ +0 +initiator cookie / { ic = $4 }
/^ +8 +responder cookie / { rc = $4 }
/^ +20 +message ID / { m = $4 }
END { if (n) print n, l, s, d, t, ic, rc, m }
' "$t/out" >"$t/want"
[ "$(wc -l <"$t/want")" -eq 9 ] || fail "ikelab showed: $(cat "$t/want")"
[ "$(cut -d' ' -f2 "$t/want" | tr '\n' ' ')" = \
    "AG1 AG2 AG3 QM1 AG2b AG3b QM1b QM2 QM3 " ] ||
    fail "not the seed's story: $(cat "$t/want")"

# tshark prints "Running as user root" on stderr; anything else there
# (such as a table it cannot load) is an error.
ts() {
	tshark "$@" 2>"$t/ts.err"
	rc=$?
	if grep -v '^Running as user' "$t/ts.err" | grep -q .; then
		fail "tshark $*: $(cat "$t/ts.err")"
	fi
	return $rc
}

capinfos -t -c "$t/seed.pcapng" >"$t/ci" 2>&1 || fail "capinfos: $(cat "$t/ci")"
grep -q 'File type: *Wireshark/... - pcapng' "$t/ci" || fail "$(cat "$t/ci")"
grep -q 'Number of packets: *9$' "$t/ci" || fail "$(cat "$t/ci")"
capinfos -t -c "$t/seed.pcap" >"$t/ci" 2>&1 || fail "capinfos: $(cat "$t/ci")"
grep -q 'File type: *Wireshark/tcpdump/... - pcap$' "$t/ci" || fail "$(cat "$t/ci")"
grep -q 'Number of packets: *9$' "$t/ci" || fail "$(cat "$t/ci")"

# Every record: addresses, ports, time, checksums, cookies, message ID.
ts -r "$t/seed.pcapng" -o ip.check_checksum:TRUE \
    -o udp.check_checksum:TRUE -T fields -E separator=' ' \
    -e frame.number -e ip.src -e ip.dst -e frame.time_epoch \
    -e isakmp.ispi -e isakmp.rspi -e isakmp.messageid \
    -e udp.srcport -e udp.dstport -e ip.checksum.status \
    -e udp.checksum.status >"$t/got" || fail "tshark cannot read the pcapng"
awk '{ print $1, $3, $4, $5, $6, $7, $8, "500 500 1 1" }' "$t/want" \
    >"$t/want.ts"
cmp -s "$t/want.ts" "$t/got" || {
	diff "$t/want.ts" "$t/got"
	fail "tshark's view of the capture differs from ikelab's"
}

# Comments: each starts "#N LABEL"; AG3's and QM1's say why.
ts -r "$t/seed.pcapng" -T fields -e frame.comment >"$t/comments" ||
    fail "tshark: comments"
awk '{ print "#" $1 " " $2 }' "$t/want" >"$t/w"
cut -d';' -f1 "$t/comments" | cmp -s - "$t/w" ||
    fail "comments: $(cat "$t/comments")"
[ "$(sed -n 3p "$t/comments")" = \
    "#3 AG3; dropped by rule 1 (drop AG3 once)" ] ||
    fail "AG3's comment: $(sed -n 3p "$t/comments")"
[ "$(sed -n 4p "$t/comments")" = \
    "#4 QM1; discarded by r: phase 1 incomplete" ] ||
    fail "QM1's comment: $(sed -n 4p "$t/comments")"
# --classic has the same packets and no comments.
[ -z "$(ts -r "$t/seed.pcap" -T fields -e frame.comment | tr -d '\n')" ] ||
    fail "comments in the classic pcap"

# editcap writes pcap in the host's byte order; ikelab always writes
# little-endian, so the bytes agree on little-endian hosts.
if [ "$(printf '\001\000' | od -An -tu2 | tr -d ' ')" = 1 ]; then
	editcap -F pcap "$t/seed.pcapng" "$t/conv.pcap" ||
	    fail "editcap cannot convert the pcapng"
	cmp -s "$t/conv.pcap" "$t/seed.pcap" ||
	    fail "the pcapng's packets differ from the --classic pcap's"
fi

# Decryption. Wireshark keeps one IV per exchange, so resent copies
# (labels ending in a letter) are removed first (DESIGN.md, Key files).
resent=$(awk '$2 ~ /[a-z]$/ { printf "%s ", $1 }' "$t/want")
[ "$resent" = "5 6 7 " ] || fail "resent copies: $resent"
# shellcheck disable=SC2086
editcap "$t/seed.pcapng" "$t/first.pcapng" $resent ||
    fail "editcap cannot remove frames"
cp "$t/seed.keys" "$prof/ikev1_decryption_table"
cp "$t/seed.keys.esp_sa" "$prof/esp_sa"
spi_i=$(sed -n 's/.*quick mode 1: .* spi i 0x\([0-9a-f]*\) .*/\1/p' \
    "$t/out" | head -1)
spi_r=$(sed -n 's/.*quick mode 1: .* r 0x\([0-9a-f]*\)$/\1/p' "$t/out" |
    head -1)
[ -n "$spi_i" ] && [ -n "$spi_r" ] || fail "no SPIs in: $(cat "$t/out")"
ts -C ikelab -o esp.enable_encryption_decode:TRUE -r "$t/first.pcapng" \
    -T fields -E separator='|' -e frame.comment -e isakmp.flag_e \
    -e isakmp.typepayload -e isakmp.spi -e _ws.malformed \
    >"$t/dec" || fail "tshark cannot decrypt"
# LABEL FLAG_E PAYLOADS [SPI], from the comment's label and the fields.
awk -F'|' '{ split($1, w, /[ ;]/); print w[2], $2, $3, $4, $5 }' \
    "$t/dec" | sed 's/ *$//' >"$t/dec2"
cat >"$t/want.dec" <<EOS
AG1 0 1,2,3,4,10,5
AG2 0 1,2,3,4,10,5,8
AG3 1 8
QM1 1 8,1,2,3,10 $spi_i
QM2 1 8,1,2,3,10 $spi_r
QM3 1 8
EOS
cmp -s "$t/want.dec" "$t/dec2" || {
	diff "$t/want.dec" "$t/dec2"
	fail "tshark did not decrypt every encrypted message"
}
grep -q '_ws.malformed\|Malformed' "$t/dec" && fail "malformed: $(cat "$t/dec")"

# Without the keys nothing encrypted is readable: the check above can
# fail.
ts -r "$t/first.pcapng" -T fields -e isakmp.flag_e \
    -e isakmp.typepayload >"$t/nokeys" || fail "tshark without keys"
[ "$(grep -c '^1	$' "$t/nokeys")" -eq 4 ] ||
    fail "decrypted without keys: $(cat "$t/nokeys")"

# IKE fragments (payload 132): two libreswan peers, the responder resends
# in fragments of at most 200 bytes, AG2 (416 bytes) is lost once, so
# AG2b goes as three records #4-#6 (UDP 208, 208, 132: 200, 200, 124
# bytes of ISAKMP). tshark must see one fragment ID (the one ikelab's
# trace names), sequence numbers 1-3, the last flag on the third only,
# and reassemble the whole AG2 at #6: 416 bytes with SA, KE, NONCE, ID
# and HASH.
{
	echo "seed 1"
	echo "set both profile libreswan"
	echo "set r frag-resend 200"
	echo "rule drop AG2 once"
	echo "start"
	echo "run until r QM_R_DONE"
	echo "save pcap $t/frag.pcapng"
} >"$t/frag.ike"
${VALGRIND:-} "$IKELAB" -f "$t/frag.ike" >"$t/fout" 2>"$t/err" ||
    fail "ikelab (fragments): $(cat "$t/err")"
fid=$(sed -n 's/.* fragment #4 .*(ID \([0-9]*\)).*/\1/p' "$t/fout")
[ -n "$fid" ] || fail "no fragment event for #4: $(cat "$t/fout")"
fid=$(printf '0x%04x' "$fid")
ts -2 -r "$t/frag.pcapng" -Y isakmp.frag.seq -T fields -E separator='|' \
    -e frame.number -e udp.length -e isakmp.frag.packetid \
    -e isakmp.frag.seq -e isakmp.frag.last -e isakmp.reassembled.in \
    -e isakmp.reassembled.length -e isakmp.typepayload -e frame.comment \
    >"$t/frag" || fail "tshark cannot read the fragments"
cat >"$t/want.frag" <<EOS
4|208|$fid|1|0|6||132|#4 AG2b[1/3]
5|208|$fid|2|0|6||132|#5 AG2b[2/3]
6|132|$fid|3|1||416|132,1,2,3,4,10,5,8|#6 AG2b[3/3]
EOS
cmp -s "$t/want.frag" "$t/frag" || {
	diff "$t/want.frag" "$t/frag"
	fail "tshark did not reassemble AG2b from its fragments"
}
exit 0
