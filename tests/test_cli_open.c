/*
 * test_cli_open.c: the `open` command on real and ikelab-made captures.
 *
 *  - the strongSwan capture of tests/vectors, with its keys file: the
 *    ten frames are AG1 AG2 AG3 QM1 QM2 QM3 ESP ESP INFO INFO.2, every
 *    hash, IV, KEYMAT and ICV check passes with the values of
 *    ikev1-reference.md 10; the pcapng copy reads the same;
 *  - with --psk set to a wrong key every hash fails (expected and
 *    actual shown), with the right one every check passes;
 *  - a capture ikelab writes (the seed's lost AG3, then `ping`), opened
 *    with its own `save secrets` file: resends are recognised and
 *    labelled, every check passes, the ESP packets decrypt;
 *  - a corrupted ESP packet or HASH_R fails its check;
 *  - empty, truncated and corrupt files, bad secrets files and bad
 *    usage give one clear error (record number and offset), no crash.
 *
 * Run from the repository root (tests/run.sh does).
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"

#define VEC_PCAP	"tests/vectors/strongswan-aggr-quick.pcap"
#define VEC_PCAPNG	"tests/vectors/strongswan-aggr-quick.pcapng"
#define VEC_KEYS	"tests/vectors/strongswan-aggr-quick.keys.txt"

struct fx {
	struct cli	 cli;
	FILE		*out;
	char		*buf;
	size_t		 len;
	size_t		 seen;
	char		 dir[64];	/* a temporary directory */
};

static int
fx_setup(void **state)
{
	struct fx	*fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->out = open_memstream(&fx->buf, &fx->len);
	assert_non_null(fx->out);
	cli_init(&fx->cli, fx->out, fx->out);
	fx->cli.seed = 1;
	fx->cli.has_seed = true;
	/* Thousands of small files are written: tmpfs when there is one. */
	snprintf(fx->dir, sizeof(fx->dir), "%s/ikelab-open-XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	assert_non_null(mkdtemp(fx->dir));
	*state = fx;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*fx = *state;
	char		 cmd[128];

	cli_free(&fx->cli);
	fclose(fx->out);
	free(fx->buf);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

/* Everything printed since the last call (the caller frees it). */
static char *
fx_output(struct fx *fx)
{
	char	*s;

	fflush(fx->out);
	s = strndup(fx->buf != NULL ? fx->buf + fx->seen : "",
	    fx->len - fx->seen);
	assert_non_null(s);
	fx->seen = fx->len;
	return s;
}

/* Run LINE (printf-style); it must return RC. */
static void IKE_PRINTF(3, 4)
run(struct fx *fx, int rc, const char *fmt, ...)
{
	char	line[1024];
	va_list	ap;
	int	got;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	got = cli_exec_line(&fx->cli, line);
	if (got != rc)
		fail_msg("'%s' returned %d, not %d: %s", line, got, rc,
		    fx->cli.err);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	uint8_t	*p;
	long	 n = 0;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		fail_msg("cannot read %s (run from the repository root)", path);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* Write N bytes of P to DIR/NAME; the path goes to OUT. */
static void
spill(const struct fx *fx, const char *name, const void *p, size_t n,
    char *out, size_t outlen)
{
	FILE	*f;

	snprintf(out, outlen, "%s/%s", fx->dir, name);
	assert_non_null(f = fopen(out, "wb"));
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* The label column of the frame list, space-separated. */
static void
labels(const char *out, char *got, size_t len)
{
	const char	*p = strstr(out, "frame      time  dir  label   what\n");
	size_t		 n = 0;

	assert_non_null(p);
	got[0] = '\0';
	p = strchr(p, '\n') + 1;
	while (*p != '\0' && *p != '\n') {
		char	lab[32];

		if (sscanf(p, "%*u %*u ms %*s %31s", lab) != 1)
			break;
		n += (size_t)snprintf(got + n, len - n, "%s%s", n ? " " : "",
		    lab);
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
}

/* How many lines of OUT start with PREFIX. */
static int
count_lines(const char *out, const char *prefix)
{
	int		 n = 0;
	size_t		 pl = strlen(prefix);
	const char	*p = out;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, prefix, pl) == 0)
			n++;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return n;
}

static void
assert_has(const char *out, const char *want)
{
	if (strstr(out, want) == NULL)
		fail_msg("output lacks '%s':\n%s", want, out);
}

static const char vec_labels[] =
    "AG1 AG2 AG3 QM1 QM2 QM3 ESP ESP INFO INFO.2";

/* The checks a correct key gives on the strongSwan capture. */
static const char *const vec_passed[] = {
	"  passed  HASH_R in AG2 (frame 2): "
	    "d9d799241a2e0e408d6a46d116cd44321781600e\n",
	"  passed  HASH_I in AG3 (frame 3): "
	    "1c823dd57d20def4eaf8c4d48181ee37bd23ef33\n",
	"  passed  last phase 1 CBC block (secrets file): "
	    "007363a08c351a4b6c86bac117206081\n",
	"  passed  HASH(1) in QM1 (frame 4): "
	    "d876c5e2279f1e0a1e73e9f1e7d763f4dbf54415\n",
	"  passed  HASH(2) in QM2 (frame 5): "
	    "330d07f13b639c2f873f15862a13336a6f8b1039\n",
	"  passed  HASH(3) in QM3 (frame 6): "
	    "a276c5b32db1050c3309facd11d18aa2372ea1f9\n",
	"  passed  QM IV 1 of message ID f5d2076b (secrets file line 18): "
	    "b440383fff51b94d05ec010f13e9cb4f\n",
	"  passed  KEYMAT i>r (encryption and integrity initiator key): "
	    "90dbb1453e7cbc1a4f424661804c9383"
	    "91a08df73b2b5cc8b3cd1c2275015b5e0164203e\n",
	"  passed  KEYMAT r>i (encryption and integrity responder key): "
	    "2a2eec8a267d0609cb87753b8286f8ec"
	    "575049840deb1dbdbf3c1124ae61dd1780121bc4\n",
	"  passed  HASH(1) in INFO (frame 9): "
	    "7867294cdcfcdb200f8366bf796eacb4764834b7\n",
	"  passed  INFO IV 1 of message ID 54c32325 (secrets file line 27): "
	    "e4552a5f2e037f6860b85e13340dbb91\n",
	"  passed  HASH(1) in INFO.2 (frame 10): "
	    "994175cc552062fafcd2cf76cf465b719f32d462\n",
	"  passed  ICV of ESP (frame 7) SPI 0x4d536701 seq 1: ",
	"            carries UDP 10.1.0.1:48434 > 10.2.0.1:9, 52 bytes\n",
	"  passed  ICV of ESP (frame 8) SPI 0xedb4f7f9 seq 1: ",
	"            carries ICMP type 3 code 3 10.2.0.1 > 10.1.0.1, "
	    "80 bytes\n",
	"23 checks: 23 passed, 0 failed\n",
};

static void
strongswan_capture_is_labelled_decrypted_and_checked(void **state)
{
	struct fx	*fx = *state;
	char		*out, got[256];
	size_t		 k;

	run(fx, 0, "open " VEC_PCAP " --secrets " VEC_KEYS);
	out = fx_output(fx);
	assert_has(out, "capture " VEC_PCAP ": pcap, 10 frames\n"
	    "initiator 10.213.0.1, responder 10.213.0.2\n");
	labels(out, got, sizeof(got));
	assert_string_equal(got, vec_labels);
	for (k = 0; k < sizeof(vec_passed) / sizeof(vec_passed[0]); k++)
		assert_has(out, vec_passed[k]);
	assert_int_equal(count_lines(out, "  passed  "), 23);
	assert_int_equal(count_lines(out, "  FAILED  "), 0);
	/* Decrypted messages are decoded in place of their ciphertext. */
	assert_int_equal(count_lines(out, "  (decrypted with the secrets)"),
	    6);
	assert_has(out, "\nframe 8  ESP  r>i  ESP SPI 0xedb4f7f9 seq 1, 132 "
	    "bytes, UDP 4500\n"
	    "  (SA r>i of QM, message ID f5d2076b; KEYMAT computed)\n"
	    "ESP packet, 132 bytes (RFC 4303)\n"
	    "     0  SPI              0xedb4f7f9\n"
	    "     4  sequence number  1\n"
	    "     8  IV               2f31f250d062ffd7ed4f7b8ba449d39e\n"
	    "    24  ciphertext       96 bytes\n"
	    "   120  ICV              0f66bd42a428caed96890bc1\n"
	    "  decrypted, 80 bytes: ICMP type 3 code 3 10.2.0.1 > 10.1.0.1, "
	    "80 bytes\n");
	assert_has(out, "  decrypted, 52 bytes: UDP 10.1.0.1:48434 > "
	    "10.2.0.1:9, 52 bytes\n");
	/* The ladder: one arrow per frame. */
	assert_has(out, "     0 ms  |-- AG1 #1 ----------------------->|\n");
	assert_has(out, "     5 ms  |<---------------------- AG2 #2 ---|\n");
	assert_has(out, "           |-- INFO.2 #10 ------------------->|\n");
	/* What an ESP packet carried, wrapped at 80 columns. */
	assert_has(out, "  2118 ms  |-- ESP #7 ----------------------->| UDP "
	    "10.1.0.1:48434 > 10.2.0.1:9,\n"
	    "           |                                  | 52 bytes\n");
	/* The session was not touched. */
	assert_null(fx->cli.s);
	free(out);
}

static void
pcapng_copy_reads_the_same(void **state)
{
	struct fx	*fx = *state;
	char		*out, got[256];

	run(fx, 0, "open " VEC_PCAPNG " --secrets " VEC_KEYS);
	out = fx_output(fx);
	assert_has(out, "capture " VEC_PCAPNG ": pcapng, 10 frames\n");
	labels(out, got, sizeof(got));
	assert_string_equal(got, vec_labels);
	assert_has(out, "23 checks: 23 passed, 0 failed\n");
	free(out);
}

static void
wrong_psk_fails_every_hash(void **state)
{
	struct fx	*fx = *state;
	char		*out;

	run(fx, 0, "open " VEC_PCAP " --secrets " VEC_KEYS
	    " --psk letmeout");
	out = fx_output(fx);
	assert_has(out, "  note    keys: SKEYID from the PSK given with "
	    "--psk, the chain from g^xy and the nonces\n");
	/* HASH_R: what the wrong key gives, what the packet holds. */
	assert_has(out, "  FAILED  HASH_R in AG2 (frame 2)\n"
	    "            expected e05eb609b45aab9c01842854cf4914c38eaf81da\n"
	    "            actual   d9d799241a2e0e408d6a46d116cd44321781600e\n");
	assert_has(out, "  FAILED  SKEYID (secrets file)\n"
	    "            expected e1e671e7c390115d5031a0a1cf0cc3a1fdf8b8ed\n"
	    "            actual   30c96c745d85ed4f89b97d4e7f652cf8f43a8168\n");
	assert_has(out, "  FAILED  HASH_I in AG3 (frame 3)\n"
	    "            expected 912963649a653c048315cb8ad47f90883fb361eb\n"
	    "            actual   (none: it does not decrypt to payloads");
	/* A message the wrong key does not open fails its hash... */
	assert_has(out, "  FAILED  HASH(1) in QM1 (frame 4): cannot be "
	    "verified: it does not decrypt to payloads");
	assert_has(out, "  FAILED  HASH(2) in QM2 (frame 5): cannot be");
	assert_has(out, "  FAILED  HASH(3) in QM3 (frame 6): cannot be");
	assert_has(out, "  FAILED  HASH(1) in INFO (frame 9): cannot be");
	assert_has(out, "  FAILED  HASH(1) in INFO.2 (frame 10): cannot be");
	/* ...while ESP, whose keys were never derived, is skipped. */
	assert_has(out, "  skipped ICV of ESP (frame 7) SPI 0x4d536701 seq 1: "
	    "no keys for this SPI\n");
	/* No hash passes; IVs do not depend on the key and still do. */
	assert_null(strstr(out, "  passed  HASH"));
	assert_has(out, "  passed  QM IV 1 of message ID f5d2076b");
	assert_has(out, "21 checks: 7 passed, 12 failed, 2 skipped (they "
	    "need a value that an earlier check did not give)\n");
	free(out);

	/* The right key passes everything, SKEYID included. */
	run(fx, 0, "open " VEC_PCAP " --secrets " VEC_KEYS " --psk letmein");
	out = fx_output(fx);
	assert_has(out, "  passed  SKEYID (secrets file): "
	    "30c96c745d85ed4f89b97d4e7f652cf8f43a8168\n");
	assert_has(out, "24 checks: 24 passed, 0 failed\n");
	free(out);
}

static void
without_secrets_the_capture_is_listed_and_decoded(void **state)
{
	struct fx	*fx = *state;
	char		*out, got[256];

	run(fx, 0, "open " VEC_PCAP);
	out = fx_output(fx);
	labels(out, got, sizeof(got));
	assert_string_equal(got, vec_labels);
	assert_has(out, "no secrets given (--secrets FILE): the encrypted "
	    "messages stay encrypted\n");
	assert_null(strstr(out, "decrypted with"));
	/* The clear AG1 is decoded as a tree. */
	assert_has(out, "\nframe 1  AG1  i>r  Aggressive, 506 bytes, UDP 500\n"
	    "   0  ISAKMP header\n"
	    "   0    initiator cookie 05f90091b3778063\n");
	assert_has(out, "\n 388    name \"initiator@example.test\"\n");
	assert_has(out, "\nframe 7  ESP  i>r  ESP SPI 0x4d536701 seq 1, 100 "
	    "bytes, UDP 4500\nESP packet, 100 bytes (RFC 4303)\n"
	    "     0  SPI              0x4d536701\n"
	    "     4  sequence number  1\n");
	free(out);
}

/* ikelab's own capture of the seed scenario, with its secrets. */
static void
ikelab_capture_with_resends_and_ping_checks_out(void **state)
{
	struct fx	*fx = *state;
	char		*out, got[256];

	run(fx, 0, "rule drop AG3 once");
	run(fx, 0, "start");
	run(fx, 0, "run");
	run(fx, 0, "ping");
	run(fx, 0, "run");
	run(fx, 0, "save pcap %s/seed.pcapng", fx->dir);
	run(fx, 0, "save pcap %s/seed.pcap --classic", fx->dir);
	run(fx, 0, "save secrets %s/seed.sec", fx->dir);
	free(fx_output(fx));

	run(fx, 0, "open %s/seed.pcapng --secrets %s/seed.sec", fx->dir,
	    fx->dir);
	out = fx_output(fx);
	labels(out, got, sizeof(got));
	/* The dropped AG3 is in the capture: its resend is AG3b. */
	assert_string_equal(got,
	    "AG1 AG2 AG3 QM1 AG2b AG3b QM1b QM2 QM3 ESP ESP");
	assert_has(out, "initiator 192.0.2.1, responder 192.0.2.2\n");
	assert_has(out, "    5   4005 ms  r>i  AG2b    Aggressive, 416 bytes, "
	    "UDP 500; resend of frame 2\n");
	assert_has(out, "   10   4025 ms  i>r  ESP     ESP SPI 0x3190f61d seq "
	    "1, 84 bytes, IP protocol 50\n");
	assert_has(out, "  passed  HASH_R in AG2 (frame 2): ");
	assert_has(out, "  passed  HASH_I in AG3 (frame 3): ");
	assert_has(out, "  passed  HASH(1) in QM1 (frame 4): ");
	assert_has(out, "  passed  HASH(2) in QM2 (frame 8): ");
	assert_has(out, "  passed  HASH(3) in QM3 (frame 9): ");
	assert_has(out, "  passed  KEYMAT i>r (secrets file): f8fdc057");
	assert_has(out, "  passed  ICV of ESP (frame 10) SPI 0x3190f61d "
	    "seq 1: ");
	assert_has(out, "            carries ICMP echo request 192.0.2.1 > "
	    "192.0.2.2\n");
	assert_has(out, "            carries ICMP echo reply 192.0.2.2 > "
	    "192.0.2.1\n");
	assert_has(out, "20 checks: 20 passed, 0 failed\n");
	/* A resend is decoded with its original's plaintext. */
	assert_int_equal(count_lines(out, "  (decrypted with the secrets)"),
	    6);
	free(out);

	run(fx, 0, "open %s/seed.pcap --secrets %s/seed.sec", fx->dir,
	    fx->dir);
	out = fx_output(fx);
	assert_has(out, ": pcap, 11 frames\n");
	assert_has(out, "20 checks: 20 passed, 0 failed\n");
	free(out);
}

/* PFS: KEYMAT is recomputed with the secrets' gqm and checked. */
static void
pfs_capture_keymat_is_checked(void **state)
{
	struct fx	*fx = *state;
	char		*out;

	run(fx, 0, "set both pfs on");
	run(fx, 0, "start");
	run(fx, 0, "run");
	run(fx, 0, "ping");
	run(fx, 0, "run");
	run(fx, 0, "save pcap %s/pfs.pcapng", fx->dir);
	run(fx, 0, "save secrets %s/pfs.sec", fx->dir);
	free(fx_output(fx));
	run(fx, 0, "open %s/pfs.pcapng --secrets %s/pfs.sec", fx->dir,
	    fx->dir);
	out = fx_output(fx);
	assert_has(out, "  passed  KEYMAT i>r (secrets file): ");
	assert_has(out, "  passed  KEYMAT r>i (secrets file): ");
	assert_null(strstr(out, "KEYMAT taken from the file"));
	assert_has(out, "            carries ICMP echo reply 192.0.2.2 > "
	    "192.0.2.1\n");
	assert_has(out, "20 checks: 20 passed, 0 failed\n");
	free(out);
}

/* Flip byte AT of the vectors capture, open it, return the output. */
static char *
open_flipped(struct fx *fx, size_t at)
{
	char	 path[128];
	size_t	 len;
	uint8_t	*p = slurp(VEC_PCAP, &len);

	assert_true(at < len);
	p[at] ^= 0x01;
	spill(fx, "flipped.pcap", p, len, path, sizeof(path));
	free(p);
	run(fx, 0, "open %s --secrets " VEC_KEYS, path);
	return fx_output(fx);
}

static void
corrupted_esp_and_hash_fail_their_checks(void **state)
{
	struct fx	*fx = *state;
	char		*out;

	/* Frame 7's record data starts at file offset 2524; after
	 * Ethernet 14, IPv4 20 and UDP 8 bytes comes the ESP packet, whose
	 * byte 40 (ciphertext) is covered by the ICV at offset 88. */
	out = open_flipped(fx, 2524 + 14 + 20 + 8 + 40);
	assert_has(out, "  FAILED  ICV of ESP (frame 7) SPI 0x4d536701 seq 1\n"
	    "            expected ");
	assert_has(out, "            actual   4a18ea645d711d2cac62bd7a\n");
	assert_has(out, "| ICV mismatch at offset 88\n");
	assert_has(out, "23 checks: 22 passed, 1 failed\n");
	free(out);

	/* The last byte of AG2's HASH_R payload, which ends frame 2
	 * (record data at 604, the message after 42 header bytes). */
	out = open_flipped(fx, 604 + 42 + 558 - 1);
	assert_has(out, "  FAILED  HASH_R in AG2 (frame 2)\n"
	    "            expected d9d799241a2e0e408d6a46d116cd44321781600e\n"
	    "            actual   d9d799241a2e0e408d6a46d116cd44321781600f\n");
	free(out);
}

/* A frame that does not decode is listed with record and offset; the
 * rest of the capture is still read and checked. */
static void
undecodable_frame_is_listed_and_skipped(void **state)
{
	struct fx	*fx = *state;
	char		*out, got[256];

	/* Frame 3's IPv4 header length goes from 5 to 4 words. */
	out = open_flipped(fx, 1220 + 14);
	labels(out, got, sizeof(got));
	assert_string_equal(got, "AG1 AG2 ? QM1 QM2 QM3 ESP ESP INFO INFO.2");
	assert_has(out, "    3      8 ms  ?    ?       undecodable: record 3 "
	    "at offset 1234: IPv4 version/header length byte 0x44 is "
	    "invalid\n");
	assert_has(out, "  passed  HASH_R in AG2 (frame 2): ");
	assert_has(out, "  FAILED  HASH_I: the capture has no AG3\n");
	/* The keys file has the last phase 1 block: Quick Mode goes on. */
	assert_has(out, "  note    later IVs start from the secrets' last "
	    "phase 1 block\n");
	assert_has(out, "  passed  HASH(3) in QM3 (frame 6): ");
	assert_has(out, "  passed  ICV of ESP (frame 8) SPI 0xedb4f7f9 seq 1");
	assert_has(out, "22 checks: 21 passed, 1 failed\n");
	free(out);
}

/* Truncated, empty and corrupt files: one error line, no crash. */
static void
broken_captures_give_record_and_offset(void **state)
{
	struct fx	*fx = *state;
	static const struct {
		int		 rc;
		size_t		 cut;	/* bytes kept, SIZE_MAX: all */
		long		 patch;	/* byte offset set to 0x7f, -1 none */
		const char	*want;
	} cases[] = {
		{ IKE_ESHORT, 0, -1, "the file is empty (0 bytes): not a pcap or pcapng "
		    "capture" },
		{ IKE_ESHORT, 10, -1, "file header at offset 0: pcap file header needs "
		    "24 bytes, file has 10" },
		{ IKE_ESHORT, 50, -1, "record 1 at offset 32: captured length 548 but only "
		    "10 bytes left in the file" },
		{ IKE_ESHORT, 2000, -1, "record 5 at offset 1888: captured length 490 but "
		    "only 104 bytes left in the file" },
		{ IKE_EMALFORMED, SIZE_MAX, 35, "record 1 at offset 32: captured "
		    "length 2130706980 exceeds snapshot length 262144" },
		{ IKE_EUNSUPP, SIZE_MAX, 3, "file header at offset 0: magic "
		    "0xd4c3b27f is neither pcap nor pcapng" },
	};
	size_t		 len, k;
	uint8_t		*p = slurp(VEC_PCAP, &len);
	char		 path[128], want[400];

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		uint8_t	*q = malloc(len);

		assert_non_null(q);
		memcpy(q, p, len);
		if (cases[k].patch >= 0)
			q[cases[k].patch] = 0x7f;
		spill(fx, "broken.pcap", q, cases[k].cut == SIZE_MAX ? len :
		    cases[k].cut, path, sizeof(path));
		free(q);
		run(fx, cases[k].rc, "open %s", path);
		snprintf(want, sizeof(want), "open: %s: %s", path,
		    cases[k].want);
		assert_string_equal(fx->cli.err, want);
		free(fx_output(fx));
	}
	free(p);

	/* pcapng cut inside its second block. */
	p = slurp(VEC_PCAPNG, &len);
	spill(fx, "broken.pcapng", p, 1000, path, sizeof(path));
	free(p);
	run(fx, IKE_ESHORT, "open %s", path);
	snprintf(want, sizeof(want), "open: %s: record 2 at offset 712: block "
	    "length 632 but only 292 bytes left in the file", path);
	assert_string_equal(fx->cli.err, want);
	assert_int_equal(fx->len, fx->seen);	/* nothing printed */

	run(fx, IKE_ENOENT, "open %s/none.pcap", fx->dir);
	snprintf(want, sizeof(want), "open: cannot open '%s/none.pcap': No "
	    "such file or directory", fx->dir);
	assert_string_equal(fx->cli.err, want);
}

static void flip_all(struct fx *fx, const uint8_t *p, uint8_t *q,
    size_t len);

/*
 * Every truncation of the capture and every single-byte change: open
 * either succeeds or fails with a "record N at offset X" or "file
 * header" error; it never crashes (check-asan runs this too).
 */
static void
every_truncation_and_byte_flip_is_handled(void **state)
{
	struct fx	*fx = *state;
	const char	*vg = getenv("VALGRIND");
	size_t		 len, k, step = vg != NULL && *vg != '\0' ? 13 : 1;
	uint8_t		*p = slurp(VEC_PCAP, &len), *q = malloc(len);
	char		 path[128];
	unsigned int	 ok = 0, bad = 0;

	assert_non_null(q);
	for (k = 0; k < len; k += step) {
		char	line[256];
		int	rc;

		spill(fx, "cut.pcap", p, k, path, sizeof(path));
		snprintf(line, sizeof(line), "open %s --secrets " VEC_KEYS,
		    path);
		rc = cli_exec_line(&fx->cli, line);
		if (rc == 0)
			ok++;
		else {
			bad++;
			if (strstr(fx->cli.err, "record ") == NULL &&
			    strstr(fx->cli.err, "file header at offset") ==
			    NULL && strstr(fx->cli.err, "the file is empty") ==
			    NULL && strstr(fx->cli.err, "no packets in the "
			    "capture") == NULL)
				fail_msg("cut at %zu: %s", k, fx->cli.err);
		}
		free(fx_output(fx));
	}
	/* Cuts at the ends of records 1 to 9 read; the others are errors
	 * (the header alone: "no packets in the capture"). */
	if (step == 1) {
		assert_int_equal(ok, 9);
		assert_int_equal(bad, len - 9);
	}
	flip_all(fx, p, q, len);
	free(p);
	free(q);
	/* The pcapng copy too: other block types, other offsets. */
	p = slurp(VEC_PCAPNG, &len);
	q = malloc(len);
	assert_non_null(q);
	flip_all(fx, p, q, len);
	free(p);
	free(q);
}

/*
 * Open P with each byte in turn inverted; only clean errors allowed.
 * Under valgrind (make check-valgrind sets VALGRIND) every 13th byte,
 * as the whole sweep would take minutes there; check-asan does all.
 */
static void
flip_all(struct fx *fx, const uint8_t *p, uint8_t *q, size_t len)
{
	const char	*vg = getenv("VALGRIND");
	char		 path[128];
	size_t		 k, step = vg != NULL && *vg != '\0' ? 13 : 1;

	for (k = 0; k < len; k += step) {
		char	line[256];

		memcpy(q, p, len);
		q[k] ^= 0xff;
		spill(fx, "flip.pcap", q, len, path, sizeof(path));
		snprintf(line, sizeof(line), "open %s --secrets " VEC_KEYS,
		    path);
		if (cli_exec_line(&fx->cli, line) != 0 &&
		    strstr(fx->cli.err, "record ") == NULL &&
		    strstr(fx->cli.err, "file header at offset") == NULL)
			fail_msg("flip at %zu: %s", k, fx->cli.err);
		free(fx_output(fx));
	}
}

static void
bad_secrets_and_usage_are_refused(void **state)
{
	struct fx	*fx = *state;
	char		 path[128], want[300], line[300];
	static const char bad[] = "# comment\nicookie\t05f90091b3778063\n"
	    "skeyid\t30c96c7x\n";

	spill(fx, "bad.sec", bad, sizeof(bad) - 1, path, sizeof(path));
	run(fx, IKE_ESYNTAX, "open " VEC_PCAP " --secrets %s", path);
	snprintf(want, sizeof(want), "open: %s line 3: 'skeyid' is not "
	    "followed by hex bytes", path);
	assert_string_equal(fx->cli.err, want);
	spill(fx, "odd.sec", "skeyid\tabc\n", 11, path, sizeof(path));
	run(fx, IKE_ESYNTAX, "open " VEC_PCAP " --secrets %s", path);
	snprintf(want, sizeof(want), "open: %s line 1: 'skeyid' has an odd "
	    "number of hex digits", path);
	assert_string_equal(fx->cli.err, want);

	run(fx, IKE_ESYNTAX, "open " VEC_PCAP " --psk x");
	assert_string_equal(fx->cli.err, "open: --psk needs --secrets F for "
	    "g^xy (the Diffie-Hellman secret cannot be taken from the wire)");
	run(fx, IKE_ESYNTAX, "open " VEC_PCAP " --keys x");
	assert_string_equal(fx->cli.err, "open: unknown option '--keys' "
	    "(usage: open FILE [--secrets F] [--psk P])");
	run(fx, IKE_ESYNTAX, "open a.pcap b.pcap");
	assert_string_equal(fx->cli.err,
	    "open: one capture at a time ('a.pcap' and 'b.pcap')");
	run(fx, IKE_ESYNTAX, "open --secrets " VEC_KEYS);
	assert_string_equal(fx->cli.err, "open: which capture? (usage: open "
	    "FILE [--secrets F] [--psk P])");

	/* Options without their value; directories and devices. */
	run(fx, IKE_ESYNTAX, "open " VEC_PCAP " --secrets");
	assert_string_equal(fx->cli.err, "open: --secrets needs a value "
	    "(usage: open FILE [--secrets F] [--psk P])");
	run(fx, IKE_ESYNTAX, "open " VEC_PCAP " --psk");
	assert_string_equal(fx->cli.err, "open: --psk needs a value "
	    "(usage: open FILE [--secrets F] [--psk P])");
	run(fx, IKE_ENOENT, "open tests");
	assert_string_equal(fx->cli.err, "open: 'tests' is a directory");
	run(fx, IKE_ENOENT, "open " VEC_PCAP " --secrets tests");
	assert_string_equal(fx->cli.err, "open: 'tests' is a directory");
	run(fx, IKE_ENOENT, "open /dev/null");
	assert_string_equal(fx->cli.err, "open: '/dev/null' is not a regular "
	    "file (a device, pipe or /proc file?)");
	/* A FIFO is refused at once (opening it would block), also by
	 * inject @FILE and source. */
	snprintf(path, sizeof(path), "%s/fifo", fx->dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	snprintf(want, sizeof(want), "'%s' is not a regular file (a device, "
	    "pipe or /proc file?)", path);
	run(fx, IKE_ENOENT, "open %s", path);
	assert_non_null(strstr(fx->cli.err, want));
	run(fx, IKE_ENOENT, "open " VEC_PCAP " --secrets %s", path);
	assert_non_null(strstr(fx->cli.err, want));
	snprintf(line, sizeof(line), "inject i @%s", path);
	assert_true(cli_exec_line(&fx->cli, line) < 0);
	assert_non_null(strstr(fx->cli.err, want));
	snprintf(line, sizeof(line), "source %s", path);
	assert_true(cli_exec_line(&fx->cli, line) < 0);
	assert_non_null(strstr(fx->cli.err, want));

	/* A capture or a script given as the secrets file. */
	run(fx, IKE_ESYNTAX, "open " VEC_PCAP " --secrets " VEC_PCAP);
	assert_string_equal(fx->cli.err, "open: " VEC_PCAP ": a secrets file "
	    "is text, but byte 5 is 0 (a capture or other binary file?)");
	spill(fx, "cmds.txt", "start\nrun\n", 10, path, sizeof(path));
	run(fx, IKE_ESYNTAX, "open " VEC_PCAP " --secrets %s", path);
	snprintf(want, sizeof(want), "open: %s: no 'label<TAB>hex' line: not "
	    "a secrets file (save secrets writes one)", path);
	assert_string_equal(fx->cli.err, want);

	/* Secrets without g^xy: the checks say what is missing. */
	spill(fx, "nogxy.sec", "skeyid\t00\n", 10, path, sizeof(path));
	run(fx, 0, "open " VEC_PCAP " --secrets %s", path);
	{
		char	*out = fx_output(fx);

		assert_has(out, "  FAILED  phase 1: no g^xy for this "
		    "initiator cookie in the secrets");
		free(out);
	}
}

/*
 * IKE fragments: the fragments of a resend are collected per sender and
 * the frame that completes the message is decoded and checked as it;
 * every fragment is labelled MESSAGE[k/n]. Without one of them the
 * others say that their message is not complete in the capture.
 */
static void
fragmented_resends_are_reassembled(void **state)
{
	struct fx	*fx = *state;
	char		*out, got[256], path[128];
	uint8_t		*p, *q;
	size_t		 len, off, rec, k, qlen;

	run(fx, 0, "set both profile libreswan");
	run(fx, 0, "set r frag-resend 200");
	run(fx, 0, "rule drop AG2 once");
	run(fx, 0, "start");
	run(fx, 0, "run");
	run(fx, 0, "save pcap %s/frag.pcap --classic", fx->dir);
	run(fx, 0, "save secrets %s/frag.sec", fx->dir);
	free(fx_output(fx));

	run(fx, 0, "open %s/frag.pcap --secrets %s/frag.sec", fx->dir,
	    fx->dir);
	out = fx_output(fx);
	labels(out, got, sizeof(got));
	assert_string_equal(got, "AG1 AG2 AG1b AG2b[1/3] AG2b[2/3] "
	    "AG2b[3/3] AG3 QM1 QM2 QM3");
	assert_has(out, "    4    505 ms  r>i  AG2b[1/3] IKE fragment 1 of 3 "
	    "(ID 43139), 200 bytes, UDP 500\n");
	assert_has(out, "    6    505 ms  r>i  AG2b[3/3] IKE fragment 3 of 3 "
	    "(ID 43139), 124 bytes, completes Aggressive, 416 bytes, UDP "
	    "500; resend of frame 2\n");
	assert_has(out, "  (the whole message, joined from its 3 "
	    "fragments)\n");
	assert_has(out, "18 checks: 18 passed, 0 failed\n");
	free(out);

	/* The same capture without record 5 (fragment 2 of 3). */
	snprintf(path, sizeof(path), "%s/frag.pcap", fx->dir);
	p = slurp(path, &len);
	q = malloc(len);
	assert_non_null(q);
	memcpy(q, p, 24);
	qlen = 24;
	for (off = 24, rec = 1; off + 16 <= len; rec++) {
		k = 16 + (size_t)(p[off + 8] | p[off + 9] << 8 |
		    p[off + 10] << 16 | (uint32_t)p[off + 11] << 24);
		assert_true(off + k <= len);
		if (rec != 5) {
			memcpy(q + qlen, p + off, k);
			qlen += k;
		}
		off += k;
	}
	spill(fx, "cut.pcap", q, qlen, path, sizeof(path));
	free(p);
	free(q);
	run(fx, 0, "open %s --secrets %s/frag.sec", path, fx->dir);
	out = fx_output(fx);
	labels(out, got, sizeof(got));
	assert_string_equal(got, "AG1 AG2 AG1b FRAG FRAG AG3 QM1 QM2 QM3");
	assert_has(out, "    4    505 ms  r>i  FRAG    IKE fragment 1 (ID "
	    "43139), 200 bytes: its message is not complete in the "
	    "capture\n");
	assert_has(out, "18 checks: 18 passed, 0 failed\n");
	free(out);
}

/*
 * A Quick Mode message is labelled by its direction and size: a copy
 * of QM1 that was corrupted on the way (not byte-equal, so not a
 * resend) is still a QM1, not a QM3, and the checks stay right.
 */
static void
corrupted_resend_keeps_its_label(void **state)
{
	struct fx	*fx = *state;
	char		*out, got[256];

	run(fx, 0, "rule drop QM2 once");
	run(fx, 0, "rule corrupt QM1b 100");
	run(fx, 0, "start");
	run(fx, 0, "run");
	run(fx, 0, "save pcap %s/q.pcap --classic", fx->dir);
	run(fx, 0, "save secrets %s/q.sec", fx->dir);
	free(fx_output(fx));
	run(fx, 0, "open %s/q.pcap --secrets %s/q.sec", fx->dir, fx->dir);
	out = fx_output(fx);
	labels(out, got, sizeof(got));
	assert_string_equal(got, "AG1 AG2 AG3 QM1 QM2 QM1 QM2b QM3");
	assert_has(out, "  passed  HASH(3) in QM3 (frame 8): ");
	assert_has(out, "18 checks: 18 passed, 0 failed\n");
	free(out);
}

/* `ping` names itself once in its errors. */
static void
ping_before_phase_2_is_refused(void **state)
{
	struct fx	*fx = *state;
	char		*out;

	run(fx, IKE_ESTATE, "ping");
	assert_string_equal(fx->cli.err, "ping: no Quick Mode is complete at "
	    "the initiator yet (see 'state')");
	run(fx, 0, "start");
	run(fx, IKE_ESTATE, "ping");
	run(fx, 0, "run");
	run(fx, 0, "ping");
	free(fx_output(fx));
	run(fx, 0, "step");
	out = fx_output(fx);
	assert_has(out, "r  esp      #7   ESP  spi 0x");
	free(out);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(strongswan_capture_is_labelled_decrypted_and_checked),
		T(pcapng_copy_reads_the_same),
		T(wrong_psk_fails_every_hash),
		T(without_secrets_the_capture_is_listed_and_decoded),
		T(ikelab_capture_with_resends_and_ping_checks_out),
		T(pfs_capture_keymat_is_checked),
		T(corrupted_esp_and_hash_fail_their_checks),
		T(undecodable_frame_is_listed_and_skipped),
		T(broken_captures_give_record_and_offset),
		T(bad_secrets_and_usage_are_refused),
		T(every_truncation_and_byte_flip_is_handled),
		T(ping_before_phase_2_is_refused),
		T(fragmented_resends_are_reassembled),
		T(corrupted_resend_keeps_its_label),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
