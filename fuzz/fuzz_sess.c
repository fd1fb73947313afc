/*
 * fuzz_sess.c: starting sessions for the peer fuzzer and the corpus
 * generator (see fuzz_sess.h).
 */
#include <string.h>

#include "fuzz_sess.h"

const char *const fz_expect[FZ_NSTATES] = {
	"AG1", "AG2", "AG3", "QM1", "QM2", "QM3",
};

/* What the setup runs towards: a packet label and its receiver's state. */
struct fz_goal {
	enum fz_state	 st;
	int		 n;	/* out: the packet's number */
};

enum fz_state
fz_state_of(uint8_t opts)
{
	return (enum fz_state)((opts & 0x07) % FZ_NSTATES);
}

/* Is the receiver in the state that the goal names? */
static bool
receiver_ready(const struct sess *s, enum fz_state st)
{
	const struct peer	*i = &s->peer[PEER_I];
	const struct peer	*r = &s->peer[PEER_R];
	const struct qmx	*q;

	switch (st) {
	case FZ_R_FRESH:
		return r->p1.st == P1_NONE;
	case FZ_I_WAIT_AG2:
		return i->p1.st == AM_I_SENT1;
	case FZ_R_WAIT_AG3:
		return r->p1.st == AM_R_SENT2;
	case FZ_R_P1_DONE:
		return r->p1.st == AM_R_DONE;
	case FZ_I_WAIT_QM2:
		q = sess_qm_cur(i);
		return q != NULL && q->st == QM_I_SENT1;
	case FZ_R_WAIT_QM3:
		q = sess_qm_cur(r);
		return q != NULL && q->st == QM_R_SENT2;
	default:
		return false;
	}
}

/* Until: the expected packet is in flight and its receiver is ready. */
static bool
goal_reached(const struct sess *s, void *arg)
{
	struct fz_goal		*g = arg;
	const struct pkt	*pk;
	size_t			 k;

	if (!receiver_ready(s, g->st))
		return false;
	for (k = s->npkt; k > 0; k--) {
		pk = sess_pkt_c(s, (int)k);
		if (pk->st == PKT_INFLIGHT &&
		    strcmp(pk->label, fz_expect[g->st]) == 0) {
			g->n = (int)k;
			return true;
		}
	}
	return false;
}

int
fz_config(struct sess *s, uint8_t opts, struct ike_diag *dg)
{
	static const char *const early[] = {
		"drop", "notify", "queue", "queue",
	};
	int	 rc;

	if ((opts & FZ_OPT_SWAN) &&
	    (rc = sess_set(s, 3, "profile", "strongswan", dg)) != IKE_OK)
		return rc;
	if ((rc = sess_set(s, 3, "group", "1", dg)) != IKE_OK ||
	    (rc = sess_set(s, 3, "pfs", opts & FZ_OPT_PFS ? "on" : "off",
	    dg)) != IKE_OK ||
	    (rc = sess_set(s, 3, "client-ids",
	    opts & FZ_OPT_CLIENT ? "on" : "off", dg)) != IKE_OK)
		return rc;
	return sess_set(s, 3, "early-qm", early[(opts & FZ_OPT_EARLY) >> 5],
	    dg);
}

struct sess *
fz_setup(uint8_t opts, struct buf *real, int *real_from)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct fz_goal	 g = { fz_state_of(opts), 0 };
	struct sess	*s;
	struct pkt	*pk;

	if ((s = sess_new(FZ_SEED)) == NULL)
		return NULL;
	if (fz_config(s, opts, &dg) != IKE_OK ||
	    sess_start(s, &dg) != IKE_OK)
		goto fail;
	/* AG1 is in flight at once; everything else needs running. */
	if (!goal_reached(s, &g) &&
	    sess_run(s, 60000, goal_reached, &g) != RUN_UNTIL)
		goto fail;
	pk = sess_pkt(s, g.n);
	if (real != NULL && buf_copy(real, &pk->bytes) != IKE_OK)
		goto fail;
	if (real_from != NULL)
		*real_from = pk->from;
	if (sess_drop(s, g.n, &dg) != IKE_OK)
		goto fail;
	return s;
fail:
	sess_free(s);
	return NULL;
}
