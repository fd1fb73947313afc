# Compare two ladders (lines "SECONDS DIR LABEL new|resend"; '#' starts a
# comment). The first file is the real one, the second ikelab's. Only
# lines up to WINDOW seconds count. They match when both have the same
# messages in the same order (direction, label, new or resend) and each
# time differs by at most TOL seconds. Prints both side by side and ends
# with "match" or "MISMATCH: reason"; the exit status is 0 on a match.
#
#   awk -v window=60 -v tol=0.15 -f compare.awk REAL SIM
/^[ \t]*(#|$)/ { next }
FILENAME == ARGV[1] && $1 + 0 <= window { real[++nr] = $0; next }
FILENAME == ARGV[2] && $1 + 0 <= window { sim[++ns] = $0; next }
END {
	bad = ""
	n = nr > ns ? nr : ns
	printf "%-28s %-28s %s\n", "real", "ikelab", "dt"
	for (k = 1; k <= n; k++) {
		split(real[k], a, " ")
		split(sim[k], b, " ")
		note = ""
		if (k > nr || k > ns) {
			note = "missing"
		} else if (a[2] != b[2] || a[3] != b[3] || a[4] != b[4]) {
			note = "differs"
		} else {
			d = b[1] - a[1]
			note = sprintf("%+.3f", d)
			if (d > tol + 0.0005 || -d > tol + 0.0005)
				note = note " TOO FAR"
		}
		printf "%-28s %-28s %s\n", real[k], sim[k], note
		if (bad == "" && (note == "missing" || note == "differs" ||
		    note ~ /FAR/))
			bad = "line " k ": " note
	}
	if (bad == "") {
		print "match"
		exit 0
	}
	print "MISMATCH: " bad
	exit 1
}
