# Input: one line a datagram from tshark (see pcap2ladder.sh):
#   epoch src sport exchtype flags msgid nextpayload fragseq payload
# The payload of a datagram to or from port 4500 starts with the four
# zero bytes of the non-ESP marker; it is cut off before comparing.
function hexval(s,    i, c, v) {
	v = 0
	s = tolower(s)
	sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1)) - 1
		v = v * 16 + c
	}
	return v
}
{
	t = $1; src = $2; sport = $3; exch = $4 + 0
	flags = hexval($5); msgid = $6; np = $7 + 0; frag = $8; pl = $9
	if (NF < 9) {
		# no fragment field: the payload is the eighth field
		pl = $8; frag = ""
	}
	if (sport == 4500)
		pl = substr(pl, 9)
	dir = (src == iaddr) ? "i>r" : "r>i"
	# Only the first fragment of a fragmented message stands for it.
	if (np == 132 && frag != "" && frag + 0 > 1)
		next
	key = dir " " pl
	# A first fragment carries the start of the whole message (after
	# the 36 bytes of header and fragment payload header): a message
	# sent whole before with that start makes it a resend of it.
	if (np == 132 && !(key in seen)) {
		slice = dir " " substr(pl, 73)
		for (k in seen)
			if (length(slice) > length(dir) + 1 &&
			    index(k, slice) == 1)
				key = k
	}
	resend = (key in seen) ? "resend" : "new"
	if (exch == 4) {
		if (dir == "r>i")
			lab = "AG2"
		else if (np == 132)
			lab = (key in seen) ? seen[key] : \
			    ((dir SUBSEP "ag1" in first) ? "AG3" : "AG1")
		else
			lab = (flags % 2 == 1) ? "AG3" : "AG1"
		if (dir == "i>r" && lab == "AG1")
			first[dir SUBSEP "ag1"] = 1
	} else if (exch == 32) {
		if (dir == "r>i") {
			lab = "QM2"
		} else if (key in seen) {
			lab = seen[key]
		} else {
			# the first distinct request of an M-ID is QM1, the
			# next one QM3
			lab = (("qm" SUBSEP msgid) in qm) ? "QM3" : "QM1"
			qm["qm" SUBSEP msgid] = 1
		}
	} else if (exch == 5) {
		lab = "INFO"
	} else {
		lab = "X" exch
	}
	if (!(key in seen))
		seen[key] = lab
	if (t0 == "") {
		if (lab != "AG1")
			next	# nothing before the first AG1 counts
		t0 = t
	}
	printf "%.3f %s %s %s\n", t - t0, dir, lab, resend
}
