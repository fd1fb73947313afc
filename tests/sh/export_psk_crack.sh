#!/bin/sh
# save psk-crack, checked with ike-scan's psk-crack: it recovers the
# pre-shared key of the seed scenario from a small word list holding
# it, finds nothing in one without it, reports the very HASH_R that
# AG2 carried, recovers the responder's key when the peers' keys
# differ, cracks an MD5 exchange, and a SHA2-256 exchange is refused
# with nothing written. The key files are private (mode 0600).
# psk-crack is installed by `make check`; a missing one fails the test.
set -u
fail() { echo "FAIL: $*"; exit 1; }
command -v psk-crack >/dev/null 2>&1 ||
    fail "psk-crack is not installed (make check installs ike-scan)"
: "${IKELAB:=build/ikelab}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

printf 'password\nsecret\nletmein\nvpn\n' >"$t/words"
printf 'password\nsecret\nvpn\n' >"$t/nowords"
printf 'password\nsesame\n' >"$t/sesame"

# ikelab -f SCRIPT-LINES...: run them, fail on an error.
run() {
	printf '%s\n' "$@" >"$t/run.ike"
	${VALGRIND:-} "$IKELAB" -f "$t/run.ike" >"$t/out" 2>"$t/err" ||
	    fail "ikelab: $(cat "$t/err")"
}

# The seed scenario, default PSK "letmein", SHA-1.
run "seed 1" "rule drop AG3 once" "start" "run" \
    "save psk-crack $t/seed.psk" "save keys $t/seed.keys" \
    "save secrets $t/seed.secrets" "show 2"
for f in seed.psk seed.keys seed.keys.esp_sa seed.secrets; do
	[ "$(stat -c %a "$t/$f")" = 600 ] || fail "$f is not mode 0600"
done
[ "$(wc -l <"$t/seed.psk")" -eq 1 ] || fail "one line: $(cat "$t/seed.psk")"
[ "$(tr -cd ':' <"$t/seed.psk" | wc -c)" -eq 8 ] ||
    fail "nine fields: $(cat "$t/seed.psk")"
# AG2's HASH payload as `show 2` prints it (the 20 bytes after "data:").
hash_r=$(awk '/  HASH  len/ { h = 1; next }
    h && /data: / { d = 1; next }
    d && /^ +[0-9]+ +[0-9a-f][0-9a-f] / { for (i = 2; i <= NF; i++) s = s $i
	if (length(s) >= 40) { print substr(s, 1, 40); exit } }' "$t/out")
[ ${#hash_r} -eq 40 ] || fail "no HASH_R in show 2: $(cat "$t/out")"
[ "${hash_r}" = "$(sed 's/.*://' "$t/seed.psk")" ] ||
    fail "last field is not AG2's HASH_R $hash_r"

psk-crack -d "$t/words" "$t/seed.psk" >"$t/crack" 2>&1 ||
    fail "psk-crack: $(cat "$t/crack")"
grep -q "^key \"letmein\" matches SHA1 hash $hash_r\$" "$t/crack" ||
    fail "psk-crack did not find letmein: $(cat "$t/crack")"
psk-crack -d "$t/nowords" "$t/seed.psk" >"$t/crack" 2>&1 ||
    fail "psk-crack: $(cat "$t/crack")"
grep -q "^no match found for SHA1 hash $hash_r\$" "$t/crack" ||
    fail "psk-crack found a key it was not given: $(cat "$t/crack")"

# Different keys: the initiator fails, the responder's PSK is cracked
# (the file holds what an eavesdropper saw), MD5 this time.
run "seed 2" "set both hash md5" "set i psk letmein" "set r psk sesame" \
    "start" "run" "save psk-crack $t/wrong.psk"
[ "$(wc -l <"$t/wrong.psk")" -eq 1 ] || fail "one line: $(cat "$t/wrong.psk")"
psk-crack -d "$t/sesame" "$t/wrong.psk" >"$t/crack" 2>&1 ||
    fail "psk-crack: $(cat "$t/crack")"
grep -q '^key "sesame" matches MD5 hash [0-9a-f]\{32\}$' "$t/crack" ||
    fail "psk-crack did not find sesame: $(cat "$t/crack")"
psk-crack -d "$t/words" "$t/wrong.psk" >"$t/crack" 2>&1 ||
    fail "psk-crack: $(cat "$t/crack")"
grep -q '^no match found for MD5 hash' "$t/crack" ||
    fail "the initiator's key cracked the responder's hash: $(cat "$t/crack")"

# SHA2-256: psk-crack cannot use it, so nothing is written.
printf '%s\n' "seed 3" "set both hash sha256" "start" "run" \
    "save psk-crack $t/sha256.psk" >"$t/run.ike"
${VALGRIND:-} "$IKELAB" -f "$t/run.ike" >"$t/out" 2>"$t/err"
[ $? -eq 1 ] || fail "save psk-crack of a SHA2-256 exchange succeeded"
grep -q "save: psk-crack knows MD5 and SHA-1 only; this exchange used SHA2-256: nothing written" \
    "$t/err" || fail "message: $(cat "$t/err")"
[ ! -e "$t/sha256.psk" ] || fail "a file was written for SHA2-256"
exit 0
