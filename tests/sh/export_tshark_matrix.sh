#!/bin/sh
# save keys, checked with tshark for every group, cipher and hash: the
# seed scenario (seed 1, AG3 lost once, default proposal) and one
# clean exchange for each group {1,2,5,14} x cipher {aes128,aes192,
# aes256,3des} x hash {md5,sha1,sha256} (48 runs, each with its own
# seed; ESP uses the same cipher and hash, so the ESP SA table changes
# too). Each run ends with a `ping`: one ESP packet each way.
#
# For each run ikelab writes a pcapng and its keys file, and `show N`
# prints every packet. The resent copies (labels ending in a letter:
# AG2b, AG3b, QM1b) must be byte for byte their first copy; they are
# removed with editcap, because Wireshark keeps one IV per exchange.
# With the keys file and FILE.esp_sa in a private Wireshark profile,
# tshark must then
#  - load both tables without a word on stderr,
#  - decrypt every encrypted message (AG3, QM1, QM2, QM3),
#  - find no malformed packet and no expert item above "comment"
#    (the pcapng packet comments are comments),
#  - decode the same fields as ikelab's `show`: exchange type, E flag,
#    both cookies, message ID, the payload chain (proposal = 2,
#    transform = 3), the SPIs of the Quick Mode SA payloads, the nonces
#    (AG1, AG2 and the decrypted QM1, QM2) and the hashes,
#  - and find both ESP packets' ICVs good and read the echo request
#    and reply inside, with the SPIs ikelab's receivers reported.
# ikelab's `show` decrypts a packet only with the keys its receiver
# had; where it shows a first copy still encrypted (the lost AG3 and
# the early QM1 of the seed), the fields come from the byte-identical
# resent copy it did decrypt.
#
# One line per run, then a summary; a mismatch names the run, the
# packet and the field. tshark is installed by `make check`; without it
# the test fails. Runs go two at a time (tshark's start-up dominates).
# By hand: `sh THIS one DIR NAME SEED [GROUP CIPHER HASH]` does one run
# and leaves its files in DIR/NAME.
set -u
: "${IKELAB:=build/ikelab}"

# One run: one DIR NAME SEED [GROUP CIPHER HASH]. Without a proposal
# it is the seed scenario. Writes DIR/NAME.res (one line) and exits 1
# on any failure.
if [ "${1:-}" = one ]; then
	top=$2 name=$3 seed=$4
	res="$top/$name.res"
	d="$top/$name"
	mkdir -p "$d"
	fail() { echo "FAIL $name: $*" >"$res"; exit 1; }
	export HOME="$d/home" XDG_CONFIG_HOME="$d/home/.config"
	prof="$XDG_CONFIG_HOME/wireshark/profiles/ikelab"
	mkdir -p "$prof"
	if [ $# -ge 7 ]; then
		npkt=8
		story="AG1 AG2 AG3 QM1 QM2 QM3 ESP ESP"
	else
		npkt=11
		story="AG1 AG2 AG3 QM1 AG2b AG3b QM1b QM2 QM3 ESP ESP"
	fi
	{
		echo "seed $seed"
		if [ $# -ge 7 ]; then
			echo "set both group $5"
			echo "set both cipher $6"
			echo "set both hash $7"
			echo "set both esp $6"
			echo "set both esp-auth $7"
		else
			echo "rule drop AG3 once"
		fi
		echo "start"
		echo "run"
		echo "ping"
		echo "run"
		echo "save pcap $d/c.pcapng"
		echo "save keys $d/k"
		n=1
		while [ "$n" -le "$npkt" ]; do
			echo "show $n"
			n=$((n + 1))
		done
	} >"$d/run.ike"
	${VALGRIND:-} "$IKELAB" -f "$d/run.ike" >"$d/out" 2>"$d/err" ||
	    fail "ikelab: $(cat "$d/err")"
	last=$(sed -n 's/.*  send  *#\([0-9]*\) .*/\1/p' "$d/out" | tail -1)
	[ "$last" = "$npkt" ] || fail "sent $last packets, want $npkt"
	[ "$(wc -l <"$d/k")" -eq 1 ] || fail "keys file: $(cat "$d/k")"
	[ "$(grep -c '^"IPv4",' "$d/k.esp_sa")" -eq 2 ] ||
	    fail "esp_sa: $(cat "$d/k.esp_sa")"

	# ikelab's view, one line per packet:
	# N|LABEL|DECODED|ENCRYPTED|XCHG|E|ICOOKIE|RCOOKIE|MSGID|PAYLOADS|
	# SPIS|NONCES|HASHES|BYTES (lists joined with commas).
	awk '
	function flush_data() {
		if (indata && kind == "NONCE")
			nonces = nonces (nonces == "" ? "" : ",") data
		if (indata && kind == "HASH")
			hashes = hashes (hashes == "" ? "" : ",") data
		indata = 0
	}
	function add_pl(v) { pl = pl (pl == "" ? "" : ",") v }
	function out() {
		flush_data()
		if (n != "")
			print n "|" lab "|" dec "|" enc "|" x "|" e "|" ic "|" \
			    rc "|" m "|" pl "|" spis "|" nonces "|" hashes "|" \
			    hex
	}
	BEGIN {
		split("SA 1 KE 4 ID 5 CERT 6 CR 7 HASH 8 SIG 9 NONCE 10 " \
		    "N 11 D 12 VID 13", a, " ")
		for (i = 1; i < 24; i += 2)
			num[a[i]] = a[i + 1]
		n = ""
	}
	/^packet #/ {
		out()
		n = substr($2, 2); lab = $3
		dec = 0; enc = 0; x = ""; e = ""; ic = ""; rc = ""; m = ""
		pl = ""; spis = ""; nonces = ""; hashes = ""; hex = ""
		indata = 0; kind = ""
		next
	}
	# The hex dump: "0000  13 47 ...  |ascii|".
	/^[0-9a-f][0-9a-f][0-9a-f][0-9a-f]  / {
		flush_data()
		s = substr($0, 7, 48)
		gsub(/ /, "", s)
		hex = hex s
		next
	}
	indata && /^ +[0-9]+ +[0-9a-f][0-9a-f]( [0-9a-f][0-9a-f])*$/ {
		for (i = 2; i <= NF; i++)
			data = data $i
		next
	}
	{ flush_data() }
	/^  \(decrypted with the receiver.s keys\)$/ { dec = 1 }
	/^ +[0-9]+  (de|en)crypted body: / { enc = 1 }
	/^ +[0-9]+ +initiator cookie / { ic = $4 }
	/^ +[0-9]+ +responder cookie / { rc = $4 }
	/^ +[0-9]+ +message ID / { m = $4 }
	/^ +[0-9]+ +exchange .*\([0-9]+\)$/ {
		x = $NF; gsub(/[()]/, "", x)
	}
	/^ +[0-9]+ +flags 0x/ {
		e = index("13579bdf", substr($3, length($3), 1)) ? 1 : 0
	}
	/^ +[0-9]+  [A-Z][A-Z-]*  len [0-9]+$/ {
		kind = $2
		add_pl(($2 in num) ? num[$2] : "?" $2)
	}
	/^ +[0-9]+ +proposal #[0-9]+$/ { add_pl(2) }
	/^ +[0-9]+ +transform #[0-9]+$/ { add_pl(3) }
	/^ +[0-9]+ +SPI [0-9a-f]+$/ {
		spis = spis (spis == "" ? "" : ",") $3
	}
	/^ +[0-9]+ +data: [0-9]+ bytes$/ { indata = 1; data = "" }
	END { out() }
	' "$d/out" >"$d/ike"
	[ "$(cut -d'|' -f2 "$d/ike" | tr '\n' ' ')" = "$story " ] ||
	    fail "not the expected story: $(cut -d'|' -f2 "$d/ike" |
	    tr '\n' ' ')"

	# Resent copies: byte-identical to their first copy, and dropped
	# from the capture. A first copy that ikelab did not decrypt takes
	# its fields from an identical copy that it did. WANT: one line
	# per first copy, N|LABEL|XCHG|E|ICOOKIE|RCOOKIE|MSGID|PAYLOADS|
	# SPIS|NONCES|HASHES.
	awk -F'|' '
	$2 == "ESP" { next }
	{
		stem = $2; sub(/[a-z]+$/, "", stem)
		if (stem == $2) {
			first[stem] = NR; order[++k] = stem; num[stem] = $1
		} else if (!(stem in first)) {
			print "ERR #" $1 " " $2 " resends nothing seen before"
			next
		} else if ($14 != hexof[stem]) {
			print "ERR #" $1 " " $2 " differs from its first copy"
			next
		} else
			print "RESENT " $1
		if (stem == $2)
			hexof[stem] = $14
		if (!(stem in f) && ($3 == 1 || $4 == 0)) {
			f[stem] = $5
			for (i = 6; i <= 13; i++)
				f[stem] = f[stem] "|" $i
		}
	}
	END {
		for (j = 1; j <= k; j++) {
			s = order[j]
			if (!(s in f))
				print "ERR ikelab decrypted no copy of " s
			else
				print "WANT " num[s] "|" s "|" f[s]
		}
	}' "$d/ike" >"$d/plan"
	grep -q '^ERR' "$d/plan" && fail "$(sed -n 's/^ERR //p' "$d/plan" |
	    head -3 | tr '\n' ';' | sed 's/;$//')"
	sed -n 's/^WANT //p' "$d/plan" >"$d/want"
	resent=$(sed -n 's/^RESENT //p' "$d/plan" | tr '\n' ' ')

	# Every encrypted message must have the fields that prove it was
	# read: a hash; QM1 and QM2 also an SPI and a nonce; AG1 and AG2
	# their nonces. (Otherwise an empty field on both sides would
	# compare equal.)
	awk -F'|' '
	$4 == 1 && $11 == "" { print "no hash in " $2 }
	($2 == "QM1" || $2 == "QM2") && ($9 == "" || $10 == "") {
		print "no SPI or nonce in " $2
	}
	($2 == "AG1" || $2 == "AG2") && $10 == "" { print "no nonce in " $2 }
	' "$d/want" >"$d/holes"
	[ -s "$d/holes" ] && fail "ikelab's show: $(head -1 "$d/holes")"
	enc=$(awk -F'|' '$4 == 1 { printf "%s ", $2 }' "$d/want")
	[ "$enc" = "AG3 QM1 QM2 QM3 " ] || fail "encrypted messages: $enc"

	cap="$d/c.pcapng"
	if [ -n "$resent" ]; then
		# shellcheck disable=SC2086
		editcap "$d/c.pcapng" "$d/first.pcapng" $resent \
		    >"$d/editcap.err" 2>&1 ||
		    fail "editcap: $(cat "$d/editcap.err")"
		cap="$d/first.pcapng"
	fi
	# The ping: ikelab's receivers found each ICV good and read an
	# echo request (i>r) and its reply; tshark must too, with the same
	# SPIs. ESPWANT: N|ESP|SPI|1|ICMP TYPE.
	awk '$4 == "esp" && $6 == "ESP" && $7 == "spi" && / ICV ok$/ {
		t = $11 == "request" ? 8 : $11 == "reply" ? 0 : "?"
		print substr($5, 2) "|ESP|" $8 "|1|" t
	}' "$d/out" >"$d/espwant"
	[ "$(cut -d'|' -f5 "$d/espwant" | tr '\n' ' ')" = "8 0 " ] ||
	    fail "ping: $(grep ' esp ' "$d/out")"

	cp "$d/k" "$prof/ikev1_decryption_table"
	cp "$d/k.esp_sa" "$prof/esp_sa"
	tshark -C ikelab -o esp.enable_encryption_decode:TRUE \
	    -o esp.enable_authentication_check:TRUE -r "$cap" \
	    -T fields -E separator='|' -E occurrence=a -E aggregator=, \
	    -e frame.comment -e isakmp.exchangetype -e isakmp.flag_e \
	    -e isakmp.ispi -e isakmp.rspi -e isakmp.messageid \
	    -e isakmp.typepayload -e isakmp.spi -e isakmp.nonce \
	    -e isakmp.hash -e esp.spi -e esp.icv_good -e icmp.type \
	    -e _ws.malformed -e _ws.expert.severity -e _ws.expert.message \
	    >"$d/ts" 2>"$d/ts.err" || fail "tshark: $(cat "$d/ts.err")"
	# tshark says "Running as user root" on stderr; anything else
	# (a table it refuses, say) is an error.
	if grep -v '^Running as user' "$d/ts.err" | grep -q .; then
		fail "tshark: $(cat "$d/ts.err")"
	fi

	# Compare field by field, packet by packet (the comment "#N LABEL"
	# says which packet a record is). Expert severity 1048576 is
	# "comment"; anything higher is a complaint.
	awk -F'|' '
	BEGIN {
		split("exchange type|E flag|initiator cookie|responder " \
		    "cookie|message ID|payloads|SA SPIs|nonces|hashes",
		    ike, "|")
		split("ESP SPI|ICV good|ICMP type", esp, "|")
	}
	FILENAME != ARGV[3] { want[$1] = $0; order[++nw] = $1; next }
	{
		split($1, c, /[ ;]/)
		pn = substr(c[1], 2)
		where = "packet #" pn " " c[2]
		if (!(pn in want)) {
			print where ": not expected"
			next
		}
		seen[pn] = 1
		nf = split(want[pn], w, "|")
		if (w[2] != c[2])
			print where ": ikelab calls it " w[2]
		# IKE fields are columns 2-10 of tshark, ESP ones 11-13.
		off = c[2] == "ESP" ? 8 : -1
		for (i = 3; i <= nf; i++) {
			if (w[i] == $(i + off))
				continue
			print where ": " (off > 0 ? esp[i - 2] : ike[i - 2]) \
			    " is \"" $(i + off) "\", ikelab has \"" w[i] "\""
		}
		if ($14 != "")
			print where ": malformed"
		ns = split($15, sev, ",")
		split($16, msg, ",")
		for (i = 1; i <= ns; i++)
			if (sev[i] + 0 > 1048576)
				print where ": expert " sev[i] ": " msg[i]
	}
	END {
		for (i = 1; i <= nw; i++)
			if (!(order[i] in seen))
				print "packet #" order[i] ": not read by tshark"
	}' "$d/want" "$d/espwant" "$d/ts" >"$d/diff"
	if [ -s "$d/diff" ]; then
		more=$(($(wc -l <"$d/diff") - 3))
		if [ "$more" -gt 0 ]; then more=" ($more more)"; else more=; fi
		fail "$(head -3 "$d/diff" | tr '\n' ';' | sed 's/;$//')$more"
	fi
	gone=${resent:+" (resent copies ${resent}removed)"}
	echo "ok   $name: $(wc -l <"$d/want") messages, ${enc}decrypted," \
	    "fields equal; ping decrypted$gone" >"$res"
	exit 0
fi

fail() { echo "FAIL: $*"; exit 1; }
for tool in tshark editcap; do
	command -v "$tool" >/dev/null 2>&1 ||
	    fail "$tool is not installed (make check installs tshark)"
done
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# The runs, one per line: NAME SEED [GROUP CIPHER HASH]; each
# combination has its own seed, so cookies, nonces and SPIs differ.
{
	echo "seed 1"
	s=100
	for g in 1 2 5 14; do
		for c in aes128 aes192 aes256 3des; do
			for h in md5 sha1 sha256; do
				s=$((s + 1))
				echo "g$g-$c-$h $s $g $c $h"
			done
		done
	done
} >"$t/runs"
[ "$(wc -l <"$t/runs")" -eq 49 ] || fail "runs: $(cat "$t/runs")"
sed "s|^|$t |" "$t/runs" | xargs -P2 -L1 sh "$0" one
bad=0
while read -r name rest; do
	if [ -f "$t/$name.res" ]; then
		cat "$t/$name.res"
	else
		echo "FAIL $name: no result ($rest)"
	fi
	grep -q '^ok ' "$t/$name.res" 2>/dev/null || bad=$((bad + 1))
done <"$t/runs"
echo "$((49 - bad)) of 49 runs: tshark decrypts and decodes what ikelab shows"
[ "$bad" -eq 0 ]
