/*
 * test_crashers.c: every input with which a fuzz target (fuzz/) made
 * core/ crash, fed again through the same code path as that target.
 * Each test names the behaviour that the crash broke; the reports, with
 * the sanitizer's findings, are in the fuzzing notes (fuzz-bugs.md).
 *
 * The inputs are copied into buffers of exactly their size, so that
 * the ASan build (make check-asan) stops at the first byte read past
 * the end; the plain build instead puts a canary after the message and
 * checks that none of it shows up in what core/ hands back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cap.h"
#include "pld.h"
#include "sess.h"

/* Bytes written after a message: "a5 5a" must never be printed. */
#define CANARY_LEN	64
#define CANARY_HEX	"a5 5a"

/* Hex digits (whitespace ignored) into a new buffer of exactly N bytes. */
static uint8_t *
unhex(const char *s, size_t *n)
{
	uint8_t		*p;
	size_t		 k = 0;
	unsigned int	 v = 0;
	int		 half = 0;

	p = malloc(strlen(s) / 2 + 1);
	assert_non_null(p);
	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t')
			continue;
		if (*s >= '0' && *s <= '9')
			v = (unsigned int)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			v = (unsigned int)(*s - 'a' + 10);
		else
			fail_msg("bad hex digit '%c'", *s);
		if (half == 0)
			p[k] = (uint8_t)(v << 4);
		else
			p[k++] |= (uint8_t)v;
		half ^= 1;
	}
	assert_int_equal(half, 0);
	*n = k;
	/* Exactly K bytes, so that ASan sees any read past the end. */
	return realloc(p, k > 0 ? k : 1);
}

/* The same bytes followed by CANARY_LEN canary bytes. */
static uint8_t *
with_canary(const uint8_t *p, size_t n)
{
	uint8_t	*c;
	size_t	 k;

	c = malloc(n + CANARY_LEN);
	assert_non_null(c);
	memcpy(c, p, n);
	for (k = 0; k < CANARY_LEN; k++)
		c[n + k] = k % 2 ? 0x5a : 0xa5;
	return c;
}

/* Does the NUL-terminated text of B contain S? */
static int
text_has(const struct buf *b, const char *s)
{
	return b->p != NULL && strstr((const char *)b->p, s) != NULL;
}

/*
 * fuzz_pld's path: header, chain, every decoder on every payload and
 * transform, then the dumps. Returns the chain parser's result; the
 * dumps must succeed and stay within the message.
 */
static int
replay_pld(const uint8_t *msg, size_t len)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct pld_hdr	 h;
	struct pld_chain c;
	struct pld_sa	 sa;
	struct pld_id	 id;
	struct pld_notify nt;
	struct pld_delete del;
	struct p1_prop	 p1;
	struct p2_prop	 p2;
	struct buf	 out = { 0 };
	uint8_t		*guarded;
	size_t		 i, j, k;
	int		 rc = IKE_ESHORT;

	(void)pld_hdr_parse(msg, len, &h, &dg);
	if (len >= IKE_HDR_LEN) {
		rc = pld_chain_parse(msg + IKE_HDR_LEN, len - IKE_HDR_LEN,
		    IKE_HDR_LEN, msg[16], &c, &dg);
		for (i = 0; rc == IKE_OK && i < c.n; i++) {
			assert_true(c.p[i].off + c.p[i].len <= len);
			(void)pld_id_parse(&c.p[i], &id, &dg);
			(void)pld_notify_parse(&c.p[i], &nt, &dg);
			(void)pld_delete_parse(&c.p[i], &del, &dg);
			if (pld_sa_parse(&c.p[i], &sa, &dg) != IKE_OK)
				continue;
			for (j = 0; j < sa.nprop; j++)
				for (k = 0; k < sa.prop[j].nxf; k++) {
					(void)pld_p1_from_xform(
					    &sa.prop[j].xf[k], &p1, &dg);
					(void)pld_p2_from_xform(
					    &sa.prop[j].xf[k], &p2, &dg);
				}
		}
	}
	assert_int_equal(pld_dump(msg, len, NULL, 0, &out), IKE_OK);
	buf_free(&out);
	assert_int_equal(pld_hexdump(msg, len, 0, &out), IKE_OK);
	buf_free(&out);

	guarded = with_canary(msg, len);
	assert_int_equal(pld_dump(guarded, len, NULL, 0, &out), IKE_OK);
	if (text_has(&out, CANARY_HEX))
		fail_msg("pld_dump printed bytes from past the message:\n%s",
		    (const char *)out.p);
	buf_free(&out);
	free(guarded);
	return rc;
}

/*
 * NAT-OA of type ID_IPV4_ADDR with one byte after the address: the dump
 * printed its "data" from 4 bytes further on than it starts, i.e. 4
 * bytes past the end of the message (fuzz_pld, fuzz-bugs.md #1).
 */
static void
nat_oa_dump_stays_inside_the_message(void **state)
{
	static const char hex[] =
	    "1111111111111111 0000000000000000 15100400 00000000 00000029"
	    "0000000d 01000000 c0000201 aa";
	uint8_t	*msg;
	size_t	 len;

	(void)state;
	msg = unhex(hex, &len);
	assert_int_equal(len, 41);
	assert_int_equal(replay_pld(msg, len), IKE_OK);
	free(msg);
}

/* Every corrupt event of S names a byte inside its packet. */
static void
assert_corruptions_inside(const struct sess *s)
{
	const struct tr_event	*ev;
	const struct pkt	*pk;
	size_t			 k;

	for (k = 0; k < s->trace.n; k++) {
		ev = &s->trace.ev[k];
		if (ev->kind != TR_CORRUPT)
			continue;
		pk = sess_pkt_c(s, ev->pkt);
		assert_non_null(pk);
		if (ev->off < 0 || (size_t)ev->off >= pk->bytes.len)
			fail_msg("packet #%d (%s, %zu bytes) corrupted at "
			    "offset %ld", ev->pkt, ev->label, pk->bytes.len,
			    ev->off);
	}
}

/*
 * A corrupt rule whose offset lies past the end of the packet it
 * matches (`rule corrupt r>i 400`, AG2 has 256 bytes on group 1): the
 * rule flipped a byte of the heap after the packet (fuzz_cmd,
 * fuzz-bugs.md #2). It must leave such a packet alone.
 */
static void
corrupt_rule_offset_past_the_end_changes_nothing_outside(void **state)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct sess	*s;
	struct rule	 r;

	(void)state;
	s = sess_new(20240601u);
	assert_non_null(s);
	assert_int_equal(sess_set(s, 3, "group", "1", &dg), IKE_OK);
	sess_rule_init(&r, RULE_CORRUPT, "r>i", 0);
	r.off = 400;
	assert_true(sess_rule_add(s, &r, &dg) > 0);
	assert_int_equal(sess_start(s, &dg), IKE_OK);
	(void)sess_run(s, 600000, NULL, NULL);
	assert_corruptions_inside(s);
	sess_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nat_oa_dump_stays_inside_the_message),
		cmocka_unit_test(
		    corrupt_rule_offset_past_the_end_changes_nothing_outside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
