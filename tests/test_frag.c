/*
 * test_frag.c: IKE fragmentation (payload 132, ikev1-reference.md 1.6):
 * the codec that cuts and reads fragment datagrams and collects them
 * (core/frag.c), byte for byte; the frag-resend knob; and sessions in
 * which a peer resends a message as fragments and the other reassembles
 * it (core/sess.c, core/peer.c), with exact times, labels and sizes.
 *
 * Sizes follow from the layout alone: with the defaults (group 14,
 * 32-byte nonces, SHA-1, ID_IPV4_ADDR) AG2 is 28 (header) + 56 (SA) +
 * 260 (KE) + 36 (NONCE) + 12 (ID) + 24 (HASH) = 416 bytes. With
 * `frag-resend 200` a fragment carries 200 - 36 = 164 bytes of it:
 * 164 + 164 + 88, datagrams of 200, 200 and 124 bytes. Times follow
 * from libreswan's timers (0.5 s twice, then doubling) and the 5 ms
 * latency.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frag.h"
#include "sess.h"

#define ANY_TIME	UINT64_MAX

/*
 * Helpers
 */

/* Print the trace of S to stderr, so that a failure is readable. */
static void
trace_print(const struct sess *s)
{
	const struct tr_event	*e;
	size_t			 k;

	fflush(stdout);
	for (k = 0; k < s->trace.n; k++) {
		e = &s->trace.ev[k];
		fprintf(stderr, "%4zu %6llu %c %-12s #%-3d %-12s try=%d "
		    "due=%llu \"%s\"\n", k, (unsigned long long)e->t_ms,
		    e->peer ? e->peer : '-', trace_kind_name(e->kind), e->pkt,
		    e->label, e->try_no, (unsigned long long)e->due_ms,
		    e->reason);
	}
}

#define S_CHECK(s, cond) do {						\
	if (!(cond)) {							\
		trace_print(s);						\
		fail_msg("%s:%d: check failed: %s", __FILE__, __LINE__,	\
		    #cond);						\
	}								\
} while (0)

#define S_EQ(s, a, b) do {						\
	unsigned long long a_ = (unsigned long long)(a);		\
	unsigned long long b_ = (unsigned long long)(b);		\
	if (a_ != b_) {							\
		trace_print(s);						\
		fail_msg("%s:%d: %s is %llu, expected %llu", __FILE__,	\
		    __LINE__, #a, a_, b_);				\
	}								\
} while (0)

#define S_STREQ(s, a, b) do {						\
	const char *a_ = (a), *b_ = (b);				\
	if (strcmp(a_, b_) != 0) {					\
		trace_print(s);						\
		fail_msg("%s:%d: %s is \"%s\", expected \"%s\"",	\
		    __FILE__, __LINE__, #a, a_, b_);			\
	}								\
} while (0)

/* Index of the first event at FROM or later of KIND for packet PKT
 * (0: any) by PEER (0: any) labelled LABEL (NULL: any); -1 if none. */
static long
ev_find(const struct sess *s, size_t from, enum tr_kind kind, int pkt,
    char peer, const char *label)
{
	const struct tr_event	*e;
	size_t			 k;

	for (k = from; k < s->trace.n; k++) {
		e = &s->trace.ev[k];
		if (e->kind != kind || (pkt != 0 && e->pkt != pkt) ||
		    (peer != 0 && e->peer != peer) ||
		    (label != NULL && strcmp(e->label, label) != 0))
			continue;
		return (long)k;
	}
	return -1;
}

/* The event must exist and happen at T (ANY_TIME: any); its index. */
static size_t
ev_at_(const struct sess *s, enum tr_kind kind, int pkt, char peer,
    const char *label, uint64_t t, const char *file, int line)
{
	long	k = ev_find(s, 0, kind, pkt, peer, label);

	if (k < 0 || (t != ANY_TIME && s->trace.ev[k].t_ms != t)) {
		trace_print(s);
		fail_msg("%s:%d: no %s of #%d by %c for %s at %llu ms", file,
		    line, trace_kind_name(kind), pkt, peer ? peer : '*',
		    label ? label : "*", (unsigned long long)t);
	}
	return (size_t)k;
}

#define EV_AT(s, kind, pkt, peer, label, t)				\
	ev_at_((s), (kind), (pkt), (peer), (label), (t), __FILE__, __LINE__)

/* Events of KIND in S. */
static size_t
ev_count(const struct sess *s, enum tr_kind kind)
{
	size_t	k, n = 0;

	for (k = 0; k < s->trace.n; k++)
		n += s->trace.ev[k].kind == kind;
	return n;
}

/* The transition of PEER to TO must happen at T. */
static void
state_at_(const struct sess *s, char peer, const char *to, uint64_t t,
    const char *file, int line)
{
	const struct tr_event	*e;
	size_t			 k;

	for (k = 0; k < s->trace.n; k++) {
		e = &s->trace.ev[k];
		if (e->kind == TR_STATE && e->peer == peer &&
		    strcmp(e->to, to) == 0 && e->t_ms == t)
			return;
	}
	trace_print(s);
	fail_msg("%s:%d: %c did not reach %s at %llu ms", file, line, peer,
	    to, (unsigned long long)t);
}

#define STATE_AT(s, peer, to, t) state_at_((s), (peer), (to), (t),	\
	__FILE__, __LINE__)

static struct sess *
mk(uint64_t seed)
{
	struct sess	*s = sess_new(seed);

	assert_non_null(s);
	return s;
}

static void
set_(struct sess *s, unsigned int mask, const char *key, const char *val,
    const char *file, int line)
{
	struct ike_diag	dg = IKE_DIAG_INIT;

	if (sess_set(s, mask, key, val, &dg) != IKE_OK)
		fail_msg("%s:%d: set %s %s: %s", file, line, key, val, dg.msg);
}

#define SET(s, mask, key, val) set_((s), (mask), (key), (val), __FILE__, \
	__LINE__)

/* Arm a rule ACT on label SEL (NTH 0: every match); its id. */
static int
rule_add(struct sess *s, enum rule_act act, const char *sel,
    unsigned int nth, long off)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	struct rule	r;
	int		id;

	sess_rule_init(&r, act, sel, nth);
	r.off = off;
	r.delay_ms = 2;
	if ((id = sess_rule_add(s, &r, &dg)) <= 0)
		fail_msg("rule_add: %s", dg.msg);
	return id;
}

static void
start(struct sess *s)
{
	struct ike_diag	dg = IKE_DIAG_INIT;

	if (sess_start(s, &dg) != IKE_OK)
		fail_msg("start: %s", dg.msg);
}

/* Is the responder's current Quick Mode done? (a sess_run condition) */
static bool
r_qm_done(const struct sess *s, void *arg)
{
	const struct qmx	*q = sess_qm_cur(&s->peer[PEER_R]);

	(void)arg;
	return q != NULL && q->st == QM_R_DONE;
}

/* Are at least *ARG packets on the link? (a sess_run condition) */
static bool
npkt_reached(const struct sess *s, void *arg)
{
	return s->npkt >= *(const size_t *)arg;
}

/* Packet N; the test fails if there is none. */
static const struct pkt *
pkt_(const struct sess *s, int n, const char *file, int line)
{
	const struct pkt	*pk = sess_pkt_c(s, n);

	if (pk == NULL) {
		trace_print(s);
		fail_msg("%s:%d: no packet #%d", file, line, n);
	}
	return pk;
}

#define PKT(s, n) pkt_((s), (n), __FILE__, __LINE__)

/* The fragment ID in the bytes of fragment datagram PK. */
static unsigned int
frag_id_of(const struct pkt *pk)
{
	return (unsigned int)(pk->bytes.p[32] << 8 | pk->bytes.p[33]);
}

/*
 * Packet N must be fragment K of NF of message LABEL (e.g. "AG2b"),
 * sent by FROM at SENT with LEN bytes carrying bytes [OFF, OFF + LEN -
 * 36) of WHOLE: its header is WHOLE's with Next Payload 132, E cleared
 * and its own length; its payload says ID, K and the last flag.
 */
static void
frag_pkt_is_(const struct sess *s, int n, const char *label, size_t k,
    size_t nf, int from, uint64_t sent, size_t len, size_t off,
    const struct buf *whole, const char *file, int line)
{
	const struct pkt	*pk = pkt_(s, n, file, line);
	char			 want[TR_LABEL_LEN];
	const uint8_t		*b = pk->bytes.p;
	size_t			 data = len - 36;
	bool			 ok;

	snprintf(want, sizeof(want), "%s[%zu/%zu]", label, k, nf);
	ok = strcmp(pk->label, want) == 0 && pk->from == from &&
	    pk->sent_ms == sent && pk->bytes.len == len && pk->resend &&
	    memcmp(b, whole->p, 16) == 0 && b[16] == 132 &&
	    b[17] == whole->p[17] && b[18] == whole->p[18] &&
	    b[19] == (whole->p[19] & 0xfe) &&
	    memcmp(b + 20, whole->p + 20, 4) == 0 &&
	    b[24] == 0 && b[25] == 0 && b[26] == (len >> 8) &&
	    b[27] == (len & 0xff) && b[28] == 0 && b[29] == 0 &&
	    b[30] == ((data + 8) >> 8) && b[31] == ((data + 8) & 0xff) &&
	    b[34] == k && b[35] == (k == nf ? 1 : 0) &&
	    off + data <= whole->len &&
	    memcmp(b + 36, whole->p + off, data) == 0;
	if (!ok) {
		trace_print(s);
		fail_msg("%s:%d: packet #%d (%s, %zu bytes, sent %llu) is not "
		    "fragment %s of %zu bytes at %llu", file, line, n,
		    pk->label, pk->bytes.len,
		    (unsigned long long)pk->sent_ms, want, len,
		    (unsigned long long)sent);
	}
}

#define FRAG_PKT_IS(s, n, label, k, nf, from, sent, len, off, whole)	\
	frag_pkt_is_((s), (n), (label), (k), (nf), (from), (sent), (len), \
	    (off), (whole), __FILE__, __LINE__)

/*
 * A session of two libreswan peers in which the responder resends
 * messages of 200 bytes or more in fragments, and AG2 is lost once.
 */
static struct sess *
frag_sess(void)
{
	struct sess	*s = mk(1);

	SET(s, 3, "profile", "libreswan");
	SET(s, 2, "frag-resend", "200");
	rule_add(s, RULE_DROP, "AG2", 1, -1);
	return s;
}

/* Run S until both peers completed Quick Mode; it must happen. */
static void
run_done(struct sess *s)
{
	S_EQ(s, sess_run(s, 600000, r_qm_done, NULL), RUN_UNTIL);
	S_EQ(s, sess_qm_cur(&s->peer[PEER_I])->st, QM_I_DONE);
}

/* Run S until N packets were put on the link. */
static void
run_to_npkt(struct sess *s, size_t n)
{
	S_EQ(s, sess_run(s, 600000, npkt_reached, &n), RUN_UNTIL);
}

/*
 * 1. The codec
 */

/* A test message: header (cookies 11.., 22.., next 8, Quick Mode,
 * encrypted, M-ID deadbeef) and LEN - 28 body bytes 0, 1, 2, ... */
static void
test_msg(uint8_t *m, size_t len)
{
	size_t	k;

	memset(m, 0x11, 8);
	memset(m + 8, 0x22, 8);
	m[16] = 8;
	m[17] = 0x10;
	m[18] = 32;
	m[19] = 0x01;
	m[20] = 0xde;
	m[21] = 0xad;
	m[22] = 0xbe;
	m[23] = 0xef;
	m[24] = (uint8_t)(len >> 24);
	m[25] = (uint8_t)(len >> 16);
	m[26] = (uint8_t)(len >> 8);
	m[27] = (uint8_t)len;
	for (k = 28; k < len; k++)
		m[k] = (uint8_t)(k - 28);
}

static void
test_frag_count_by_size(void **state)
{
	(void)state;
	assert_int_equal(frag_count(416, 200), 3);	/* 164 164 88 */
	assert_int_equal(frag_count(328, 200), 2);	/* exactly 2 x 164 */
	assert_int_equal(frag_count(329, 200), 3);
	assert_int_equal(frag_count(544, 532), 2);	/* libreswan: 496 48 */
	assert_int_equal(frag_count(60, 37), 60);	/* 1 byte each */
	assert_int_equal(frag_count(60, 36), 0);	/* no room for data */
	assert_int_equal(frag_count(60, 0), 0);
}

/* Every byte of the fragments of a 70-byte message cut for 56 bytes. */
static void
test_frag_build_bytes(void **state)
{
	static const uint8_t	 want1[56] = {
		0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
		0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
		132, 0x10, 32, 0x00, 0xde, 0xad, 0xbe, 0xef,
		0, 0, 0, 56,
		0, 0, 0, 28, 0x12, 0x34, 1, 0,
		/* the first 20 bytes of the message: its header */
		0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
		0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
		8, 0x10, 32, 0x01,
	};
	static const uint8_t	 want4[46] = {
		0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
		0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
		132, 0x10, 32, 0x00, 0xde, 0xad, 0xbe, 0xef,
		0, 0, 0, 46,
		0, 0, 0, 18, 0x12, 0x34, 4, 1,
		/* message bytes 60..69: body bytes 32..41 */
		32, 33, 34, 35, 36, 37, 38, 39, 40, 41,
	};
	uint8_t		 m[70];
	struct buf	 b = { 0 };
	struct ike_diag	 dg = IKE_DIAG_INIT;

	(void)state;
	test_msg(m, sizeof(m));
	assert_int_equal(frag_build(m, sizeof(m), 56, 0x1234, 1, &b, &dg), 0);
	assert_int_equal(b.len, sizeof(want1));
	assert_memory_equal(b.p, want1, sizeof(want1));
	assert_int_equal(frag_build(m, sizeof(m), 56, 0x1234, 2, &b, &dg), 0);
	assert_int_equal(b.len, 56);
	assert_int_equal(b.p[34], 2);
	assert_int_equal(b.p[35], 0);
	assert_memory_equal(b.p + 36, m + 20, 20);
	assert_int_equal(frag_build(m, sizeof(m), 56, 0x1234, 4, &b, &dg), 0);
	assert_int_equal(b.len, sizeof(want4));
	assert_memory_equal(b.p, want4, sizeof(want4));
	/* There is no fragment 5, and 17 fragments are too many. */
	assert_int_equal(frag_build(m, sizeof(m), 56, 0x1234, 5, &b, &dg),
	    IKE_ENOENT);
	assert_int_equal(frag_build(m, sizeof(m), 40, 0x1234, 1, &b, &dg),
	    IKE_ELIMIT);
	assert_string_equal(dg.msg, "70 bytes in datagrams of at most 40 "
	    "bytes: 18 fragments, at most 16");
	buf_free(&b);
}

/* libreswan 4.10, measured: a 544-byte AG2 went as 532 + 84 bytes. */
static void
test_frag_build_libreswan_sizes(void **state)
{
	uint8_t		 m[544];
	struct buf	 b = { 0 };

	(void)state;
	test_msg(m, sizeof(m));
	assert_int_equal(frag_build(m, sizeof(m), 532, 1, 1, &b, NULL), 0);
	assert_int_equal(b.len, 532);
	assert_memory_equal(b.p + 36, m, 496);
	assert_int_equal(frag_build(m, sizeof(m), 532, 1, 2, &b, NULL), 0);
	assert_int_equal(b.len, 84);
	assert_int_equal(b.p[31], 56);		/* payload length 8 + 48 */
	assert_int_equal(b.p[35], 1);
	assert_memory_equal(b.p + 36, m + 496, 48);
	buf_free(&b);
}

static void
test_frag_parse_reads_what_build_wrote(void **state)
{
	uint8_t		 m[70];
	struct buf	 b = { 0 };
	struct frag	 f;
	struct ike_diag	 dg = IKE_DIAG_INIT;

	(void)state;
	test_msg(m, sizeof(m));
	assert_int_equal(frag_build(m, sizeof(m), 56, 0xbeef, 4, &b, NULL), 0);
	assert_int_equal(frag_parse(b.p, b.len, &f, &dg), 0);
	assert_memory_equal(f.icookie, m, 8);
	assert_int_equal(f.id, 0xbeef);
	assert_int_equal(f.num, 4);
	assert_true(f.last);
	assert_int_equal(f.len, 10);
	assert_ptr_equal(f.data, b.p + 36);
	buf_free(&b);
}

/* A fragment datagram (ID 7, number 1, last) with DATA bytes of data;
 * PLEN is the payload length written (normally 8 + DATA). */
static size_t
raw_frag(uint8_t *out, size_t data, unsigned int plen)
{
	test_msg(out, 36 + data);
	out[16] = 132;
	out[19] = 0;
	out[28] = 0;
	out[29] = 0;
	out[30] = (uint8_t)(plen >> 8);
	out[31] = (uint8_t)plen;
	out[32] = 0;
	out[33] = 7;
	out[34] = 1;
	out[35] = 1;
	return 36 + data;
}

/* Parse errors: code, offset, FRAG payload named, exact reason. */
static void
parse_fails(const uint8_t *p, size_t len, int code, size_t off,
    const char *msg)
{
	struct frag	f;
	struct ike_diag	dg = IKE_DIAG_INIT;

	assert_int_equal(frag_parse(p, len, &f, &dg), code);
	assert_int_equal(dg.off, off);
	assert_string_equal(dg.pld, "FRAG");
	assert_string_equal(dg.msg, msg);
}

static void
test_frag_parse_rejects_bad_payloads(void **state)
{
	uint8_t	p[64];
	size_t	n;

	(void)state;
	n = raw_frag(p, 4, 7);
	parse_fails(p, n, IKE_EMALFORMED, 30, "length 7 is below the minimum "
	    "of 8: fragment ID, number and flags need 4 bytes");
	n = raw_frag(p, 4, 13);
	parse_fails(p, n, IKE_ESHORT, 30, "length 13 runs past the end (12 "
	    "bytes left)");
	n = raw_frag(p, 4, 11);
	parse_fails(p, n, IKE_EMALFORMED, 30, "length 11 leaves 1 bytes after "
	    "the payload");
	n = raw_frag(p, 4, 12);
	p[34] = 0;
	parse_fails(p, n, IKE_EMALFORMED, 34, "fragment number 0; numbers "
	    "run from 1 to 16");
	p[34] = 17;
	parse_fails(p, n, IKE_EMALFORMED, 34, "fragment number 17; numbers "
	    "run from 1 to 16");
	p[34] = 16;
	p[28] = 5;
	parse_fails(p, n, IKE_EMALFORMED, 28, "next payload 5: a fragment "
	    "datagram carries only the fragment");
	parse_fails(p, 30, IKE_ESHORT, 28, "generic header needs 4 bytes, 2 "
	    "left");
	/* 'show' says the same of a number out of range. */
	{
		struct buf	out = { 0 };

		n = raw_frag(p, 4, 12);
		p[34] = 0;
		assert_int_equal(pld_dump(p, n, NULL, 0, &out), 0);
		assert_int_equal(buf_add(&out, "", 1), 0);
		assert_non_null(strstr((const char *)out.p, "error: fragment "
		    "number 0; numbers run from 1 to 16"));
		buf_free(&out);
	}
}

/* A fragment F of ID, number NUM (LAST), over DATA (LEN bytes). */
static struct frag
fr(uint16_t id, uint8_t num, bool last, const uint8_t *data, size_t len)
{
	struct frag	f;

	memset(&f, 0, sizeof(f));
	memset(f.icookie, 0x11, sizeof(f.icookie));
	f.id = id;
	f.num = num;
	f.last = last;
	f.data = data;
	f.len = len;
	return f;
}

/* Out of order, with a duplicate: whole once every number is held. */
static void
test_frag_set_collects_out_of_order(void **state)
{
	struct frag_set	 set;
	struct frag	 f;
	struct buf	 out = { 0 };
	struct ike_diag	 dg = IKE_DIAG_INIT;

	(void)state;
	memset(&set, 0, sizeof(set));
	f = fr(9, 3, true, (const uint8_t *)"EF", 2);
	assert_int_equal(frag_add(&set, &f, 30, &dg), FRAG_HELD);
	f = fr(9, 1, false, (const uint8_t *)"AB", 2);
	assert_int_equal(frag_add(&set, &f, 31, &dg), FRAG_HELD);
	/* The same number again is a duplicate and changes nothing. */
	f = fr(9, 1, false, (const uint8_t *)"XX", 2);
	assert_int_equal(frag_add(&set, &f, 32, &dg), IKE_ESTATE);
	assert_string_equal(dg.msg, "fragment 1 of ID 9 is already held");
	assert_int_equal(dg.off, 34);
	assert_int_equal(frag_held(&set), 2);
	f = fr(9, 2, false, (const uint8_t *)"CD", 2);
	assert_false(frag_replaces(&set, &f));
	assert_int_equal(frag_add(&set, &f, 33, &dg), FRAG_COMPLETE);
	assert_int_equal(set.pkt[0], 31);
	assert_int_equal(set.pkt[2], 30);
	assert_int_equal(frag_take(&set, &out), 0);
	assert_int_equal(out.len, 6);
	assert_memory_equal(out.p, "ABCDEF", 6);
	assert_false(set.active);
	assert_int_equal(set.have, 0);
	/* A late copy of a fragment of the joined message is known. */
	f = fr(9, 3, true, (const uint8_t *)"EF", 2);
	assert_int_equal(frag_copy_of(&set, &f), 30);
	f = fr(9, 3, true, (const uint8_t *)"EX", 2);
	assert_int_equal(frag_copy_of(&set, &f), -1);
	f = fr(10, 3, true, (const uint8_t *)"EF", 2);
	assert_int_equal(frag_copy_of(&set, &f), -1);
	f = fr(9, 3, false, (const uint8_t *)"EF", 2);
	assert_int_equal(frag_copy_of(&set, &f), -1);
	/* The same ID with other bytes is a new message (libreswan's 1). */
	f = fr(9, 1, true, (const uint8_t *)"GH", 2);
	assert_false(frag_replaces(&set, &f));
	assert_int_equal(frag_add(&set, &f, 40, &dg), FRAG_COMPLETE);
	frag_clear(&set);
	f = fr(9, 1, true, (const uint8_t *)"GH", 2);
	assert_int_equal(frag_copy_of(&set, &f), -1);
	buf_free(&out);
}

static void
test_frag_set_refuses_inconsistent_numbers(void **state)
{
	static uint8_t	 big[40000];
	struct frag_set	 set;
	struct frag	 f;
	struct ike_diag	 dg = IKE_DIAG_INIT;

	(void)state;
	memset(&set, 0, sizeof(set));
	f = fr(5, 2, true, (const uint8_t *)"x", 1);
	assert_int_equal(frag_add(&set, &f, 1, &dg), FRAG_HELD);
	f = fr(5, 3, false, (const uint8_t *)"y", 1);
	assert_int_equal(frag_add(&set, &f, 2, &dg), IKE_EMALFORMED);
	assert_string_equal(dg.msg, "fragment 3 of ID 5 comes after the last "
	    "one, 2");
	assert_int_equal(dg.off, 34);
	f = fr(5, 1, true, (const uint8_t *)"y", 1);
	assert_int_equal(frag_add(&set, &f, 3, &dg), IKE_EMALFORMED);
	assert_string_equal(dg.msg, "fragment 1 of ID 5 is marked last, but "
	    "fragment 2 is held");
	assert_int_equal(dg.off, 35);
	/* Another ID, or other cookies, start another message. */
	f = fr(6, 1, false, big, sizeof(big));
	assert_true(frag_replaces(&set, &f));
	f = fr(5, 1, false, big, sizeof(big));
	f.icookie[7] = 0x12;
	assert_true(frag_replaces(&set, &f));
	frag_clear(&set);
	assert_false(frag_replaces(&set, &f));
	/* Two fragments of 40000 bytes would make more than 65535. */
	assert_int_equal(frag_add(&set, &f, 4, &dg), FRAG_HELD);
	f.num = 2;
	assert_int_equal(frag_add(&set, &f, 5, &dg), IKE_ELIMIT);
	assert_string_equal(dg.msg, "fragment 2 of ID 5 would make the "
	    "message longer than 65535 bytes");
	assert_int_equal(set.total, 40000);
	frag_clear(&set);
}

/*
 * 2. The knob
 */

static void
test_frag_resend_knob(void **state)
{
	struct sess	*s = mk(1);
	struct ike_diag	 dg = IKE_DIAG_INIT;
	char		 v[32];

	(void)state;
	assert_int_equal(sess_get(s, PEER_R, "frag-resend", v, sizeof(v),
	    &dg), 0);
	assert_string_equal(v, "off");
	SET(s, 2, "frag-resend", "200");
	assert_int_equal(sess_get(s, PEER_R, "frag-resend", v, sizeof(v),
	    &dg), 0);
	assert_string_equal(v, "200");
	assert_string_equal(sess_origin(s, PEER_R, "frag-resend"), "set");
	assert_int_equal(sess_set(s, 2, "frag-resend", "63", &dg),
	    IKE_ESYNTAX);
	assert_string_equal(dg.msg, "frag-resend: '63' is neither off nor a "
	    "size from 64 to 65535 bytes");
	assert_int_equal(s->peer[PEER_R].cfg.frag_resend, 200);
	SET(s, 3, "profile", "libreswan");
	assert_int_equal(s->peer[PEER_I].cfg.frag_resend, 532);
	assert_string_equal(sess_origin(s, PEER_I, "frag-resend"),
	    "libreswan");
	SET(s, 3, "profile", "strongswan");
	assert_int_equal(s->peer[PEER_I].cfg.frag_resend, 0);
	SET(s, 1, "frag-resend", "64");
	SET(s, 1, "frag-resend", "0");
	assert_int_equal(s->peer[PEER_I].cfg.frag_resend, 0);
	sess_free(s);
}

static void
test_selectors_and_fragments(void **state)
{
	(void)state;
	assert_true(sess_label_matches("AG2", "AG2b[1/2]"));
	assert_true(sess_label_matches("AG2", "AG2"));
	assert_true(sess_label_matches("AG2b", "AG2b"));
	assert_true(sess_label_matches("AG2b", "AG2b[2/2]"));
	assert_false(sess_label_matches("AG2b", "AG2c[1/2]"));
	assert_false(sess_label_matches("AG2b", "AG2bb"));
	assert_true(sess_label_matches("AG2b[2/2]", "AG2b[2/2]"));
	assert_false(sess_label_matches("AG2b[2/2]", "AG2b[1/2]"));
	assert_false(sess_label_matches("AG2b[2/2]", "AG2b"));
	assert_false(sess_label_matches("AG2", "AG3b[1/2]"));
	assert_true(sess_label_matches("QM1.2b", "QM1.2b[1/3]"));
	assert_true(sess_label_matches("QM1", "QM1.2b[1/3]"));
	assert_false(sess_label_matches("QM1", "QM2b[1/3]"));
}

/*
 * 3. Sessions
 */

/*
 * AG2 is lost; the initiator's AG1b (0.5 s) is a duplicate, which the
 * responder answers with AG2b: 416 bytes >= 200, so as three fragments
 * (#4, #5, #6) at 505 ms, due 510. The initiator reassembles at 510 and
 * the exchange completes through QM3 at 525 ms.
 */
static void
test_lost_ag2_resent_in_fragments(void **state)
{
	struct sess		*s = frag_sess();
	const struct pkt	*ag2;
	const struct tr_event	*e;
	size_t			 k;
	unsigned int		 id;

	(void)state;
	start(s);
	run_done(s);
	ag2 = PKT(s, 2);
	S_STREQ(s, ag2->label, "AG2");
	S_EQ(s, ag2->bytes.len, 416);
	FRAG_PKT_IS(s, 4, "AG2b", 1, 3, PEER_R, 505, 200, 0, &ag2->bytes);
	FRAG_PKT_IS(s, 5, "AG2b", 2, 3, PEER_R, 505, 200, 164, &ag2->bytes);
	FRAG_PKT_IS(s, 6, "AG2b", 3, 3, PEER_R, 505, 124, 328, &ag2->bytes);
	id = frag_id_of(PKT(s, 4));
	S_CHECK(s, id != 0);
	S_EQ(s, frag_id_of(PKT(s, 5)), id);
	S_EQ(s, frag_id_of(PKT(s, 6)), id);
	/* Each fragment: a resend event (due 510), then its fragment
	 * event, in packet order. */
	k = EV_AT(s, TR_RESEND, 4, 'r', "AG2b[1/3]", 505);
	e = &s->trace.ev[k];
	S_EQ(s, e->try_no, 0);
	S_EQ(s, e->due_ms, 510);
	S_STREQ(s, e->reason, "duplicate of AG1");
	S_EQ(s, s->trace.ev[k + 1].kind, TR_FRAGMENT);
	S_EQ(s, s->trace.ev[k + 1].pkt, 4);
	S_STREQ(s, s->trace.ev[k + 1].label, "AG2b[1/3]");
	k = EV_AT(s, TR_FRAGMENT, 6, 'r', "AG2b[3/3]", 505);
	{
		char	want[TR_TEXT_LEN];

		snprintf(want, sizeof(want), "fragment 3 of 3 (ID %u): 88 of "
		    "416 bytes from offset 328", id);
		S_STREQ(s, s->trace.ev[k].reason, want);
	}
	EV_AT(s, TR_RESEND, 5, 'r', "AG2b[2/3]", 505);
	EV_AT(s, TR_DELIVER, 6, 'r', "AG2b[3/3]", 510);
	k = EV_AT(s, TR_REASSEMBLE, 6, 'i', "AG2b", 510);
	S_STREQ(s, s->trace.ev[k].reason, "3 fragments, 416 bytes");
	S_EQ(s, ev_count(s, TR_FRAGMENT), 3);
	S_EQ(s, ev_count(s, TR_REASSEMBLE), 1);
	S_EQ(s, ev_count(s, TR_DISCARD), 0);
	STATE_AT(s, 'i', "AM_I_DONE", 510);
	STATE_AT(s, 'r', "AM_R_DONE", 515);
	STATE_AT(s, 'i', "QM_I_DONE", 520);
	STATE_AT(s, 'r', "QM_R_DONE", 525);
	/* Only resends are cut: every first send went whole. */
	for (k = 0; k < s->npkt; k++)
		S_CHECK(s, s->pkts[k].resend ||
		    s->pkts[k].bytes.p[16] != 132);
	S_EQ(s, s->npkt, 10);
	sess_free(s);
}

/*
 * Fragmenting draws its IDs from a stream of their own: the same
 * session without frag-resend has the same cookies, nonces, Quick Mode
 * message ID, SPIs and KEYMAT.
 */
static void
test_fragment_ids_leave_crypto_stream_alone(void **state)
{
	struct sess		*a = frag_sess(), *b = frag_sess();
	const struct qmx	*qa, *qb;

	(void)state;
	SET(b, 2, "frag-resend", "off");
	start(a);
	start(b);
	run_done(a);
	run_done(b);
	S_EQ(b, b->npkt, 8);		/* AG2b whole */
	S_CHECK(a, memcmp(a->peer[PEER_R].p1.rcookie,
	    b->peer[PEER_R].p1.rcookie, 8) == 0);
	S_CHECK(a, buf_eq(&a->peer[PEER_I].p1.nr, &b->peer[PEER_I].p1.nr));
	qa = sess_qm_cur(&a->peer[PEER_I]);
	qb = sess_qm_cur(&b->peer[PEER_I]);
	S_EQ(a, qa->msgid, qb->msgid);
	S_EQ(a, qa->spi_i, qb->spi_i);
	S_EQ(a, qa->spi_r, qb->spi_r);
	S_CHECK(a, buf_eq(&qa->keymat_ir, &qb->keymat_ir));
	S_CHECK(a, buf_eq(&PKT(a, 2)->bytes, &PKT(b, 2)->bytes));
	sess_free(a);
	sess_free(b);
}

/*
 * Fragment 2 of AG2b is lost: #4 and #6 arrive at 510 and are held, no
 * reassembly. The initiator's AG1 timer (armed at 500 for 500 ms)
 * resends AG1c at 1000 (try 2, next wait 1000 ms); the responder
 * answers its second duplicate (dup-limit 2) with AG2c, three new
 * fragments #8-#10 under a new ID at 1005. #8 at 1010 throws away the
 * incomplete set (a discard on #4 and #6), #10 completes AG2c, and the
 * exchange ends at 1025 ms.
 */
static void
test_lost_fragment_waits_for_next_resend(void **state)
{
	struct sess		*s = frag_sess();
	const struct pkt	*ag2;
	char			 want[TR_TEXT_LEN];
	size_t			 k;
	unsigned int		 id_b, id_c;

	(void)state;
	rule_add(s, RULE_DROP, "AG2b[2/3]", 0, -1);
	start(s);
	S_EQ(s, sess_run(s, 600000, r_qm_done, NULL), RUN_UNTIL);
	ag2 = PKT(s, 2);
	EV_AT(s, TR_DROP, 5, 'r', "AG2b[2/3]", 505);
	EV_AT(s, TR_DELIVER, 4, 'r', "AG2b[1/3]", 510);
	EV_AT(s, TR_DELIVER, 6, 'r', "AG2b[3/3]", 510);
	S_CHECK(s, ev_find(s, 0, TR_REASSEMBLE, 0, 0, "AG2b") < 0);
	/* timer_fired (try 1), resend AG1c (try 2), armed (due 2000). */
	k = EV_AT(s, TR_RESEND, 7, 'i', "AG1c", 1000);
	S_EQ(s, s->trace.ev[k].try_no, 2);
	S_EQ(s, s->trace.ev[k - 1].kind, TR_TIMER_FIRED);
	S_EQ(s, s->trace.ev[k - 1].t_ms, 1000);
	S_EQ(s, s->trace.ev[k - 1].try_no, 1);
	S_EQ(s, s->trace.ev[k + 1].kind, TR_TIMER_ARMED);
	S_EQ(s, s->trace.ev[k + 1].due_ms, 2000);
	FRAG_PKT_IS(s, 8, "AG2c", 1, 3, PEER_R, 1005, 200, 0, &ag2->bytes);
	FRAG_PKT_IS(s, 9, "AG2c", 2, 3, PEER_R, 1005, 200, 164, &ag2->bytes);
	FRAG_PKT_IS(s, 10, "AG2c", 3, 3, PEER_R, 1005, 124, 328,
	    &ag2->bytes);
	id_b = frag_id_of(PKT(s, 4));
	id_c = frag_id_of(PKT(s, 8));
	S_CHECK(s, id_b != id_c);
	snprintf(want, sizeof(want), "incomplete fragments of ID %u (2 held) "
	    "replaced by ID %u in #8", id_b, id_c);
	k = EV_AT(s, TR_DISCARD, 4, 'i', "AG2b[1/3]", 1010);
	S_STREQ(s, s->trace.ev[k].reason, want);
	S_STREQ(s, PKT(s, 4)->note, want);
	k = EV_AT(s, TR_DISCARD, 6, 'i', "AG2b[3/3]", 1010);
	S_STREQ(s, s->trace.ev[k].reason, want);
	k = EV_AT(s, TR_REASSEMBLE, 10, 'i', "AG2c", 1010);
	S_STREQ(s, s->trace.ev[k].reason, "3 fragments, 416 bytes");
	STATE_AT(s, 'i', "AM_I_DONE", 1010);
	STATE_AT(s, 'r', "QM_R_DONE", 1025);
	S_EQ(s, ev_count(s, TR_DISCARD), 2);
	sess_free(s);
}

/*
 * A corrupted fragment header is a discard that names the payload and
 * the offset: byte 34 of #5 (fragment number 2) becomes 0xfd.
 */
static void
test_corrupted_fragment_number_is_discarded(void **state)
{
	struct sess	*s = frag_sess();
	size_t		 k;

	(void)state;
	rule_add(s, RULE_CORRUPT, "AG2b[2/3]", 0, 34);
	start(s);
	run_done(s);
	k = EV_AT(s, TR_CORRUPT, 5, 'r', "AG2b[2/3]", 505);
	S_EQ(s, s->trace.ev[k].was, 2);
	S_EQ(s, s->trace.ev[k].now, 0xfd);
	k = EV_AT(s, TR_DISCARD, 5, 'i', "AG2b[2/3]", 510);
	S_STREQ(s, s->trace.ev[k].reason, "bad fragment: FRAG payload at "
	    "offset 34: fragment number 253; numbers run from 1 to 16");
	/* The next resend (AG2c, 1005 ms) completes. */
	EV_AT(s, TR_REASSEMBLE, 10, 'i', "AG2c", 1010);
	STATE_AT(s, 'r', "QM_R_DONE", 1025);
	sess_free(s);
}

/*
 * A corrupted data byte passes reassembly and is caught where the
 * whole message would catch it: byte 136 of #4 is byte 100 of AG2, in
 * its KE payload (bytes 84..343), so HASH_R (at 392) fails, in AG2b.
 */
static void
test_corrupted_fragment_data_fails_like_whole_message(void **state)
{
	struct sess	*s = frag_sess();
	size_t		 k;

	(void)state;
	rule_add(s, RULE_CORRUPT, "AG2b[1/3]", 0, 136);
	start(s);
	(void)sess_run(s, 600, NULL, NULL);
	EV_AT(s, TR_REASSEMBLE, 6, 'i', "AG2b", 510);
	k = EV_AT(s, TR_DISCARD, 6, 'i', "AG2b", 510);
	S_STREQ(s, s->trace.ev[k].reason, "HASH_R mismatch at offset 392");
	STATE_AT(s, 'i', "FAILED", 510);
	sess_free(s);
}

/*
 * Out of order: #4 is delayed 3 ms (due 513), then swapped with #5, so
 * #4 and #6 arrive at 510 (the last fragment before the second) and #5
 * at 513, where AG2b is whole.
 */
static void
test_fragments_out_of_order_reassemble(void **state)
{
	struct sess	*s = frag_sess();
	struct ike_diag	 dg = IKE_DIAG_INIT;

	(void)state;
	start(s);
	run_to_npkt(s, 6);
	S_EQ(s, s->now_ms, 505);
	assert_int_equal(sess_delay(s, 4, 3, &dg), 0);
	assert_int_equal(sess_swap(s, 4, 5, &dg), 0);
	S_EQ(s, PKT(s, 4)->due_ms, 510);
	S_EQ(s, PKT(s, 5)->due_ms, 513);
	run_done(s);
	EV_AT(s, TR_DELIVER, 4, 'r', "AG2b[1/3]", 510);
	EV_AT(s, TR_DELIVER, 6, 'r', "AG2b[3/3]", 510);
	EV_AT(s, TR_REASSEMBLE, 5, 'i', "AG2b", 513);
	STATE_AT(s, 'i', "AM_I_DONE", 513);
	STATE_AT(s, 'r', "QM_R_DONE", 528);
	S_EQ(s, ev_count(s, TR_DISCARD), 0);
	sess_free(s);
}

/* A delay rule on one fragment: the set completes when it comes. */
static void
test_delayed_first_fragment_completes_last(void **state)
{
	struct sess	*s = frag_sess();

	(void)state;
	rule_add(s, RULE_DELAY, "AG2b[1/3]", 0, -1);	/* 2 ms */
	start(s);
	run_done(s);
	EV_AT(s, TR_DELAY, 4, 'r', "AG2b[1/3]", 505);
	EV_AT(s, TR_DELIVER, 6, 'r', "AG2b[3/3]", 510);
	EV_AT(s, TR_REASSEMBLE, 4, 'i', "AG2b", 512);
	STATE_AT(s, 'r', "QM_R_DONE", 527);
	sess_free(s);
}

/* A link copy of a fragment is a duplicate fragment number: ignored. */
static void
test_duplicated_fragment_is_ignored(void **state)
{
	struct sess	*s = frag_sess();
	char		 want[TR_TEXT_LEN];
	size_t		 k;

	(void)state;
	rule_add(s, RULE_DUP, "AG2b[1/3]", 0, -1);
	start(s);
	run_done(s);
	/* #4 fragment 1, #5 its copy, #6 and #7 fragments 2 and 3. */
	S_EQ(s, PKT(s, 5)->copy_of, 4);
	k = EV_AT(s, TR_DISCARD, 5, 'i', "AG2b[1/3]", 510);
	snprintf(want, sizeof(want), "duplicate: FRAG payload at offset 34: "
	    "fragment 1 of ID %u is already held", frag_id_of(PKT(s, 4)));
	S_STREQ(s, s->trace.ev[k].reason, want);
	EV_AT(s, TR_REASSEMBLE, 7, 'i', "AG2b", 510);
	S_EQ(s, ev_count(s, TR_REASSEMBLE), 1);
	sess_free(s);

	/* A copy of the last fragment comes after the message is whole. */
	s = frag_sess();
	rule_add(s, RULE_DUP, "AG2b[3/3]", 0, -1);
	start(s);
	run_done(s);
	/* #4, #5, #6 fragments 1 to 3, #7 the copy of #6. */
	S_EQ(s, PKT(s, 7)->copy_of, 6);
	EV_AT(s, TR_REASSEMBLE, 6, 'i', "AG2b", 510);
	k = EV_AT(s, TR_DISCARD, 7, 'i', "AG2b[3/3]", 510);
	snprintf(want, sizeof(want), "copy of fragment 3 of ID %u (#6), whose "
	    "message is reassembled already", frag_id_of(PKT(s, 4)));
	S_STREQ(s, s->trace.ev[k].reason, want);
	S_EQ(s, ev_count(s, TR_REASSEMBLE), 1);
	S_EQ(s, s->peer[PEER_R].qm[0].st, QM_R_DONE);
	sess_free(s);
}

/* An injected fragment whose payload is shorter than 8 bytes. */
static void
test_injected_short_fragment_is_discarded(void **state)
{
	struct sess	*s = mk(1);
	struct ike_diag	 dg = IKE_DIAG_INIT;
	uint8_t		 p[64];
	size_t		 n, k;

	(void)state;
	n = raw_frag(p, 4, 5);
	p[18] = 4;		/* Aggressive Mode */
	p[20] = p[21] = p[22] = p[23] = 0;
	assert_int_equal(sess_inject(s, PEER_I, p, n, &dg), 0);
	(void)sess_run(s, 1000, NULL, NULL);
	k = EV_AT(s, TR_DISCARD, 1, 'r', NULL, 5);
	S_STREQ(s, s->trace.ev[k].reason, "bad fragment: FRAG payload at "
	    "offset 30: length 5 is below the minimum of 8: fragment ID, "
	    "number and flags need 4 bytes");
	sess_free(s);
}

/* First sends are never cut, however small the limit. */
static void
test_first_sends_are_never_fragmented(void **state)
{
	struct sess	*s = mk(1);
	size_t		 k;

	(void)state;
	SET(s, 3, "frag-resend", "64");
	start(s);
	run_done(s);
	S_EQ(s, s->npkt, 6);
	for (k = 0; k < s->npkt; k++)
		S_CHECK(s, strchr(s->pkts[k].label, '[') == NULL);
	S_EQ(s, ev_count(s, TR_FRAGMENT), 0);
	sess_free(s);
}

/*
 * A resend that would need more than 16 fragments goes whole: AG2 with
 * a 256-byte nonce is 640 bytes, 23 fragments of 28 bytes at 64.
 */
static void
test_too_many_fragments_sent_whole(void **state)
{
	struct sess	*s = frag_sess();
	size_t		 k;

	(void)state;
	SET(s, 2, "frag-resend", "64");
	SET(s, 2, "nonce-len", "256");
	start(s);
	run_done(s);
	S_EQ(s, PKT(s, 4)->bytes.len, 640);
	k = EV_AT(s, TR_RESEND, 4, 'r', "AG2b", 505);
	S_STREQ(s, s->trace.ev[k].reason, "duplicate of AG1; sent whole: 23 "
	    "fragments of at most 64 bytes would be more than 16");
	S_EQ(s, ev_count(s, TR_FRAGMENT), 0);
	sess_free(s);
}

/*
 * A fragmented Quick Mode resend that the responder must queue (early
 * Quick Mode, `early-qm queue`): AG3 and QM1 are lost, AG3b is delayed
 * 100 ms; the initiator's QM1 timer (4010 ms) resends QM1b in fragments,
 * which arrive at 4015 before AG3b (4115): reassembled, queued, then
 * processed when AG3b completes phase 1.
 */
static void
test_reassembled_quick_mode_is_queued_whole(void **state)
{
	struct sess	*s = mk(1);
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct rule	 r;
	size_t		 k;

	(void)state;
	SET(s, 1, "frag-resend", "100");
	SET(s, 2, "early-qm", "queue");
	rule_add(s, RULE_DROP, "AG3", 1, -1);
	rule_add(s, RULE_DROP, "QM1", 1, -1);
	sess_rule_init(&r, RULE_DELAY, "AG3b", 0);
	r.delay_ms = 100;
	assert_true(sess_rule_add(s, &r, &dg) > 0);
	start(s);
	run_done(s);
	k = EV_AT(s, TR_REASSEMBLE, 0, 'r', "QM1b", 4015);
	k = EV_AT(s, TR_DISCARD, s->trace.ev[k].pkt, 'r', "QM1b", 4015);
	S_STREQ(s, s->trace.ev[k].reason, "phase 1 incomplete; queued until "
	    "it is");
	STATE_AT(s, 'r', "AM_R_DONE", 4115);
	k = EV_AT(s, TR_DELIVER, 0, 'i', "QM1b", 4115);
	S_STREQ(s, s->trace.ev[k].reason, "queued message processed now that "
	    "phase 1 is complete");
	STATE_AT(s, 'r', "QM_R_SENT2", 4115);
	STATE_AT(s, 'r', "QM_R_DONE", 4125);
	sess_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frag_count_by_size),
		cmocka_unit_test(test_frag_build_bytes),
		cmocka_unit_test(test_frag_build_libreswan_sizes),
		cmocka_unit_test(test_frag_parse_reads_what_build_wrote),
		cmocka_unit_test(test_frag_parse_rejects_bad_payloads),
		cmocka_unit_test(test_frag_set_collects_out_of_order),
		cmocka_unit_test(test_frag_set_refuses_inconsistent_numbers),
		cmocka_unit_test(test_frag_resend_knob),
		cmocka_unit_test(test_selectors_and_fragments),
		cmocka_unit_test(test_lost_ag2_resent_in_fragments),
		cmocka_unit_test(test_fragment_ids_leave_crypto_stream_alone),
		cmocka_unit_test(test_lost_fragment_waits_for_next_resend),
		cmocka_unit_test(test_corrupted_fragment_number_is_discarded),
		cmocka_unit_test(
		    test_corrupted_fragment_data_fails_like_whole_message),
		cmocka_unit_test(test_fragments_out_of_order_reassemble),
		cmocka_unit_test(test_delayed_first_fragment_completes_last),
		cmocka_unit_test(test_duplicated_fragment_is_ignored),
		cmocka_unit_test(test_injected_short_fragment_is_discarded),
		cmocka_unit_test(test_first_sends_are_never_fragmented),
		cmocka_unit_test(test_too_many_fragments_sent_whole),
		cmocka_unit_test(test_reassembled_quick_mode_is_queued_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
