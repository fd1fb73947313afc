/*
 * test_cli_export.c: the exports of cli/export.c and cli/pcapng.c,
 * on the seed scenario (seed 1, AG3 dropped once): exact capture
 * headers, one record per packet with the dropped AG3, comments,
 * checksums, key tables, IVs in the secrets file, the psk-crack line
 * recomputed by hand, file modes and the refusal to overwrite.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>
#include <cmocka.h>

#include "cli.h"
#include "crypto.h"
#include "export.h"

/* A session and a fresh directory for its files. */
struct fx {
	struct sess	*s;
	char		 dir[64];
	char		 err[256];
};

/* Add "rule ACT SEL nth 1" with the given extras. */
static void
add_rule(struct sess *s, enum rule_act act, const char *sel, long off,
    uint32_t delay_ms, const char *text)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	struct rule	r;

	sess_rule_init(&r, act, sel, 1);
	r.off = off;
	r.delay_ms = delay_ms;
	snprintf(r.text, sizeof(r.text), "%s", text);
	assert_true(sess_rule_add(s, &r, &dg) > 0);
}

static void
run_all(struct sess *s)
{
	struct ike_diag	dg = IKE_DIAG_INIT;

	assert_int_equal(sess_start(s, &dg), IKE_OK);
	assert_int_equal(sess_run(s, 600000, NULL, NULL), RUN_IDLE);
}

static void
set(struct sess *s, unsigned int mask, const char *k, const char *v)
{
	struct ike_diag	dg = IKE_DIAG_INIT;

	assert_int_equal(sess_set(s, mask, k, v, &dg), IKE_OK);
}

static int
setup_dir(struct fx *f)
{
	snprintf(f->dir, sizeof(f->dir), "/tmp/ikelab-export-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->err[0] = '\0';
	return 0;
}

/* The seed scenario: AG3 lost once, everything else delivered. */
static int
setup_seed(void **state)
{
	struct fx	*f = calloc(1, sizeof(*f));

	if (f == NULL || setup_dir(f) != 0)
		return -1;
	f->s = sess_new(1);
	add_rule(f->s, RULE_DROP, "AG3", 0, 0, "drop AG3 nth 1");
	run_all(f->s);
	*state = f;
	return 0;
}

/* A session that has only sent AG1 (no keys anywhere yet). */
static int
setup_ag1(void **state)
{
	struct fx	*f = calloc(1, sizeof(*f));
	struct ike_diag	 dg = IKE_DIAG_INIT;

	if (f == NULL || setup_dir(f) != 0)
		return -1;
	f->s = sess_new(1);
	if (sess_start(f->s, &dg) != IKE_OK)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	struct dirent	*de;
	DIR		*d;
	char		 p[512];

	if ((d = opendir(f->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
			    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
				continue;
			snprintf(p, sizeof(p), "%s/%s", f->dir, de->d_name);
			(void)chmod(p, 0700);
			(void)rmdir(p);
			(void)unlink(p);
		}
		closedir(d);
	}
	(void)rmdir(f->dir);
	sess_free(f->s);
	free(f);
	return 0;
}

static const char *
path(struct fx *f, const char *name)
{
	static char	p[4][512];
	static int	k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", f->dir, name);
	return p[k];
}

/* Read a whole file into B (which must be empty). */
static void
slurp(const char *name, struct buf *b)
{
	uint8_t	 chunk[4096];
	size_t	 n;
	FILE	*fp = fopen(name, "rb");

	assert_non_null(fp);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		assert_int_equal(buf_add(b, chunk, n), IKE_OK);
	fclose(fp);
}

/* Number of entries in DIR other than . and .. */
static int
dir_entries(const char *dir)
{
	struct dirent	*de;
	DIR		*d = opendir(dir);
	int		 n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* One Enhanced Packet Block, taken apart. */
struct epb {
	uint64_t	 us;
	const uint8_t	*data;
	size_t		 len;
	char		 comment[512];
};

/*
 * Walk the pcapng in B: check the SHB and IDB types, then fill up to
 * MAX EPBs. Returns the number of EPBs.
 */
static size_t
ng_records(const struct buf *b, struct epb *e, size_t max)
{
	size_t	off = 0, n = 0, blen, o, end;
	uint32_t type;

	while (off + 12 <= b->len) {
		type = le32(b->p + off);
		blen = le32(b->p + off + 4);
		assert_true(blen >= 12 && blen % 4 == 0);
		assert_true(off + blen <= b->len);
		assert_int_equal(le32(b->p + off + blen - 4), blen);
		if (off == 0)
			assert_int_equal(type, 0x0a0d0d0a);
		if (type == 6) {
			assert_true(n < max);
			e[n].us = (uint64_t)le32(b->p + off + 12) << 32 |
			    le32(b->p + off + 16);
			e[n].len = le32(b->p + off + 20);
			assert_int_equal(le32(b->p + off + 24), e[n].len);
			e[n].data = b->p + off + 28;
			e[n].comment[0] = '\0';
			o = off + 28 + (e[n].len + 3) / 4 * 4;
			end = off + blen - 4;
			while (o + 4 <= end) {
				uint16_t code = (uint16_t)(b->p[o] |
				    b->p[o + 1] << 8);
				uint16_t ol = (uint16_t)(b->p[o + 2] |
				    b->p[o + 3] << 8);

				if (code == 0)
					break;
				if (code == 1) {
					assert_true(ol < sizeof(e[n].comment));
					memcpy(e[n].comment, b->p + o + 4, ol);
					e[n].comment[ol] = '\0';
				}
				o += 4 + (ol + 3u) / 4 * 4;
			}
			n++;
		}
		off += blen;
	}
	assert_int_equal(off, b->len);
	return n;
}

/* Append a pcapng option to an expected byte string. */
static void
want_opt(struct buf *w, uint16_t code, const char *v)
{
	size_t	len = strlen(v);
	uint8_t	h[4] = { (uint8_t)code, (uint8_t)(code >> 8), (uint8_t)len,
		    (uint8_t)(len >> 8) };

	assert_int_equal(buf_add(w, h, 4), IKE_OK);
	assert_int_equal(buf_add(w, v, len), IKE_OK);
	if (len % 4)
		assert_int_equal(buf_add(w, NULL, 4 - len % 4), IKE_OK);
}

static void
test_pcapng_section_and_interface_blocks_are_exact(void **state)
{
	static const uint8_t shb_head[] = {
		0x0a, 0x0d, 0x0d, 0x0a,	0, 0, 0, 0,	/* length, patched */
		0x4d, 0x3c, 0x2b, 0x1a,			/* byte-order magic */
		0x01, 0x00, 0x00, 0x00,			/* version 1.0 */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	static const uint8_t idb_head[] = {
		0x01, 0x00, 0x00, 0x00,	0, 0, 0, 0,
		0x65, 0x00, 0x00, 0x00,			/* LINKTYPE_RAW */
		0x00, 0x00, 0x04, 0x00,			/* snaplen 262144 */
	};
	struct fx	*f = *state;
	struct buf	 got = { NULL, 0, 0 }, w = { NULL, 0, 0 };
	size_t		 shb_len, idb_at;

	assert_int_equal(export_pcap(f->s, path(f, "a.pcapng"), false, false,
	    f->err, sizeof(f->err)), 0);
	slurp(path(f, "a.pcapng"), &got);

	assert_int_equal(buf_add(&w, shb_head, sizeof(shb_head)), IKE_OK);
	want_opt(&w, 1, "ikelab session, seed 1");
	want_opt(&w, 4, "ikelab " IKELAB_VERSION);
	assert_int_equal(buf_add(&w, NULL, 4), IKE_OK);	/* opt_endofopt */
	shb_len = w.len + 4;
	w.p[4] = (uint8_t)shb_len;
	assert_int_equal(buf_add_u8(&w, (uint8_t)shb_len), IKE_OK);
	assert_int_equal(buf_add(&w, NULL, 3), IKE_OK);
	idb_at = w.len;
	assert_int_equal(buf_add(&w, idb_head, sizeof(idb_head)), IKE_OK);
	want_opt(&w, 2, "ikelab");
	want_opt(&w, 3, "simulated link: initiator 192.0.2.1, responder "
	    "192.0.2.2");
	assert_int_equal(buf_add(&w, NULL, 4), IKE_OK);
	w.p[idb_at + 4] = (uint8_t)(w.len - idb_at + 4);
	assert_int_equal(buf_add_u8(&w, (uint8_t)(w.len - idb_at + 4)),
	    IKE_OK);
	assert_int_equal(buf_add(&w, NULL, 3), IKE_OK);

	assert_true(got.len > w.len);
	assert_memory_equal(got.p, w.p, w.len);
	/* The next block is the first packet. */
	assert_int_equal(le32(got.p + w.len), 6);
	buf_free(&got);
	buf_free(&w);
}

static void
test_classic_pcap_global_header_is_exact(void **state)
{
	static const uint8_t want[24] = {
		0xd4, 0xc3, 0xb2, 0xa1,		/* microsecond magic, LE */
		0x02, 0x00, 0x04, 0x00,		/* version 2.4 */
		0, 0, 0, 0, 0, 0, 0, 0,		/* thiszone, sigfigs */
		0x00, 0x00, 0x04, 0x00,		/* snaplen 262144 */
		0x65, 0x00, 0x00, 0x00,		/* LINKTYPE_RAW */
	};
	struct fx	*f = *state;
	struct buf	 got = { NULL, 0, 0 };
	size_t		 off = 24, n = 0;

	assert_int_equal(export_pcap(f->s, path(f, "a.pcap"), true, false,
	    f->err, sizeof(f->err)), 0);
	slurp(path(f, "a.pcap"), &got);
	assert_memory_equal(got.p, want, sizeof(want));
	/* Records: ts_sec, ts_usec, caplen, len, then the datagram. */
	while (off + 16 <= got.len) {
		const struct pkt *pk = &f->s->pkts[n];

		assert_int_equal(le32(got.p + off), pk->sent_ms / 1000);
		assert_int_equal(le32(got.p + off + 4),
		    pk->sent_ms % 1000 * 1000);
		assert_int_equal(le32(got.p + off + 8), pk->bytes.len + 28);
		assert_memory_equal(got.p + off + 16 + 28, pk->bytes.p,
		    pk->bytes.len);
		off += 16 + le32(got.p + off + 8);
		n++;
	}
	assert_int_equal(off, got.len);
	assert_int_equal(n, 9);
	buf_free(&got);
}

static void
test_capture_has_one_record_per_packet_with_the_dropped_ag3(void **state)
{
	static const char *const labels[9] = { "AG1", "AG2", "AG3", "QM1",
	    "AG2b", "AG3b", "QM1b", "QM2", "QM3" };
	static const uint64_t sent[9] = { 0, 5, 10, 10, 4005, 4010, 4010,
	    4015, 4020 };
	struct fx	*f = *state;
	struct buf	 b = { NULL, 0, 0 };
	struct epb	 e[16];
	size_t		 n, k;

	assert_int_equal(f->s->npkt, 9);
	assert_int_equal(f->s->pkts[2].st, PKT_DROPPED);
	assert_int_equal(export_capture_buf(f->s, false, &b, f->err,
	    sizeof(f->err)), 0);
	n = ng_records(&b, e, 16);
	assert_int_equal(n, 9);
	for (k = 0; k < n; k++) {
		const struct pkt *pk = &f->s->pkts[k];
		char	want[64];

		assert_string_equal(pk->label, labels[k]);
		assert_int_equal(e[k].us, sent[k] * 1000);
		assert_int_equal(e[k].len, 20 + 8 + pk->bytes.len);
		/* IPv4, UDP, sender to receiver, ID = packet number. */
		assert_int_equal(e[k].data[0], 0x45);
		assert_int_equal(e[k].data[9], 17);
		assert_int_equal(e[k].data[4] << 8 | e[k].data[5], k + 1);
		assert_int_equal(e[k].data[15], pk->from == PEER_I ? 1 : 2);
		assert_int_equal(e[k].data[19], pk->from == PEER_I ? 2 : 1);
		assert_int_equal(e[k].data[20] << 8 | e[k].data[21], 500);
		assert_int_equal(e[k].data[22] << 8 | e[k].data[23], 500);
		assert_memory_equal(e[k].data + 28, pk->bytes.p,
		    pk->bytes.len);
		snprintf(want, sizeof(want), "#%zu %s", k + 1, labels[k]);
		assert_memory_equal(e[k].comment, want, strlen(want));
	}
	buf_free(&b);
}

static void
test_comments_say_dropped_and_discarded(void **state)
{
	struct fx	*f = *state;
	struct buf	 b = { NULL, 0, 0 };
	struct epb	 e[16];
	char		 one[256];

	assert_int_equal(export_capture_buf(f->s, false, &b, f->err,
	    sizeof(f->err)), 0);
	assert_int_equal(ng_records(&b, e, 16), 9);
	assert_string_equal(e[0].comment, "#1 AG1");
	assert_string_equal(e[2].comment,
	    "#3 AG3; dropped by rule 1 (drop AG3 nth 1)");
	assert_string_equal(e[3].comment,
	    "#4 QM1; discarded by r: phase 1 incomplete");
	assert_string_equal(e[4].comment, "#5 AG2b");
	assert_string_equal(e[8].comment, "#9 QM3");
	export_pkt_comment(f->s, &f->s->pkts[2], one, sizeof(one));
	assert_string_equal(one, e[2].comment);
	/* Cut to the space given, always terminated. */
	export_pkt_comment(f->s, &f->s->pkts[2], one, 8);
	assert_string_equal(one, "#3 AG3;");
	buf_free(&b);
}

/* RFC 1071 sum of P, folded. */
static uint32_t
sum16(uint32_t s, const uint8_t *p, size_t n)
{
	size_t	k;

	for (k = 0; k + 1 < n; k += 2)
		s += (uint32_t)(p[k] << 8 | p[k + 1]);
	if (n % 2)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static void
test_ip_and_udp_checksums_verify(void **state)
{
	struct fx	*f = *state;
	struct buf	 b = { NULL, 0, 0 };
	struct epb	 e[16];
	uint8_t		 ph[12];
	size_t		 n, k;

	assert_int_equal(export_capture_buf(f->s, true, &b, f->err,
	    sizeof(f->err)), 0);
	buf_free(&b);
	assert_int_equal(export_capture_buf(f->s, false, &b, f->err,
	    sizeof(f->err)), 0);
	n = ng_records(&b, e, 16);
	for (k = 0; k < n; k++) {
		const uint8_t *d = e[k].data;

		assert_int_equal(d[2] << 8 | d[3], e[k].len);
		assert_int_equal(sum16(0, d, 20), 0xffff);
		memcpy(ph, d + 12, 8);
		ph[8] = 0;
		ph[9] = 17;
		ph[10] = d[24];
		ph[11] = d[25];
		assert_int_equal(d[24] << 8 | d[25], e[k].len - 20);
		assert_int_not_equal(d[26] << 8 | d[27], 0);
		assert_int_equal(sum16(sum16(0, ph, 12), d + 20,
		    e[k].len - 20), 0xffff);
	}
	buf_free(&b);
}

static void
test_corrupted_copied_and_delayed_packets_are_described(void **state)
{
	struct fx	*f = *state;
	struct buf	 b = { NULL, 0, 0 };
	struct epb	 e[32];
	const struct pkt *ag2, *cp;
	char		 want[256];
	size_t		 n;
	uint8_t		 was;

	sess_free(f->s);
	f->s = sess_new(1);
	add_rule(f->s, RULE_DUP, "AG1", 0, 0, "dup AG1 once");
	add_rule(f->s, RULE_CORRUPT, "AG2", 40, 0, "corrupt AG2 40 once");
	add_rule(f->s, RULE_DELAY, "QM1", 0, 300, "delay QM1 300ms once");
	run_all(f->s);
	assert_int_equal(export_capture_buf(f->s, false, &b, f->err,
	    sizeof(f->err)), 0);
	n = ng_records(&b, e, 32);
	assert_int_equal(n, f->s->npkt);
	/* #2 is the link's copy of AG1, made at AG1's send time. */
	cp = &f->s->pkts[1];
	assert_int_equal(cp->copy_of, 1);
	assert_int_equal(e[1].us, 0);
	assert_string_equal(e[0].comment,
	    "#1 AG1; copied by rule 1 (dup AG1 once) to #2");
	assert_memory_equal(e[1].comment, "#2 AG1; copy of #1",
	    strlen("#2 AG1; copy of #1"));
	/* The first AG2 holds the corrupted byte; the comment the old. */
	ag2 = NULL;
	for (size_t k = 0; k < f->s->npkt; k++)
		if (strcmp(f->s->pkts[k].label, "AG2") == 0) {
			ag2 = &f->s->pkts[k];
			break;
		}
	assert_non_null(ag2);
	assert_true(ag2->corrupted);
	was = (uint8_t)(ag2->bytes.p[40] ^ 0xff);
	assert_memory_equal(e[ag2->num - 1].data + 28, ag2->bytes.p,
	    ag2->bytes.len);
	snprintf(want, sizeof(want), "#%d AG2; corrupted by rule 2 (corrupt "
	    "AG2 40 once): byte 40 was 0x%02x, now 0x%02x", ag2->num, was,
	    ag2->bytes.p[40]);
	assert_memory_equal(e[ag2->num - 1].comment, want, strlen(want));
	/* The delayed QM1 says when it became due and was delivered. */
	for (size_t k = 0; k < f->s->npkt; k++) {
		const struct pkt *pk = &f->s->pkts[k];

		if (strcmp(pk->label, "QM1") != 0)
			continue;
		snprintf(want, sizeof(want), "#%d QM1; delayed by rule 3 "
		    "(delay QM1 300ms once), due at %" PRIu64 " ms; "
		    "delivered at %" PRIu64 " ms", pk->num,
		    pk->sent_ms + 305, pk->sent_ms + 305);
		assert_memory_equal(e[k].comment, want, strlen(want));
	}
	buf_free(&b);
}

static void
test_key_files_are_private_and_the_capture_is_not(void **state)
{
	struct fx	*f = *state;
	struct stat	 st;
	mode_t		 old = umask(022);

	assert_int_equal(export_keys(f->s, path(f, "k"), false, f->err,
	    sizeof(f->err)), 0);
	assert_int_equal(export_secrets(f->s, path(f, "s"), false, f->err,
	    sizeof(f->err)), 0);
	assert_int_equal(export_psk_crack(f->s, path(f, "p"), false, f->err,
	    sizeof(f->err)), 0);
	assert_int_equal(export_pcap(f->s, path(f, "c"), false, false,
	    f->err, sizeof(f->err)), 0);
	assert_int_equal(stat(path(f, "k"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(path(f, "k.esp_sa"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(path(f, "s"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(path(f, "p"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(path(f, "c"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	/* Replacing an open file with --force still gives 0600. */
	assert_int_equal(chmod(path(f, "s"), 0644), 0);
	assert_int_equal(export_secrets(f->s, path(f, "s"), true, f->err,
	    sizeof(f->err)), 0);
	assert_int_equal(stat(path(f, "s"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* No temporary file is left behind. */
	assert_int_equal(dir_entries(f->dir), 5);
	umask(old);
}

static void
test_existing_file_is_kept_without_force(void **state)
{
	struct fx	*f = *state;
	struct buf	 b = { NULL, 0, 0 };
	char		 want[600];
	FILE		*fp;

	fp = fopen(path(f, "x.pcapng"), "w");
	assert_non_null(fp);
	fputs("keep me\n", fp);
	fclose(fp);
	assert_true(export_pcap(f->s, path(f, "x.pcapng"), false, false,
	    f->err, sizeof(f->err)) < 0);
	snprintf(want, sizeof(want), "%s exists; use --force to overwrite",
	    path(f, "x.pcapng"));
	assert_string_equal(f->err, want);
	slurp(path(f, "x.pcapng"), &b);
	assert_int_equal(b.len, 8);
	assert_memory_equal(b.p, "keep me\n", 8);
	buf_free(&b);
	/* With force it is replaced. */
	assert_int_equal(export_pcap(f->s, path(f, "x.pcapng"), false, true,
	    f->err, sizeof(f->err)), 0);
	slurp(path(f, "x.pcapng"), &b);
	assert_int_equal(le32(b.p), 0x0a0d0d0a);
	buf_free(&b);

	/* keys: an existing .esp_sa alone stops both files. */
	fp = fopen(path(f, "k.esp_sa"), "w");
	assert_non_null(fp);
	fclose(fp);
	assert_true(export_keys(f->s, path(f, "k"), false, f->err,
	    sizeof(f->err)) < 0);
	snprintf(want, sizeof(want), "%s exists; use --force to overwrite",
	    path(f, "k.esp_sa"));
	assert_string_equal(f->err, want);
	assert_int_equal(access(path(f, "k"), F_OK), -1);
	assert_int_equal(dir_entries(f->dir), 2);

	/* A directory is never a target, --force or not. */
	assert_true(export_pcap(f->s, f->dir, false, true, f->err,
	    sizeof(f->err)) < 0);
	snprintf(want, sizeof(want), "%s is a directory; give a file name "
	    "(e.g. %s/FILE)", f->dir, f->dir);
	assert_string_equal(f->err, want);
	assert_int_equal(dir_entries(f->dir), 2);
}

static void
test_unwritable_path_says_why_and_leaves_nothing(void **state)
{
	struct fx	*f = *state;
	char		 want[600];

	assert_true(export_pcap(f->s, path(f, "no/such/dir/x"), false,
	    false, f->err, sizeof(f->err)) < 0);
	snprintf(want, sizeof(want), "cannot write %s: %s",
	    path(f, "no/such/dir/x"), strerror(ENOENT));
	assert_string_equal(f->err, want);
	/* A directory in the way, even with force. */
	assert_int_equal(mkdir(path(f, "d"), 0700), 0);
	assert_int_equal(mkdir(path(f, "d/sub"), 0700), 0);
	assert_true(export_secrets(f->s, path(f, "d"), true, f->err,
	    sizeof(f->err)) < 0);
	snprintf(want, sizeof(want), "%s is a directory; give a file name "
	    "(e.g. %s/FILE)", path(f, "d"), path(f, "d"));
	assert_string_equal(f->err, want);
	assert_int_equal(dir_entries(f->dir), 1);
	assert_int_equal(dir_entries(path(f, "d")), 1);
}

/* Lower-case hex of N bytes into OUT. */
static char *
hex(const uint8_t *p, size_t n, char *out)
{
	size_t	k;

	for (k = 0; k < n; k++)
		sprintf(out + 2 * k, "%02x", p[k]);
	out[2 * n] = '\0';
	return out;
}

/* Append the esp_sa line Wireshark wants for one direction. */
static void
esp_want(char *w, size_t len, const char *addrs, uint32_t spi,
    const struct buf *km)
{
	char	e[80], a[80];

	snprintf(w + strlen(w), len - strlen(w), "\"IPv4\",\"%s\","
	    "\"0x%08" PRIx32 "\",\"AES-CBC [RFC3602]\",\"0x%s\","
	    "\"HMAC-SHA-1-96 [RFC2404]\",\"0x%s\"\n", addrs, spi,
	    hex(km->p, 16, e), hex(km->p + 16, 20, a));
}

static void
test_key_tables_hold_the_responders_keys(void **state)
{
	struct fx		*f = *state;
	const struct p1sa	*r = &f->s->peer[PEER_R].p1;
	const struct qmx	*q = &f->s->peer[PEER_R].qm[0];
	struct buf		 k = { NULL, 0, 0 }, e = { NULL, 0, 0 };
	char			 want[1024], h1[80], h2[80];

	assert_int_equal(export_keys_buf(f->s, &k, &e, f->err,
	    sizeof(f->err)), 0);
	/* The responder derived these on its own; they must agree. */
	snprintf(want, sizeof(want), "%s,%s\n", hex(r->icookie, 8, h1),
	    hex(r->keys.ka, 16, h2));
	assert_int_equal(k.len, strlen(want));
	assert_memory_equal(k.p, want, k.len);
	assert_int_equal(q->st, QM_R_DONE);
	want[0] = '\0';
	esp_want(want, sizeof(want), "192.0.2.1\",\"192.0.2.2", q->spi_r,
	    &q->keymat_ir);
	esp_want(want, sizeof(want), "192.0.2.2\",\"192.0.2.1", q->spi_i,
	    &q->keymat_ri);
	assert_int_equal(e.len, strlen(want));
	assert_memory_equal(e.p, want, e.len);
	buf_free(&k);
	buf_free(&e);
}

static void
test_no_keys_before_ag2_writes_nothing(void **state)
{
	struct fx	*f = *state;
	struct buf	 b = { NULL, 0, 0 };
	struct epb	 e[4];

	assert_true(export_keys(f->s, path(f, "k"), false, f->err,
	    sizeof(f->err)) < 0);
	assert_string_equal(f->err, "no phase 1 keys yet (they exist once "
	    "AG2 is processed): nothing written");
	assert_true(export_secrets(f->s, path(f, "s"), false, f->err,
	    sizeof(f->err)) < 0);
	assert_true(export_psk_crack(f->s, path(f, "p"), false, f->err,
	    sizeof(f->err)) < 0);
	assert_string_equal(f->err, "no Aggressive Mode AG1 and AG2 on the "
	    "link yet: nothing written");
	assert_int_equal(dir_entries(f->dir), 0);
	/* The capture works, and says AG1 is still on its way. */
	assert_int_equal(export_capture_buf(f->s, false, &b, f->err,
	    sizeof(f->err)), 0);
	assert_int_equal(ng_records(&b, e, 4), 1);
	assert_string_equal(e[0].comment,
	    "#1 AG1; in flight when saved at 0 ms");
	buf_free(&b);
}

/* Find "LABEL\t" lines of the secrets text; the N-th one's value. */
static bool
secret(const struct buf *b, const char *label, int nth, struct buf *val)
{
	const char	*p = (const char *)b->p, *end = p + b->len, *nl;
	size_t		 ll = strlen(label);
	char		 two[3] = { 0 };

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		assert_non_null(nl);
		if ((size_t)(nl - p) <= ll || memcmp(p, label, ll) != 0 ||
		    p[ll] != '\t' || nth-- > 0)
			continue;
		val->len = 0;
		for (p += ll + 1; p + 1 < nl; p += 2) {
			two[0] = p[0];
			two[1] = p[1];
			assert_int_equal(buf_add_u8(val,
			    (uint8_t)strtoul(two, NULL, 16)), IKE_OK);
		}
		return true;
	}
	return false;
}

static void
test_secrets_ivs_decrypt_each_quick_mode_message(void **state)
{
	static const char *const order[] = { "icookie", "rcookie", "gxi",
	    "gxr", "gxy", "ni", "nr", "skeyid", "skeyid_d", "skeyid_a",
	    "skeyid_e", "ka", "iv0", "p1_lastblock", "qm_msgid", "qm_iv",
	    "qm_iv", "qm_iv", "spi_ir", "keymat_ir", "spi_ri", "keymat_ri" };
	static const int qm_pkt[3] = { 7, 8, 9 };	/* QM1b, QM2, QM3 */
	struct fx		*f = *state;
	const struct p1sa	*r = &f->s->peer[PEER_R].p1;
	struct buf		 b = { NULL, 0, 0 }, v = { NULL, 0, 0 };
	struct buf		 ka = { NULL, 0, 0 };
	uint8_t			 out[512];
	const char		*p, *nl;
	size_t			 k = 0;
	int			 m;

	assert_int_equal(export_secrets_buf(f->s, &b, f->err,
	    sizeof(f->err)), 0);
	/* Labels in the documented order, comments apart. */
	for (p = (const char *)b.p; p < (const char *)b.p + b.len;
	    p = nl + 1) {
		nl = strchr(p, '\n');
		if (*p == '#')
			continue;
		assert_true(k < sizeof(order) / sizeof(order[0]));
		assert_memory_equal(p, order[k], strlen(order[k]));
		assert_int_equal(p[strlen(order[k])], '\t');
		k++;
	}
	assert_int_equal(k, sizeof(order) / sizeof(order[0]));
	/* Values the responder computed on its own agree. */
	assert_true(secret(&b, "skeyid", 0, &v));
	assert_memory_equal(v.p, r->keys.skeyid, 20);
	assert_true(secret(&b, "gxy", 0, &v));
	assert_int_equal(v.len, 256);
	assert_memory_equal(v.p, r->gxy, 256);
	assert_true(secret(&b, "ka", 0, &ka));
	/* Each qm_iv decrypts its message to what the receiver read. */
	for (m = 0; m < 3; m++) {
		const struct pkt *pk = &f->s->pkts[qm_pkt[m] - 1];
		size_t	 n = pk->bytes.len - 28;

		assert_true(secret(&b, "qm_iv", m, &v));
		assert_int_equal(v.len, 16);
		assert_true(pk->plain.len >= n - 16 && n <= sizeof(out));
		assert_int_equal(crypto_cbc(IKE_ENC_AES, ka.p, ka.len, v.p,
		    pk->bytes.p + 28, n, out, false), IKE_OK);
		assert_memory_equal(out, pk->plain.p, pk->plain.len < n ?
		    pk->plain.len : n);
	}
	assert_true(secret(&b, "qm_msgid", 0, &v));
	assert_int_equal(be32(v.p), f->s->peer[PEER_R].qm[0].msgid);
	buf_free(&b);
	buf_free(&v);
	buf_free(&ka);
}

/* Split a psk-crack line into its nine fields as bytes. */
static void
psk_fields(const struct buf *b, struct buf f[9])
{
	const char	*p = (const char *)b->p;
	char		 two[3] = { 0 };
	int		 k = 0;

	for (; *p != '\n'; p++) {
		if (*p == ':') {
			k++;
			assert_true(k < 9);
			continue;
		}
		two[0] = p[0];
		two[1] = p[1];
		p++;
		assert_int_equal(buf_add_u8(&f[k],
		    (uint8_t)strtoul(two, NULL, 16)), IKE_OK);
	}
	assert_int_equal(k, 8);
	assert_int_equal(p[1], '\0');
}

static void
test_psk_crack_line_recomputes_hash_r_from_the_psk(void **state)
{
	struct fx		*f = *state;
	const struct p1sa	*r = &f->s->peer[PEER_R].p1;
	struct buf		 b = { NULL, 0, 0 }, fl[9];
	struct ciov		 v[6];
	uint8_t			 skeyid[20], hr[20];
	int			 k;

	memset(fl, 0, sizeof(fl));
	assert_int_equal(export_psk_crack_buf(f->s, &b, f->err,
	    sizeof(f->err)), 0);
	assert_int_equal(buf_add_u8(&b, 0), IKE_OK);
	psk_fields(&b, fl);
	/* g_xr:g_xi:cky_r:cky_i:sai_b:idir_b:ni_b:nr_b:hash_r */
	assert_memory_equal(fl[0].p, r->gxr, 256);
	assert_memory_equal(fl[1].p, r->gxi, 256);
	assert_memory_equal(fl[2].p, r->rcookie, 8);
	assert_memory_equal(fl[3].p, r->icookie, 8);
	assert_true(buf_eq(&fl[4], &r->sai_b));
	assert_true(buf_eq(&fl[5], &r->idr_b));
	assert_true(buf_eq(&fl[6], &r->ni));
	assert_true(buf_eq(&fl[7], &r->nr));
	/* What psk-crack does for each word: */
	v[0] = (struct ciov){ fl[6].p, fl[6].len };
	v[1] = (struct ciov){ fl[7].p, fl[7].len };
	assert_int_equal(crypto_prf(IKE_HASH_SHA1,
	    (const uint8_t *)"letmein", 7, v, 2, skeyid), IKE_OK);
	for (k = 0; k < 6; k++)
		v[k] = (struct ciov){ fl[k].p, fl[k].len };
	assert_int_equal(crypto_prf(IKE_HASH_SHA1, skeyid, 20, v, 6, hr),
	    IKE_OK);
	assert_int_equal(fl[8].len, 20);
	assert_memory_equal(fl[8].p, hr, 20);
	for (k = 0; k < 9; k++)
		buf_free(&fl[k]);
	buf_free(&b);
}

static void
test_psk_crack_refuses_sha256_and_writes_nothing(void **state)
{
	struct fx	*f = *state;

	sess_free(f->s);
	f->s = sess_new(1);
	set(f->s, 3, "hash", "sha256");
	run_all(f->s);
	assert_true(export_psk_crack(f->s, path(f, "p"), false, f->err,
	    sizeof(f->err)) < 0);
	assert_string_equal(f->err, "psk-crack knows MD5 and SHA-1 only; "
	    "this exchange used SHA2-256: nothing written");
	assert_int_equal(dir_entries(f->dir), 0);
}

static void
test_wrong_psk_gives_the_responders_hash(void **state)
{
	struct fx	*f = *state;
	struct buf	 b = { NULL, 0, 0 }, fl[9];
	uint8_t		 skeyid[20], hr[20];
	struct ciov	 v[6];
	int		 k;

	memset(fl, 0, sizeof(fl));
	sess_free(f->s);
	f->s = sess_new(1);
	set(f->s, 1, "psk", "letmein");
	set(f->s, 2, "psk", "sesame");
	set(f->s, 3, "hash", "md5");
	run_all(f->s);
	assert_int_equal(f->s->peer[PEER_I].p1.st, P1_FAILED);
	assert_int_equal(export_psk_crack_buf(f->s, &b, f->err,
	    sizeof(f->err)), 0);
	assert_int_equal(buf_add_u8(&b, 0), IKE_OK);
	/* One line although AG2 was sent six times. */
	assert_non_null(strchr((char *)b.p, '\n'));
	assert_int_equal(strchr((char *)b.p, '\n')[1], '\0');
	psk_fields(&b, fl);
	assert_int_equal(fl[8].len, 16);
	v[0] = (struct ciov){ fl[6].p, fl[6].len };
	v[1] = (struct ciov){ fl[7].p, fl[7].len };
	assert_int_equal(crypto_prf(IKE_HASH_MD5,
	    (const uint8_t *)"sesame", 6, v, 2, skeyid), IKE_OK);
	for (k = 0; k < 6; k++)
		v[k] = (struct ciov){ fl[k].p, fl[k].len };
	assert_int_equal(crypto_prf(IKE_HASH_MD5, skeyid, 16, v, 6, hr),
	    IKE_OK);
	assert_memory_equal(fl[8].p, hr, 16);
	for (k = 0; k < 9; k++)
		buf_free(&fl[k]);
	buf_free(&b);
}

/*
 * After `ping`, the two ESP packets are records of their own: IPv4
 * protocol 50 straight after the IPv4 header (no UDP), the packet's
 * bytes unchanged, a valid header checksum, the comment "#N ESP".
 */
static void
test_esp_packets_are_ip_protocol_50(void **state)
{
	struct fx	*f = *state;
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct buf	 b = { NULL, 0, 0 };
	struct epb	 e[16];
	size_t		 n, k;

	assert_int_equal(sess_ping(f->s, &dg), IKE_OK);
	assert_int_equal(sess_run(f->s, 600000, NULL, NULL), RUN_IDLE);
	assert_int_equal(f->s->npkt, 11);
	assert_int_equal(export_capture_buf(f->s, false, &b, f->err,
	    sizeof(f->err)), 0);
	n = ng_records(&b, e, 16);
	assert_int_equal(n, 11);
	for (k = 9; k < 11; k++) {
		const struct pkt	*pk = &f->s->pkts[k];
		const uint8_t		*d = e[k].data;
		char			 want[16];

		assert_true(pk->is_esp);
		assert_int_equal(e[k].len, 20 + pk->bytes.len);
		assert_int_equal(d[0], 0x45);
		assert_int_equal(d[9], 50);
		assert_int_equal(d[2] << 8 | d[3], e[k].len);
		assert_int_equal(d[4] << 8 | d[5], pk->num);
		assert_int_equal(sum16(0, d, 20), 0xffff);
		/* 192.0.2.1 > 192.0.2.2 for the request, back for the reply. */
		assert_int_equal(d[15], k == 9 ? 1 : 2);
		assert_int_equal(d[19], k == 9 ? 2 : 1);
		assert_memory_equal(d + 20, pk->bytes.p, pk->bytes.len);
		snprintf(want, sizeof(want), "#%d ESP", pk->num);
		assert_string_equal(e[k].comment, want);
	}
	buf_free(&b);
}

/*
 * With PFS, KEYMAT also hashes the Quick Mode DH secret; the secrets
 * file carries it as `gqm` so that a reader (open --secrets) can check
 * KEYMAT: recomputed here from the file's lines, it is the session's.
 */
static void
test_pfs_secrets_carry_the_quick_mode_dh_secret(void **state)
{
	struct fx		*f = *state;
	struct buf		 b = { NULL, 0, 0 }, v = { NULL, 0, 0 };
	const struct qmx	*q;
	const struct peer	*pi;
	uint8_t			 km[64];

	sess_free(f->s);
	f->s = sess_new(3);
	set(f->s, 3, "pfs", "on");
	run_all(f->s);
	pi = &f->s->peer[PEER_I];
	q = sess_qm_cur(pi);
	assert_non_null(q);
	assert_int_equal(q->st, QM_I_DONE);
	assert_int_equal(q->gqlen, 256);
	assert_int_equal(export_secrets_buf(f->s, &b, f->err,
	    sizeof(f->err)), 0);
	assert_true(secret(&b, "gqm", 0, &v));
	assert_int_equal(v.len, 256);
	assert_memory_equal(v.p, q->gqm, 256);
	assert_false(secret(&b, "gqm", 1, &v));
	assert_non_null(strstr((const char *)b.p, "\n# PFS: the Quick Mode "
	    "Diffie-Hellman secret g(qm)^xy (group 14)\ngqm\t"));
	/* KEYMAT i>r = prf(SKEYID_d, g(qm)^xy | 3 | SPI | Ni_b | Nr_b)... */
	assert_true(secret(&b, "gqm", 0, &v));
	assert_int_equal(keys_keymat(&pi->p1.keys, v.p, v.len, IKE_PROTO_ESP,
	    q->spi_r, q->ni.p, q->ni.len, q->nr.p, q->nr.len, km,
	    q->keymat_ir.len), IKE_OK);
	assert_true(secret(&b, "keymat_ir", 0, &v));
	assert_int_equal(v.len, q->keymat_ir.len);
	assert_memory_equal(km, v.p, v.len);
	/* ... and without it the keys would differ. */
	assert_int_equal(keys_keymat(&pi->p1.keys, NULL, 0, IKE_PROTO_ESP,
	    q->spi_r, q->ni.p, q->ni.len, q->nr.p, q->nr.len, km,
	    q->keymat_ir.len), IKE_OK);
	assert_memory_not_equal(km, v.p, v.len);
	buf_free(&b);
	buf_free(&v);
	/* Without PFS there is no gqm line. */
	sess_free(f->s);
	f->s = sess_new(3);
	run_all(f->s);
	assert_int_equal(export_secrets_buf(f->s, &b, f->err,
	    sizeof(f->err)), 0);
	assert_false(secret(&b, "gqm", 0, &v));
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_pcapng_section_and_interface_blocks_are_exact,
		    setup_seed, teardown),
		cmocka_unit_test_setup_teardown(
		    test_classic_pcap_global_header_is_exact,
		    setup_seed, teardown),
		cmocka_unit_test_setup_teardown(
		    test_capture_has_one_record_per_packet_with_the_dropped_ag3,
		    setup_seed, teardown),
		cmocka_unit_test_setup_teardown(
		    test_comments_say_dropped_and_discarded,
		    setup_seed, teardown),
		cmocka_unit_test_setup_teardown(
		    test_ip_and_udp_checksums_verify, setup_seed, teardown),
		cmocka_unit_test_setup_teardown(
		    test_corrupted_copied_and_delayed_packets_are_described,
		    setup_seed, teardown),
		cmocka_unit_test_setup_teardown(
		    test_key_files_are_private_and_the_capture_is_not,
		    setup_seed, teardown),
		cmocka_unit_test_setup_teardown(
		    test_existing_file_is_kept_without_force,
		    setup_seed, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unwritable_path_says_why_and_leaves_nothing,
		    setup_seed, teardown),
		cmocka_unit_test_setup_teardown(
		    test_key_tables_hold_the_responders_keys,
		    setup_seed, teardown),
		cmocka_unit_test_setup_teardown(
		    test_no_keys_before_ag2_writes_nothing,
		    setup_ag1, teardown),
		cmocka_unit_test_setup_teardown(
		    test_secrets_ivs_decrypt_each_quick_mode_message,
		    setup_seed, teardown),
		cmocka_unit_test_setup_teardown(
		    test_psk_crack_line_recomputes_hash_r_from_the_psk,
		    setup_seed, teardown),
		cmocka_unit_test_setup_teardown(
		    test_psk_crack_refuses_sha256_and_writes_nothing,
		    setup_seed, teardown),
		cmocka_unit_test_setup_teardown(
		    test_wrong_psk_gives_the_responders_hash,
		    setup_seed, teardown),
		cmocka_unit_test_setup_teardown(
		    test_esp_packets_are_ip_protocol_50,
		    setup_seed, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pfs_secrets_carry_the_quick_mode_dh_secret,
		    setup_seed, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
