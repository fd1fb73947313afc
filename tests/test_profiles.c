/*
 * test_profiles.c: the strongswan and libreswan profiles give, in
 * virtual time, the ladders that real strongSwan 5.9.8 and libreswan
 * 4.10 daemons were measured to give (ikev1-reference.md 8.2, 8.4).
 *
 * A ladder here is the list of packets put on the link: time, sender,
 * label, and whether it was a resend; plus the few state events that
 * tell the story (deletions, give-ups, restarts).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sess.h"

/* One expected line: time, peer, event kind, label ("" for any). */
struct want {
	uint64_t	 t;
	char		 peer;
	enum tr_kind	 kind;
	const char	*label;
};

/* Kinds a ladder keeps. */
static bool
kept(enum tr_kind k)
{
	return k == TR_SEND || k == TR_RESEND || k == TR_GIVE_UP ||
	    k == TR_SA_DELETED || k == TR_RESTART || k == TR_DISCARD;
}

static void
dump(const struct sess *s)
{
	const struct tr_event	*e;
	size_t			 k;

	for (k = 0; k < s->trace.n; k++) {
		e = &s->trace.ev[k];
		if (!kept(e->kind))
			continue;
		fprintf(stderr, "  %7llu %c %-10s #%-3d %-8s %s\n",
		    (unsigned long long)e->t_ms, e->peer,
		    trace_kind_name(e->kind), e->pkt, e->label, e->reason);
	}
}

/*
 * Check that the kept events of S up to time UNTIL are exactly W[0..N)
 * (discards are only compared when W names them: a W entry of kind
 * TR_DISCARD must match; unexpected discards are allowed).
 */
static void
ladder_is(const struct sess *s, const struct want *w, size_t n,
    uint64_t until)
{
	const struct tr_event	*e;
	size_t			 k, i = 0;

	for (k = 0; k < s->trace.n; k++) {
		e = &s->trace.ev[k];
		if (!kept(e->kind) || e->t_ms > until)
			continue;
		if (e->kind == TR_DISCARD &&
		    (i >= n || w[i].kind != TR_DISCARD))
			continue;
		if (i >= n || e->t_ms != w[i].t || e->peer != w[i].peer ||
		    e->kind != w[i].kind ||
		    (w[i].label[0] != '\0' && strcmp(e->label, w[i].label))) {
			fprintf(stderr, "ladder differs at entry %zu: got %llu "
			    "%c %s %s, want ", i, (unsigned long long)e->t_ms,
			    e->peer, trace_kind_name(e->kind), e->label);
			if (i < n)
				fprintf(stderr, "%llu %c %s %s\n",
				    (unsigned long long)w[i].t, w[i].peer,
				    trace_kind_name(w[i].kind), w[i].label);
			else
				fprintf(stderr, "nothing more\n");
			dump(s);
			fail();
		}
		i++;
	}
	if (i != n) {
		fprintf(stderr, "ladder ends after %zu of %zu entries\n", i, n);
		dump(s);
		fail();
	}
}

/* Arm `rule drop SEL once` in S. */
static void
drop_once(struct sess *s, const char *sel)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct rule	 r;

	sess_rule_init(&r, RULE_DROP, sel, 1);
	assert_true(sess_rule_add(s, &r, &dg) > 0);
}

/* A session with profiles PI/PR, AG3 (or SEL) dropped once, run. */
static struct sess *
run_profiles(const char *pi, const char *pr, const char *sel,
    uint64_t horizon)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct sess	*s = sess_new(1);

	assert_non_null(s);
	assert_int_equal(sess_set(s, 1, "profile", pi, &dg), IKE_OK);
	assert_int_equal(sess_set(s, 2, "profile", pr, &dg), IKE_OK);
	if (sel != NULL)
		drop_once(s, sel);
	assert_int_equal(sess_start(s, &dg), IKE_OK);
	(void)sess_run(s, horizon, NULL, NULL);
	return s;
}

static bool
both_done(const struct sess *s)
{
	const struct qmx	*qi = sess_qm_cur(&s->peer[PEER_I]);
	const struct qmx	*qr = sess_qm_cur(&s->peer[PEER_R]);

	return s->peer[PEER_I].p1.st == AM_I_DONE &&
	    s->peer[PEER_R].p1.st == AM_R_DONE && qi != NULL && qr != NULL &&
	    qi->st == QM_I_DONE && qr->st == QM_R_DONE &&
	    qi->msgid == qr->msgid && buf_eq(&qi->keymat_ir, &qr->keymat_ir) &&
	    buf_eq(&qi->keymat_ri, &qr->keymat_ri);
}

/*
 * strongSwan with AG3 lost: the responder resends AG2 at +4.0, 11.2 and
 * 24.2 s; each duplicate makes the initiator resend QM1 (its last
 * request), never AG3; the responder deletes its half-open phase 1 at
 * +30 s; the initiator gives up on QM1 at +165 s and starts over.
 */
static void
strongswan_lost_ag3_recovers_by_starting_over(void **state)
{
	static const struct want w[] = {
		{ 0, 'i', TR_SEND, "AG1" },
		{ 5, 'r', TR_SEND, "AG2" },
		{ 10, 'i', TR_SEND, "AG3" },
		{ 10, 'i', TR_SEND, "QM1" },
		{ 15, 'r', TR_DISCARD, "QM1" },
		{ 4005, 'r', TR_RESEND, "AG2b" },
		{ 4010, 'i', TR_RESEND, "QM1b" },	/* the duplicate */
		{ 4010, 'i', TR_RESEND, "QM1c" },	/* its own timer */
		{ 11205, 'r', TR_RESEND, "AG2c" },
		{ 11210, 'i', TR_RESEND, "QM1d" },
		{ 11210, 'i', TR_RESEND, "QM1e" },
		{ 24165, 'r', TR_RESEND, "AG2d" },
		{ 24170, 'i', TR_RESEND, "QM1f" },
		{ 24170, 'i', TR_RESEND, "QM1g" },
		{ 30005, 'r', TR_SA_DELETED, "" },
		{ 47498, 'i', TR_RESEND, "QM1h" },
		{ 89488, 'i', TR_RESEND, "QM1i" },
		{ 165070, 'i', TR_GIVE_UP, "QM1" },
		{ 165070, 'i', TR_RESTART, "" },
		{ 165070, 'i', TR_SEND, "AG1.2" },
		{ 165075, 'r', TR_SEND, "AG2.2" },
		{ 165080, 'i', TR_SEND, "AG3.2" },
		{ 165080, 'i', TR_SEND, "QM1.2" },
		{ 165085, 'r', TR_SEND, "QM2.2" },
		{ 165090, 'i', TR_SEND, "QM3.2" },
	};
	struct sess	*s = run_profiles("strongswan", "strongswan", "AG3",
	    600000);
	size_t		 k;

	(void)state;
	ladder_is(s, w, sizeof(w) / sizeof(w[0]), UINT64_MAX);
	assert_true(both_done(s));
	/* The duplicate-triggered resend says why it is QM1, not AG3. */
	for (k = 0; k < s->trace.n; k++)
		if (s->trace.ev[k].kind == TR_RESEND &&
		    strcmp(s->trace.ev[k].label, "QM1b") == 0)
			assert_string_equal(s->trace.ev[k].reason,
			    "duplicate of AG2: resends QM1, not AG3: QM1 "
			    "replaced AG3 as last request");
	sess_free(s);
}

/*
 * libreswan with AG3 lost: the responder never resends AG2 and deletes
 * its half-open phase 1 at +60 s; the initiator resends QM1 at +0.5, 1,
 * 2, 4, 8, 16, 32 s, abandons it at +64 s and starts a new Quick Mode
 * on the same phase 1, every 64 s, never recovering.
 */
static void
libreswan_lost_ag3_never_recovers(void **state)
{
	static const struct want w[] = {
		{ 0, 'i', TR_SEND, "AG1" },
		{ 5, 'r', TR_SEND, "AG2" },
		{ 10, 'i', TR_SEND, "AG3" },
		{ 10, 'i', TR_SEND, "QM1" },
		{ 510, 'i', TR_RESEND, "QM1b" },
		{ 1010, 'i', TR_RESEND, "QM1c" },
		{ 2010, 'i', TR_RESEND, "QM1d" },
		{ 4010, 'i', TR_RESEND, "QM1e" },
		{ 8010, 'i', TR_RESEND, "QM1f" },
		{ 16010, 'i', TR_RESEND, "QM1g" },
		{ 32010, 'i', TR_RESEND, "QM1h" },
		{ 60005, 'r', TR_SA_DELETED, "" },
		{ 64010, 'i', TR_GIVE_UP, "QM1" },
		{ 64010, 'i', TR_RESTART, "" },
		{ 64010, 'i', TR_SEND, "QM1.2" },
	};
	struct sess	*s = run_profiles("libreswan", "libreswan", "AG3",
	    600000);
	const struct tr_event *e;
	size_t		 k, restarts = 0;

	(void)state;
	ladder_is(s, w, sizeof(w) / sizeof(w[0]), 64010);
	/* A new Quick Mode every 64 s, to the end of the horizon. */
	for (k = 0; k < s->trace.n; k++) {
		e = &s->trace.ev[k];
		if (e->kind == TR_RESTART) {
			assert_int_equal(e->t_ms, 10 + 64000 * (restarts + 1));
			restarts++;
		}
		assert_false(e->kind == TR_RESEND && e->label[0] == 'A');
	}
	assert_int_equal(restarts, 9);
	assert_false(both_done(s));
	assert_int_equal(s->peer[PEER_R].p1.st, P1_DELETED);
	sess_free(s);
}

/* libreswan initiator, strongSwan responder: recovery at +4 s. */
static void
libreswan_initiator_strongswan_responder_recovers_at_4s(void **state)
{
	static const struct want w[] = {
		{ 0, 'i', TR_SEND, "AG1" },
		{ 5, 'r', TR_SEND, "AG2" },
		{ 10, 'i', TR_SEND, "AG3" },
		{ 10, 'i', TR_SEND, "QM1" },
		{ 510, 'i', TR_RESEND, "QM1b" },
		{ 1010, 'i', TR_RESEND, "QM1c" },
		{ 2010, 'i', TR_RESEND, "QM1d" },
		{ 4005, 'r', TR_RESEND, "AG2b" },
		{ 4010, 'i', TR_RESEND, "AG3b" },	/* libreswan resends AG3 */
		{ 4010, 'i', TR_RESEND, "QM1e" },
		{ 4015, 'r', TR_SEND, "QM2" },
		{ 4020, 'i', TR_SEND, "QM3" },
	};
	struct sess	*s = run_profiles("libreswan", "strongswan", "AG3",
	    600000);

	(void)state;
	ladder_is(s, w, sizeof(w) / sizeof(w[0]), UINT64_MAX);
	assert_true(both_done(s));
	assert_int_equal(s->now_ms, 4025);
	sess_free(s);
}

/* strongSwan initiator, libreswan responder: recovery at +165 s. */
static void
strongswan_initiator_libreswan_responder_recovers_at_165s(void **state)
{
	struct sess		*s = run_profiles("strongswan", "libreswan",
	    "AG3", 600000);
	const struct tr_event	*e;
	size_t			 k, ag2 = 0;
	uint64_t		 restart = 0, del = 0;

	(void)state;
	for (k = 0; k < s->trace.n; k++) {
		e = &s->trace.ev[k];
		if ((e->kind == TR_SEND || e->kind == TR_RESEND) &&
		    strncmp(e->label, "AG2", 3) == 0)
			ag2++;
		if (e->kind == TR_RESTART)
			restart = e->t_ms;
		if (e->kind == TR_SA_DELETED && e->peer == 'r')
			del = e->t_ms;
	}
	assert_int_equal(ag2, 2);	/* AG2 and AG2.2: never resent */
	assert_int_equal(del, 60005);
	assert_int_equal(restart, 165070);
	assert_true(both_done(s));
	assert_int_equal(s->now_ms, 165095);
	sess_free(s);
}

/* Count events of KIND by PEER whose label starts with PREFIX. */
static size_t
count(const struct sess *s, enum tr_kind kind, char peer,
    const char *prefix)
{
	size_t	k, n = 0;

	for (k = 0; k < s->trace.n; k++)
		if (s->trace.ev[k].kind == kind && s->trace.ev[k].peer ==
		    peer && strncmp(s->trace.ev[k].label, prefix,
		    strlen(prefix)) == 0)
			n++;
	return n;
}

/* The notify event sent by PEER, or NULL. */
static const struct tr_event *
sent_notify(const struct sess *s, char peer)
{
	size_t	k;

	for (k = 0; k < s->trace.n; k++)
		if (s->trace.ev[k].kind == TR_NOTIFY &&
		    s->trace.ev[k].peer == peer &&
		    strncmp(s->trace.ev[k].reason, "sends ", 6) == 0)
			return &s->trace.ev[k];
	return NULL;
}

/* The bytes of the packet a notify event announced. */
static const struct pkt *
notify_pkt(const struct sess *s, const struct tr_event *e)
{
	const struct pkt	*pk = sess_pkt_c(s, e->pkt);

	assert_non_null(pk);
	assert_true(pk->bytes.len >= IKE_HDR_LEN);
	assert_int_equal(pk->bytes.p[18], IKE_EXCH_INFO);
	return pk;
}

/* Wrong PSK (8.4), under both profiles. */
static void
wrong_psk_follows_each_daemon(void **state)
{
	struct ike_diag		 dg = IKE_DIAG_INIT;
	const struct tr_event	*e;
	const struct pkt	*pk;
	struct sess		*s;

	(void)state;
	/* strongSwan: one encrypted AUTHENTICATION-FAILED, never retried;
	 * the responder resends AG2 three times, deletes it at +30 s. */
	s = sess_new(1);
	assert_int_equal(sess_set(s, 3, "profile", "strongswan", &dg), 0);
	assert_int_equal(sess_set(s, 1, "psk", "other", &dg), 0);
	assert_int_equal(sess_start(s, &dg), 0);
	(void)sess_run(s, 600000, NULL, NULL);
	assert_non_null(e = sent_notify(s, 'i'));
	assert_int_equal(e->notify, IKE_N_AUTHENTICATION_FAILED);
	pk = notify_pkt(s, e);
	assert_int_equal(pk->bytes.p[19] & IKE_FLAG_ENC, IKE_FLAG_ENC);
	assert_int_not_equal(be32(pk->bytes.p + 20), 0);
	assert_int_equal(count(s, TR_RESEND, 'r', "AG2"), 3);
	assert_int_equal(count(s, TR_SEND, 'i', "AG1"), 1);
	assert_int_equal(s->peer[PEER_R].p1.st, P1_DELETED);
	/* The initiator drops its failed SA 30 s after the failure. */
	assert_int_equal(s->now_ms, 30010);
	sess_free(s);

	/* libreswan: a plain INVALID-HASH-INFORMATION under M-ID 0 that the
	 * responder refuses; nothing resent; the initiator starts phase 1
	 * again when its failed state is deleted at +60 s. */
	s = sess_new(1);
	assert_int_equal(sess_set(s, 3, "profile", "libreswan", &dg), 0);
	assert_int_equal(sess_set(s, 1, "psk", "other", &dg), 0);
	assert_int_equal(sess_start(s, &dg), 0);
	(void)sess_run(s, 100000, NULL, NULL);
	assert_non_null(e = sent_notify(s, 'i'));
	assert_int_equal(e->notify, IKE_N_INVALID_HASH_INFORMATION);
	pk = notify_pkt(s, e);
	assert_int_equal(pk->bytes.p[19] & IKE_FLAG_ENC, 0);
	assert_int_equal(be32(pk->bytes.p + 20), 0);
	assert_int_equal(count(s, TR_RESEND, 'r', "AG2"), 0);
	assert_int_equal(count(s, TR_SEND, 'i', "AG1.2"), 1);
	assert_int_equal(count(s, TR_RESTART, 'i', ""), 1);
	sess_free(s);

	/* The whole measured schedule: the responder refuses the plain
	 * notify, both delete at +60 s, the initiator restarts at once,
	 * then 60 s + 5 s (revive) later again. */
	{
		static const struct want w[] = {
			{ 0, 'i', TR_SEND, "AG1" },
			{ 5, 'r', TR_SEND, "AG2" },
			{ 10, 'i', TR_DISCARD, "AG2" },
			{ 10, 'i', TR_SEND, "INFO" },
			{ 15, 'r', TR_DISCARD, "INFO" },
			{ 60005, 'r', TR_SA_DELETED, "" },
			{ 60010, 'i', TR_SA_DELETED, "" },
			{ 60010, 'i', TR_RESTART, "" },
			{ 60010, 'i', TR_SEND, "AG1.2" },
			{ 60015, 'r', TR_SEND, "AG2.2" },
			{ 60020, 'i', TR_DISCARD, "AG2.2" },
			{ 60020, 'i', TR_SEND, "INFO.2" },
			{ 60025, 'r', TR_DISCARD, "INFO.2" },
			{ 120015, 'r', TR_SA_DELETED, "" },
			{ 120020, 'i', TR_SA_DELETED, "" },
			{ 125020, 'i', TR_RESTART, "" },
			{ 125020, 'i', TR_SEND, "AG1.3" },
		};
		size_t	k;

		s = sess_new(1);
		assert_int_equal(sess_set(s, 3, "profile", "libreswan", &dg),
		    0);
		assert_int_equal(sess_set(s, 1, "psk", "other", &dg), 0);
		assert_int_equal(sess_start(s, &dg), 0);
		(void)sess_run(s, 125020, NULL, NULL);
		ladder_is(s, w, sizeof(w) / sizeof(w[0]), 125020);
		for (k = 0; k < s->trace.n; k++)
			if (s->trace.ev[k].kind == TR_DISCARD &&
			    s->trace.ev[k].peer == 'r')
				assert_string_equal(s->trace.ev[k].reason,
				    "unencrypted Informational "
				    "(INVALID-HASH-INFORMATION) ignored: it "
				    "cannot be authenticated (notify ignore)");
		sess_free(s);
	}
}

static void	libreswan_refusals_are(const struct sess *, const char *,
		    const char *, uint64_t, bool);

/* Phase 1 proposal mismatch (8.4). */
static void
phase1_mismatch_follows_each_daemon(void **state)
{
	struct ike_diag		 dg = IKE_DIAG_INIT;
	const struct tr_event	*e;
	const struct pkt	*pk;
	struct sess		*s;

	(void)state;
	/* strongSwan: two frames, the initiator gives up at once. */
	s = sess_new(1);
	assert_int_equal(sess_set(s, 3, "profile", "strongswan", &dg), 0);
	assert_int_equal(sess_set(s, 2, "group", "2", &dg), 0);
	assert_int_equal(sess_start(s, &dg), 0);
	(void)sess_run(s, 600000, NULL, NULL);
	assert_int_equal(s->npkt, 2);
	assert_int_equal(s->peer[PEER_I].p1.st, P1_FAILED);
	assert_int_equal(s->now_ms, 10);
	/* A plain NO-PROPOSAL-CHOSEN under a random non-zero M-ID. */
	assert_non_null(e = sent_notify(s, 'r'));
	assert_int_equal(e->notify, IKE_N_NO_PROPOSAL_CHOSEN);
	pk = notify_pkt(s, e);
	assert_int_equal(pk->bytes.p[19] & IKE_FLAG_ENC, 0);
	assert_int_not_equal(be32(pk->bytes.p + 20), 0);
	sess_free(s);

	/* libreswan: the notify (M-ID 0) is ignored; AG1 is resent at
	 * +0.5 .. 32 s, each answered by another notify; a new phase 1 at
	 * +64 s and again at +128 s. */
	s = sess_new(1);
	assert_int_equal(sess_set(s, 3, "profile", "libreswan", &dg), 0);
	assert_int_equal(sess_set(s, 2, "group", "2", &dg), 0);
	assert_int_equal(sess_start(s, &dg), 0);
	(void)sess_run(s, 128000, NULL, NULL);
	libreswan_refusals_are(s, "AG1", "AG1.2", 0, false);
	assert_int_equal(count(s, TR_RESEND, 'i', "AG1b"), 1);
	assert_int_equal(count(s, TR_RESEND, 'i', "AG1"), 14);
	assert_int_equal(count(s, TR_SEND, 'r', "INFO"), 16);
	assert_int_equal(count(s, TR_SEND, 'i', "AG1.2"), 1);
	assert_int_equal(count(s, TR_SEND, 'i', "AG1.3"), 1);
	assert_int_equal(count(s, TR_RESTART, 'i', ""), 2);
	sess_free(s);
}

/* Phase 2 proposal mismatch (8.4). */
static void
phase2_mismatch_follows_each_daemon(void **state)
{
	struct ike_diag		 dg = IKE_DIAG_INIT;
	const struct tr_event	*e;
	const struct pkt	*pk;
	struct sess		*s;

	(void)state;
	/* strongSwan: encrypted NO-PROPOSAL-CHOSEN; the initiator drops the
	 * Quick Mode, no resend; phase 1 stays up. */
	s = sess_new(1);
	assert_int_equal(sess_set(s, 3, "profile", "strongswan", &dg), 0);
	assert_int_equal(sess_set(s, 2, "esp", "3des", &dg), 0);
	assert_int_equal(sess_start(s, &dg), 0);
	(void)sess_run(s, 600000, NULL, NULL);
	assert_int_equal(sess_qm_cur(&s->peer[PEER_I])->st, QM_FAILED);
	assert_int_equal(count(s, TR_RESEND, 'i', "QM1"), 0);
	/* Encrypted, under a message ID of its own. */
	assert_non_null(e = sent_notify(s, 'r'));
	assert_int_equal(e->notify, IKE_N_NO_PROPOSAL_CHOSEN);
	pk = notify_pkt(s, e);
	assert_int_equal(pk->bytes.p[19] & IKE_FLAG_ENC, IKE_FLAG_ENC);
	assert_int_not_equal(be32(pk->bytes.p + 20), 0);
	assert_int_not_equal(be32(pk->bytes.p + 20),
	    sess_qm_cur(&s->peer[PEER_I])->msgid);
	assert_int_equal(s->now_ms, 20);
	assert_int_equal(s->peer[PEER_I].p1.st, AM_I_DONE);
	assert_int_equal(s->peer[PEER_R].p1.st, AM_R_DONE);
	sess_free(s);

	/* libreswan: the initiator ignores it, resends QM1 on schedule
	 * (each answered again), and starts a new Quick Mode at +64 s. */
	s = sess_new(1);
	assert_int_equal(sess_set(s, 3, "profile", "libreswan", &dg), 0);
	assert_int_equal(sess_set(s, 2, "esp", "3des", &dg), 0);
	assert_int_equal(sess_start(s, &dg), 0);
	(void)sess_run(s, 64500, NULL, NULL);
	libreswan_refusals_are(s, "QM1", "QM1.2", 10, true);
	assert_int_equal(count(s, TR_RESEND, 'i', "QM1"), 7);
	assert_int_equal(count(s, TR_SEND, 'r', "INFO"), 9);
	assert_int_equal(count(s, TR_SEND, 'i', "QM1.2"), 1);
	assert_int_equal(s->peer[PEER_I].p1.st, AM_I_DONE);
	sess_free(s);
}

/*
 * The measured libreswan schedule of a refused exchange, exactly: the
 * initiator's message LABEL (AG1 or QM1) leaves at T0 and is resent at
 * T0 + 0.5, 1, 2, 4, 8, 16 and 32 s; each copy is refused by the
 * responder 5 ms later with a NO-PROPOSAL-CHOSEN that the initiator
 * discards (ignores) 5 ms after that; at T0 + 64 s it gives up and
 * starts again (NEXT: AG1.2 or QM1.2). Every notify has type 14, the
 * encryption ENC and, when ENC, a message ID of its own.
 */
static void
libreswan_refusals_are(const struct sess *s, const char *label,
    const char *next, uint64_t t0, bool enc)
{
	static const uint64_t	 at[] = { 0, 500, 1000, 2000, 4000, 8000,
	    16000, 32000 };
	struct want		 w[3 + 8 * 4 + 3];
	char			 lab[8][16], info[8][16];
	const struct tr_event	*e;
	const struct pkt	*pk;
	size_t			 k, n = 0;

	/* A Quick Mode comes after a clean phase 1. */
	if (strcmp(label, "QM1") == 0) {
		w[n++] = (struct want){ 0, 'i', TR_SEND, "AG1" };
		w[n++] = (struct want){ 5, 'r', TR_SEND, "AG2" };
		w[n++] = (struct want){ 10, 'i', TR_SEND, "AG3" };
	}

	for (k = 0; k < 8; k++) {
		if (k == 0)
			snprintf(lab[k], sizeof(lab[k]), "%s", label);
		else
			snprintf(lab[k], sizeof(lab[k]), "%s%c", label,
			    (char)('a' + k));
		if (k == 0)
			snprintf(info[k], sizeof(info[k]), "INFO");
		else
			snprintf(info[k], sizeof(info[k]), "INFO.%zu", k + 1);
		w[n++] = (struct want){ t0 + at[k], 'i', k == 0 ? TR_SEND :
		    TR_RESEND, lab[k] };
		w[n++] = (struct want){ t0 + at[k] + 5, 'r', TR_DISCARD,
		    lab[k] };
		w[n++] = (struct want){ t0 + at[k] + 5, 'r', TR_SEND, info[k] };
		/* A plain one the initiator discards; an encrypted one it
		 * reads (a notify event) and ignores. */
		if (!enc)
			w[n++] = (struct want){ t0 + at[k] + 10, 'i',
			    TR_DISCARD, info[k] };
	}
	w[n++] = (struct want){ t0 + 64000, 'i', TR_GIVE_UP, label };
	w[n++] = (struct want){ t0 + 64000, 'i', TR_RESTART, "" };
	w[n++] = (struct want){ t0 + 64000, 'i', TR_SEND, next };
	ladder_is(s, w, n, t0 + 64000);
	for (k = 0; k < s->trace.n; k++) {
		e = &s->trace.ev[k];
		if (e->kind != TR_NOTIFY || e->peer != 'r' ||
		    strncmp(e->reason, "sends ", 6) != 0)
			continue;
		assert_int_equal(e->notify, IKE_N_NO_PROPOSAL_CHOSEN);
		pk = notify_pkt(s, e);
		assert_int_equal(pk->bytes.p[19] & IKE_FLAG_ENC,
		    enc ? IKE_FLAG_ENC : 0);
		if (enc)
			assert_int_not_equal(be32(pk->bytes.p + 20), 0);
		else
			assert_int_equal(be32(pk->bytes.p + 20), 0);
	}
}

/* A changed knob changes the ladder (the comparison can fail). */
static void
changed_knob_breaks_strongswan_ladder(void **state)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct sess	*s = sess_new(1);
	size_t		 k;
	bool		 ag3b = false;

	(void)state;
	assert_int_equal(sess_set(s, 3, "profile", "strongswan", &dg), 0);
	assert_int_equal(sess_set(s, 1, "dup-resend", "reply", &dg), 0);
	assert_string_equal(sess_origin(s, PEER_I, "dup-resend"), "set");
	assert_string_equal(sess_origin(s, PEER_I, "retransmit"),
	    "strongswan");
	assert_string_equal(sess_origin(s, PEER_R, "psk"), "");
	/* The profile itself is marked as set (rfc, the default, is not). */
	assert_string_equal(sess_origin(s, PEER_R, "profile"), "set");
	/* With that one knob changed the lost-AG3 ladder is another: the
	 * duplicate AG2 at 4005 ms now brings AG3b at 4010 ms. */
	drop_once(s, "AG3");
	assert_int_equal(sess_start(s, &dg), IKE_OK);
	(void)sess_run(s, 600000, NULL, NULL);
	for (k = 0; k < s->trace.n; k++)
		if (s->trace.ev[k].kind == TR_RESEND &&
		    strcmp(s->trace.ev[k].label, "AG3b") == 0) {
			assert_int_equal(s->trace.ev[k].t_ms, 4010);
			ag3b = true;
		}
	assert_true(ag3b);
	sess_free(s);

	/* Unchanged, AG3 is never resent (QM1 replaced it). */
	ag3b = false;
	s = run_profiles("strongswan", "strongswan", "AG3", 600000);
	for (k = 0; k < s->trace.n; k++)
		if (strcmp(s->trace.ev[k].label, "AG3b") == 0)
			ag3b = true;
	assert_false(ag3b);
	sess_free(s);
}

/*
 * Every value `config` prints is one `set` takes back: for each knob
 * of every profile, the printed value set again gives the same value.
 * (A saved or copied config must replay.) And the words for "no
 * limit" read right: dup-limit 0 is "all", not "none".
 */
static void
config_values_are_accepted_by_set(void **state)
{
	static const char *const profiles[] = { "rfc", "strongswan",
	    "libreswan" };
	struct ike_diag	 dg = IKE_DIAG_INIT;
	char		 v[128], w[128];
	size_t		 k, j;
	(void)state;

	for (j = 0; j < 3; j++) {
		struct sess	*s = sess_new(1);

		assert_int_equal(sess_set(s, 3, "profile", profiles[j], &dg),
		    IKE_OK);
		for (k = 0; k < sess_nknobs; k++) {
			const char *name = sess_knobs[k].name;

			/* id prints its type after the value. */
			if (strcmp(name, "id") == 0)
				continue;
			assert_int_equal(sess_get(s, PEER_I, name, v,
			    sizeof(v), &dg), IKE_OK);
			if (sess_set(s, 1, name, v, &dg) != IKE_OK)
				fail_msg("%s: set %s '%s': %s", profiles[j],
				    name, v, dg.msg);
			assert_int_equal(sess_get(s, PEER_I, name, w,
			    sizeof(w), &dg), IKE_OK);
			assert_string_equal(v, w);
		}
		sess_free(s);
	}
	{
		struct sess	*s = sess_new(1);

		assert_int_equal(sess_get(s, PEER_I, "dup-limit", v,
		    sizeof(v), &dg), IKE_OK);
		assert_string_equal(v, "all");
		assert_int_equal(sess_get(s, PEER_I, "half-open", v,
		    sizeof(v), &dg), IKE_OK);
		assert_string_equal(v, "never");
		assert_int_equal(sess_set(s, 3, "cap", "x", &dg),
		    IKE_ESYNTAX);
		assert_string_equal(dg.msg, "cap: 'x' is not a duration (e.g. "
		    "500ms, 4s, 2m; a bare number is seconds; whole ms up to "
		    "one day)");
		/* Only digits with one optional fraction, then the unit. */
		assert_int_equal(sess_set(s, 3, "cap", "0x10", &dg),
		    IKE_ESYNTAX);
		assert_int_equal(sess_set(s, 3, "cap", "1e3", &dg),
		    IKE_ESYNTAX);
		assert_int_equal(sess_set(s, 3, "cap", "1.", &dg),
		    IKE_ESYNTAX);
		assert_int_equal(sess_set(s, 3, "cap", "1.5s", &dg), IKE_OK);
		assert_int_equal(sess_get(s, PEER_R, "cap", v, sizeof(v),
		    &dg), IKE_OK);
		assert_string_equal(v, "1500ms");
		sess_free(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strongswan_lost_ag3_recovers_by_starting_over),
		cmocka_unit_test(libreswan_lost_ag3_never_recovers),
		cmocka_unit_test(
		    libreswan_initiator_strongswan_responder_recovers_at_4s),
		cmocka_unit_test(
		    strongswan_initiator_libreswan_responder_recovers_at_165s),
		cmocka_unit_test(wrong_psk_follows_each_daemon),
		cmocka_unit_test(phase1_mismatch_follows_each_daemon),
		cmocka_unit_test(phase2_mismatch_follows_each_daemon),
		cmocka_unit_test(changed_knob_breaks_strongswan_ladder),
		cmocka_unit_test(config_values_are_accepted_by_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
