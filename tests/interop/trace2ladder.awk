# Reduce an ikelab trace (save trace FILE: JSON Lines) to the same ladder
# as pcap2ladder.sh: "SECONDS DIR LABEL new|resend", one line for each
# send or resend event. A label loses its instance number (QM1.2 -> QM1)
# and its resend letter (AG2b -> AG2). As in pcap2ladder.awk, only the
# first IKE fragment of a fragmented message stands for it: AG2b[1/2]
# is a line (AG2), AG2b[2/2] is not.
function field(name,    re, s) {
	re = "\"" name "\":(\"[^\"]*\"|[^,}]*)"
	if (!match($0, re))
		return ""
	s = substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 3)
	gsub(/"/, "", s)
	return s
}
/"event":"(send|resend)"/ {
	lab = field("label")
	if (lab ~ /\[[0-9]+\/[0-9]+\]$/) {
		if (lab !~ /\[1\//)
			next
		sub(/\[.*$/, "", lab)
	}
	sub(/\..*$/, "", lab)
	sub(/[a-z]+$/, "", lab)
	dir = (field("peer") == "i") ? "i>r" : "r>i"
	kind = (field("event") == "resend") ? "resend" : "new"
	printf "%.3f %s %s %s\n", field("t_ms") / 1000, dir, lab, kind
}
