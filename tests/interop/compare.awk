# Compare two ladders (lines "SECONDS DIR LABEL new|resend"; '#' starts a
# comment). The first file is the real one, the second ikelab's. Only
# lines up to WINDOW seconds count. They match when both have the same
# messages in the same order (direction, label, new or resend) and each
# time differs by at most TOL seconds. Datagrams less than TOL apart may
# appear in either order: when two peers' timers fire in the same
# instant, which datagram leaves first is chance.
# Prints both side by side and ends with "match" or "MISMATCH: reason";
# the exit status is 0 on a match.
#
#   awk -v window=60 -v tol=0.15 -f compare.awk REAL SIM
function absf(x) { return x < 0 ? -x : x }
/^[ \t]*(#|$)/ { next }
FILENAME == ARGV[1] && $1 + 0 <= window {
	nr++; rt[nr] = $1 + 0; rk[nr] = $2 " " $3 " " $4; rl[nr] = $0; next
}
FILENAME == ARGV[2] && $1 + 0 <= window {
	ns++; st[ns] = $1 + 0; sk[ns] = $2 " " $3 " " $4; sl[ns] = $0; next
}
END {
	bad = ""
	slack = tol + 0.0005	# times have three decimals
	printf "%-28s %-28s %s\n", "real", "ikelab", "dt"
	for (k = 1; k <= nr; k++) {
		hit = 0
		for (s = 1; s <= ns; s++) {
			if (used[s] || sk[s] != rk[k])
				continue
			if (absf(st[s] - rt[k]) > slack)
				continue
			# lines passed over must be simultaneous with it
			ok = 1
			for (p = 1; p < s; p++)
				if (!used[p] && absf(st[p] - st[s]) > slack)
					ok = 0
			if (ok) {
				hit = s
				break
			}
		}
		if (hit) {
			used[hit] = 1
			printf "%-28s %-28s %+.3f\n", rl[k], sl[hit],
			    st[hit] - rt[k]
			continue
		}
		# no partner: show the first unused ikelab line beside it
		for (s = 1; s <= ns && used[s]; s++)
			;
		printf "%-28s %-28s %s\n", rl[k], s <= ns ? sl[s] : "",
		    "NO MATCH"
		if (bad == "")
			bad = "real line " k " (" rl[k] ") has no partner"
	}
	for (s = 1; s <= ns; s++)
		if (!used[s]) {
			printf "%-28s %-28s %s\n", "", sl[s], "ONLY IN IKELAB"
			if (bad == "")
				bad = "ikelab line " s " (" sl[s] \
				    ") has no partner"
		}
	if (bad == "") {
		print "match"
		exit 0
	}
	print "MISMATCH: " bad
	exit 1
}
