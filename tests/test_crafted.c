/*
 * test_crafted.c: crafted messages delivered to the peers through the
 * link (inject), at the moment each would matter. Every one must be
 * refused with a reason that names what is wrong and where, and both
 * peers must carry on (a clean exchange still completes afterwards).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crypto.h"
#include "pld.h"
#include "sess.h"

/* A session whose AG1 (packet #1) was dropped, so R has seen nothing. */
static struct sess *
session_with_dropped_ag1(const char *group)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct sess	*s = sess_new(7);
	struct rule	 r;

	assert_non_null(s);
	assert_int_equal(sess_set(s, 3, "group", group, &dg), IKE_OK);
	sess_rule_init(&r, RULE_DROP, "AG1", 1);
	assert_true(sess_rule_add(s, &r, &dg) > 0);
	assert_int_equal(sess_start(s, &dg), IKE_OK);
	return s;
}

/* Copy packet N's bytes into OUT (at most CAP); return the length. */
static size_t
pkt_bytes(const struct sess *s, int n, uint8_t *out, size_t cap)
{
	const struct pkt	*pk = sess_pkt_c(s, n);

	assert_non_null(pk);
	assert_true(pk->bytes.len <= cap);
	memcpy(out, pk->bytes.p, pk->bytes.len);
	return pk->bytes.len;
}

/* Offset of the first payload of TYPE in plain message M. */
static size_t
payload_at(const uint8_t *m, size_t len, uint8_t type)
{
	struct pld_chain	c;
	struct ike_diag		dg = IKE_DIAG_INIT;
	const struct pld_ref	*r;

	assert_int_equal(pld_chain_parse(m + IKE_HDR_LEN, len - IKE_HDR_LEN,
	    IKE_HDR_LEN, m[16], &c, &dg), IKE_OK);
	assert_non_null(r = pld_find(&c, type));
	return r->off;
}

/* Inject M as from FROM, deliver it, and return R's discard reason. */
static const char *
inject_and_discard(struct sess *s, int from, const uint8_t *m, size_t len)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	int		 n;
	size_t		 k;

	assert_int_equal(sess_inject(s, from, m, len, &dg), IKE_OK);
	n = (int)s->npkt;
	assert_int_equal(sess_deliver(s, n, &dg), IKE_OK);
	for (k = s->trace.n; k-- > 0;)
		if (s->trace.ev[k].kind == TR_DISCARD &&
		    s->trace.ev[k].pkt == n)
			return s->trace.ev[k].reason;
	fprintf(stderr, "packet #%d was not discarded\n", n);
	fail();
	return "";
}

/* The reason contains NEEDLE. */
static void
says(const char *reason, const char *needle)
{
	if (strstr(reason, needle) == NULL) {
		fprintf(stderr, "reason '%s' lacks '%s'\n", reason, needle);
		fail();
	}
}

/* After the crafted packets, the real exchange still completes. */
static void
still_completes(struct sess *s)
{
	struct ike_diag		 dg = IKE_DIAG_INIT;
	const struct qmx	*qi, *qr;

	/* The initiator's own timer resends AG1. */
	(void)sess_run(s, 600000, NULL, NULL);
	qi = sess_qm_cur(&s->peer[PEER_I]);
	qr = sess_qm_cur(&s->peer[PEER_R]);
	assert_non_null(qi);
	assert_non_null(qr);
	assert_int_equal(qi->st, QM_I_DONE);
	assert_int_equal(qr->st, QM_R_DONE);
	assert_true(buf_eq(&qi->keymat_ir, &qr->keymat_ir));
	(void)dg;
}

/* Group 2's prime (RFC 2409 6.2; ikev1-reference.md 7). */
static const char p2_hex[] =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF";

/* KE values 0, 1, p-1, p, above p, and of the wrong length. */
static void
ag1_with_bad_ke_values_is_refused_naming_the_ke_payload(void **state)
{
	struct sess	*s = session_with_dropped_ag1("2");
	uint8_t		 m[2048], x[2048], prime[128];
	size_t		 len, ke, k, glen = crypto_group_len(2);
	static const char *const want[] = { "is 0;", "is 1;", "is p-1;",
	    "is p-1 or more;", "is p-1 or more;" };
	unsigned int	 b;
	int		 v;

	(void)state;
	assert_int_equal(glen, sizeof(prime));
	for (k = 0; k < sizeof(prime); k++) {
		assert_int_equal(sscanf(p2_hex + 2 * k, "%2x", &b), 1);
		prime[k] = (uint8_t)b;
	}
	len = pkt_bytes(s, 1, m, sizeof(m));
	ke = payload_at(m, len, IKE_PLD_KE);
	for (v = 0; v < 5; v++) {
		memcpy(x, m, len);
		memset(x + ke + 4, 0, glen);
		if (v == 1)
			x[ke + 4 + glen - 1] = 1;
		if (v == 2 || v == 3)
			memcpy(x + ke + 4, prime, glen);
		if (v == 2)
			x[ke + 4 + glen - 1] = 0xfe;	/* p - 1 */
		if (v == 4)
			memset(x + ke + 4, 0xff, glen);	/* above p */
		says(inject_and_discard(s, PEER_I, x, len), "KE payload at "
		    "offset 84");
		says(s->pkts[s->npkt - 1].note, want[v]);
	}
	/* One byte short: the KE no longer has the group's length. */
	memcpy(x, m, len);
	x[ke + 3] = (uint8_t)(x[ke + 3] - 1);	/* payload length - 1 */
	memmove(x + ke + 4 + glen - 1, x + ke + 4 + glen, len - ke - 4 - glen);
	x[27] = (uint8_t)(x[27] - 1);		/* message length - 1 */
	says(inject_and_discard(s, PEER_I, x, len - 1), "KE payload at "
	    "offset 84: 127 bytes, group 2 needs 128");
	still_completes(s);
	sess_free(s);
}

/*
 * Unknown and private DH group numbers (3 is EC2N, 24 is not one of
 * ikelab's, 0x8001 is private use): the responder names the SA payload,
 * the attribute's offset and both values.
 */
static void
ag1_with_unknown_group_is_refused_naming_the_attribute(void **state)
{
	struct sess	*s = session_with_dropped_ag1("2");
	uint8_t		 m[2048], x[2048];
	char		 want[128];
	size_t		 len, sa, k, at = 0;
	static const uint16_t groups[] = { 3, 24, 0x8001 };

	(void)state;
	len = pkt_bytes(s, 1, m, sizeof(m));
	sa = payload_at(m, len, IKE_PLD_SA);
	/* The Group Description attribute (TV: 0x8004, value). */
	for (k = sa; k + 4 <= len && at == 0; k++)
		if (m[k] == 0x80 && m[k + 1] == 0x04 && m[k + 2] == 0 &&
		    m[k + 3] == 2)
			at = k;
	assert_true(at > sa);
	for (k = 0; k < sizeof(groups) / sizeof(*groups); k++) {
		memcpy(x, m, len);
		/* Cookies of its own: the refusal (a plain NO-PROPOSAL-CHOSEN)
		 * is then not taken for the real exchange's. */
		x[0] ^= (uint8_t)(0x55 + k);
		x[at + 2] = (uint8_t)(groups[k] >> 8);
		x[at + 3] = (uint8_t)groups[k];
		snprintf(want, sizeof(want), "no acceptable proposal in AG1: SA "
		    "payload at offset %zu: transform 1 offers group %u, this "
		    "peer's is 2", at, groups[k]);
		says(inject_and_discard(s, PEER_I, x, len), want);
	}
	still_completes(s);
	sess_free(s);
}

/* Nonces of 7 and 257 bytes break RFC 2409's 8..256. */
static void
ag1_with_bad_nonce_length_is_refused(void **state)
{
	struct sess	*s = session_with_dropped_ag1("1");
	uint8_t		 m[2048], x[2048];
	size_t		 len, no;

	(void)state;
	len = pkt_bytes(s, 1, m, sizeof(m));
	no = payload_at(m, len, IKE_PLD_NONCE);
	/* Shorten the 32-byte nonce to 7: cut 25 bytes. */
	memcpy(x, m, len);
	memmove(x + no + 4 + 7, x + no + 4 + 32, len - no - 4 - 32);
	x[no + 3] = 4 + 7;
	x[26] = (uint8_t)((len - 25) >> 8);
	x[27] = (uint8_t)(len - 25);
	says(inject_and_discard(s, PEER_I, x, len - 25), "NONCE");
	says(s->pkts[s->npkt - 1].note, "offset");
	still_completes(s);
	sess_free(s);
}

/* Quick Mode and Informational for cookies nobody holds. */
static void
encrypted_messages_for_unknown_cookies_are_refused(void **state)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct sess	*s = sess_new(7);
	uint8_t		 m[2048];
	size_t		 len, k;
	int		 qm1 = 0;

	(void)state;
	assert_int_equal(sess_set(s, 3, "group", "1", &dg), IKE_OK);
	assert_int_equal(sess_start(s, &dg), IKE_OK);
	(void)sess_run(s, 600000, NULL, NULL);
	for (k = 1; k <= s->npkt; k++)
		if (strcmp(sess_pkt_c(s, (int)k)->label, "QM1") == 0)
			qm1 = (int)k;
	assert_true(qm1 > 0);
	len = pkt_bytes(s, qm1, m, sizeof(m));
	m[0] ^= 0x55;				/* another initiator cookie */
	says(inject_and_discard(s, PEER_I, m, len),
	    "no ISAKMP SA for these cookies");
	m[0] ^= 0x55;
	m[18] = IKE_EXCH_INFO;			/* encrypted Informational */
	m[8] ^= 0x55;
	says(inject_and_discard(s, PEER_I, m, len),
	    "encrypted Informational without an ISAKMP SA");
	sess_free(s);
}

/* An encrypted body that is not a whole number of cipher blocks. */
static void
encrypted_body_not_a_block_multiple_is_refused(void **state)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct sess	*s = sess_new(7);
	uint8_t		 m[2048];
	size_t		 len, k;
	int		 ag3 = 0;
	struct rule	 r;

	(void)state;
	assert_int_equal(sess_set(s, 3, "group", "1", &dg), IKE_OK);
	sess_rule_init(&r, RULE_DROP, "AG3", 1);
	assert_true(sess_rule_add(s, &r, &dg) > 0);
	assert_int_equal(sess_start(s, &dg), IKE_OK);
	for (k = 0; k < 3; k++)
		(void)sess_step(s);
	for (k = 1; k <= s->npkt; k++)
		if (strcmp(sess_pkt_c(s, (int)k)->label, "AG3") == 0)
			ag3 = (int)k;
	assert_true(ag3 > 0);
	len = pkt_bytes(s, ag3, m, sizeof(m));
	m[27] = (uint8_t)(m[27] - 1);		/* one byte shorter */
	says(inject_and_discard(s, PEER_I, m, len - 1), "AG3 rejected");
	says(s->pkts[s->npkt - 1].note, "block");
	/* The responder still waits for AG3 and resends AG2 for it. */
	assert_int_equal(s->peer[PEER_R].p1.st, AM_R_SENT2);
	(void)sess_run(s, 600000, NULL, NULL);
	assert_int_equal(s->peer[PEER_R].p1.st, AM_R_DONE);
	sess_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    ag1_with_bad_ke_values_is_refused_naming_the_ke_payload),
		cmocka_unit_test(
		    ag1_with_unknown_group_is_refused_naming_the_attribute),
		cmocka_unit_test(ag1_with_bad_nonce_length_is_refused),
		cmocka_unit_test(
		    encrypted_messages_for_unknown_cookies_are_refused),
		cmocka_unit_test(
		    encrypted_body_not_a_block_multiple_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
