/*
 * bench_exchange.c: how fast ikelab runs complete Aggressive Mode +
 * Quick Mode exchanges, compared with the Diffie-Hellman work they
 * cannot avoid (DESIGN.md, "Benchmark ratio").
 *
 * An exchange without PFS does four DH operations: two key
 * generations and two derivations. If everything else were free, the
 * exchange rate would be the DH rate / 4; the ratio printed says how
 * close the engine comes (1.0 = all the time goes into DH).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "sess.h"

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* DH operations per second for GROUP over about SECS seconds. */
static double
dh_rate(unsigned int group, double secs)
{
	uint8_t		priv[CRYPTO_DH_PRIV_LEN], pub[CRYPTO_MAX_PRIME];
	uint8_t		peer[CRYPTO_MAX_PRIME], out[CRYPTO_MAX_PRIME];
	struct ike_diag	dg = IKE_DIAG_INIT;
	double		t0 = now_s(), t;
	long		ops = 0;
	size_t		k;

	for (k = 0; k < sizeof(priv); k++)
		priv[k] = (uint8_t)(k * 7 + 1);
	if (crypto_dh_pub(group, priv, sizeof(priv), peer, &dg) != IKE_OK)
		return 0;
	do {
		priv[0]++;
		if (crypto_dh_pub(group, priv, sizeof(priv), pub, &dg) ||
		    crypto_dh_shared(group, priv, sizeof(priv), peer,
		    crypto_group_len(group), out, &dg))
			return 0;
		ops += 2;
		t = now_s() - t0;
	} while (t < secs);
	return (double)ops / t;
}

/* Complete exchanges per second over about SECS seconds. */
static double
exchange_rate(unsigned int group, double secs, long *count)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct sess	*s;
	char		 g[8];
	double		 t0 = now_s(), t;
	long		 n = 0;

	snprintf(g, sizeof(g), "%u", group);
	do {
		if ((s = sess_new((uint64_t)n + 1)) == NULL ||
		    sess_set(s, 3, "group", g, &dg) != IKE_OK ||
		    sess_start(s, &dg) != IKE_OK)
			return 0;
		(void)sess_run(s, 600000, NULL, NULL);
		if (s->peer[PEER_R].nqm != 1 ||
		    s->peer[PEER_R].qm[0].st != QM_R_DONE) {
			fprintf(stderr, "bench: exchange %ld did not complete\n",
			    n);
			sess_free(s);
			return 0;
		}
		sess_free(s);
		n++;
		t = now_s() - t0;
	} while (t < secs);
	*count = n;
	return (double)n / t;
}

int
main(int argc, char **argv)
{
	double		secs = argc > 1 ? atof(argv[1]) : 3.0;
	unsigned int	groups[] = { 14, 2 };
	double		dh, ex, ratio;
	long		n;
	size_t		k;
	int		rc = 0;

	for (k = 0; k < sizeof(groups) / sizeof(groups[0]); k++) {
		dh = dh_rate(groups[k], secs);
		ex = exchange_rate(groups[k], secs, &n);
		ratio = dh > 0 ? ex / (dh / 4.0) : 0;
		printf("group %2u: %8.1f exchanges/s (%ld runs), %8.1f DH ops/s"
		    ", ratio %.3f%s\n", groups[k], ex, n, dh, ratio,
		    groups[k] == 14 ? " (goal >= 0.9)" : "");
		if (ex == 0 || dh == 0)
			rc = 1;
	}
	return rc;
}
