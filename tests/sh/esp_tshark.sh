#!/bin/sh
# ping: one ESP packet each way, checked with tshark. After a clean
# exchange (seed 1) `ping` sends an ICMP echo request i>r and the
# responder answers; `save pcap` writes both as IP protocol 50 and
# `save keys` their SAs to FILE.esp_sa. With that table in a private
# Wireshark profile tshark must find the ICVs good, decrypt both
# packets to the echo request 192.0.2.1 > 192.0.2.2 and the reply, with
# the SPIs and sequence numbers ikelab reported; without the table it
# must decrypt nothing (so the check can fail).
set -u
fail() { echo "FAIL: $*"; exit 1; }
command -v tshark >/dev/null 2>&1 ||
    fail "tshark is not installed (make check installs it)"
: "${IKELAB:=build/ikelab}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
export HOME="$t/home" XDG_CONFIG_HOME="$t/home/.config"
prof="$XDG_CONFIG_HOME/wireshark/profiles/ikelab"
mkdir -p "$prof"

cat >"$t/run.ike" <<EOS
seed 1
start
run
ping
run
save pcap $t/p.pcapng
save keys $t/k
EOS
${VALGRIND:-} "$IKELAB" -f "$t/run.ike" >"$t/out" 2>"$t/err" ||
    fail "ikelab: $(cat "$t/err")"
# ikelab's own account: the esp events at the receivers.
grep -q ' r  esp      #7   ESP  spi 0x\([0-9a-f]*\)  ICMP echo request 192.0.2.1 > 192.0.2.2, seq 1, ICV ok$' "$t/out" ||
    fail "no echo request at r: $(cat "$t/out")"
grep -q ' i  esp      #8   ESP  spi 0x[0-9a-f]*  ICMP echo reply 192.0.2.2 > 192.0.2.1, seq 1, ICV ok$' "$t/out" ||
    fail "no echo reply at i: $(cat "$t/out")"
spi_ir=$(sed -n 's/.* r  esp      #7   ESP  spi \(0x[0-9a-f]*\) .*/\1/p' "$t/out")
spi_ri=$(sed -n 's/.* i  esp      #8   ESP  spi \(0x[0-9a-f]*\) .*/\1/p' "$t/out")
[ "$(grep -c '"IPv4"' "$t/k.esp_sa")" -eq 2 ] || fail "esp_sa: $(cat "$t/k.esp_sa")"

ts() {
	tshark "$@" 2>"$t/ts.err"
	rc=$?
	if grep -v '^Running as user' "$t/ts.err" | grep -q .; then
		fail "tshark $*: $(cat "$t/ts.err")"
	fi
	return $rc
}
fields="-Y esp -T fields -E separator=| -e frame.number -e ip.proto
    -e esp.spi -e esp.sequence -e esp.icv_good -e icmp.type -e icmp.seq
    -e ip.src -e ip.dst -e data.data"

cp "$t/k" "$prof/ikev1_decryption_table"
cp "$t/k.esp_sa" "$prof/esp_sa"
# shellcheck disable=SC2086
ts -C ikelab -o esp.enable_encryption_decode:TRUE \
    -o esp.enable_authentication_check:TRUE -r "$t/p.pcapng" $fields \
    >"$t/dec" || fail "tshark cannot read the capture"
data=$(printf 'ikelab ping 0123' | od -An -tx1 | tr -d ' \n')
cat >"$t/want" <<EOS
7|50,1|$spi_ir|1|1|8|1|192.0.2.1,192.0.2.1|192.0.2.2,192.0.2.2|$data
8|50,1|$spi_ri|1|1|0|1|192.0.2.2,192.0.2.2|192.0.2.1,192.0.2.1|$data
EOS
cmp -s "$t/want" "$t/dec" || {
	diff "$t/want" "$t/dec"
	fail "tshark did not decrypt the ping packets"
}

# Without the ESP SA table the inner packets stay hidden.
rm "$prof/esp_sa"
# shellcheck disable=SC2086
ts -C ikelab -o esp.enable_encryption_decode:TRUE -r "$t/p.pcapng" \
    $fields >"$t/nokeys" || fail "tshark without keys"
cat >"$t/want" <<EOS
7|50|$spi_ir|1||||192.0.2.1|192.0.2.2|
8|50|$spi_ri|1||||192.0.2.2|192.0.2.1|
EOS
cmp -s "$t/want" "$t/nokeys" || fail "without keys: $(cat "$t/nokeys")"

# A corrupted request: ikelab's responder discards it (ICV mismatch)
# and tshark's ICV check fails on the same record; the next ping
# (sequence number 2) goes through and is answered (the responder's
# first reply: 1).
cat >"$t/cor.ike" <<EOS
seed 1
start
run
rule corrupt ESP 30 once
ping
run
ping
run
save pcap $t/c.pcapng
save keys $t/c
EOS
${VALGRIND:-} "$IKELAB" -f "$t/cor.ike" >"$t/out" 2>"$t/err" ||
    fail "ikelab: $(cat "$t/err")"
grep -q ' r  discard  #7   ESP  SPI 0x[0-9a-f]* seq 1: ICV mismatch at offset 72$' "$t/out" ||
    fail "corrupted request not discarded: $(cat "$t/out")"
cp "$t/c.esp_sa" "$prof/esp_sa"
ts -C ikelab -o esp.enable_encryption_decode:TRUE \
    -o esp.enable_authentication_check:TRUE -o ip.check_checksum:TRUE \
    -r "$t/c.pcapng" -Y esp -T fields -E separator='|' -e frame.number \
    -e esp.sequence -e esp.icv_good -e esp.icv_bad -e icmp.type \
    -e frame.comment >"$t/cor" || fail "tshark cannot read the capture"
cat >"$t/want" <<EOS
7|1|0|1||#7 ESP; corrupted by rule 1 (corrupt ESP 30 once): byte 30 was 0x9f, now 0x60; discarded by r: SPI $spi_ir seq 1: ICV mismatch at offset 72
8|2|1|0|8|#8 ESP
9|1|1|0|0|#9 ESP
EOS
cmp -s "$t/want" "$t/cor" || {
	diff "$t/want" "$t/cor"
	fail "tshark's view of the corrupted ping differs"
}
exit 0
