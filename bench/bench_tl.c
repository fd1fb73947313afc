/*
 * bench_tl.c: the timeline stays instant on a long session. Builds a
 * session of at least 100,000 trace events (every responder packet
 * lost, so the initiator resends AG1 every millisecond and restarts
 * when it gives up), then times what the timeline does: indexing the
 * trace, laying out one visible window (at the top, the middle and the
 * end), and scrolling through the whole diagram a page at a time.
 *
 * Only the visible rows are laid out, so a window costs the same at
 * any place in the trace; the figures show it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sess.h"
#include "tl_layout.h"

#define BENCH_EVENTS	100000
#define BENCH_W		120
#define BENCH_H		40	/* a 120x40 terminal: 22 diagram rows */

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
must_set(struct sess *s, unsigned int mask, const char *key,
    const char *val)
{
	struct ike_diag	dg = IKE_DIAG_INIT;

	if (sess_set(s, mask, key, val, &dg) < 0) {
		fprintf(stderr, "bench_tl: set %s %s: %s\n", key, val, dg.msg);
		exit(1);
	}
}

/* A session of at least BENCH_EVENTS events; NULL on failure. */
static struct sess *
long_session(void)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct sess	*s = sess_new(1);
	struct rule	 r;

	if (s == NULL)
		return NULL;
	memset(&r, 0, sizeof(r));
	r.act = RULE_DROP;
	r.dir = PEER_R;
	r.off = -1;
	r.bit = -1;
	snprintf(r.text, sizeof(r.text), "drop r>i");
	if (sess_rule_add(s, &r, &dg) < 0)
		goto fail;
	must_set(s, 3, "group", "1");
	must_set(s, 3, "retransmit", "1ms");
	must_set(s, 3, "factor", "1");
	must_set(s, 3, "tries", "100");
	must_set(s, 1, "give-up", "restart");
	if (sess_start(s, &dg) < 0)
		goto fail;
	while (s->trace.n < BENCH_EVENTS && s->npkt + 64 < SESS_MAX_PKTS)
		if (sess_step(s) == 0)
			break;
	if (s->trace.n < BENCH_EVENTS)
		goto fail;
	return s;
fail:
	fprintf(stderr, "bench_tl: could not build a session of %d events "
	    "(%zu: %s)\n", BENCH_EVENTS, s->trace.n, dg.msg);
	sess_free(s);
	return NULL;
}

/* Lay out and render the window at FIRST; returns a checksum. */
static size_t
window(const struct tl_index *ix, const struct sess *s,
    const struct tl_geom *g, size_t first, size_t h)
{
	struct tl_row	rows[64];
	char		line[TL_NOTE_LEN + 128];
	size_t		n, k, sum = 0;

	n = tl_layout_window(ix, s, g, first, h, rows);
	for (k = 0; k < n; k++) {
		tl_row_text(&rows[k], g, line, sizeof(line));
		sum += strlen(line);
	}
	return sum;
}

int
main(void)
{
	struct tl_index	 ix;
	struct tl_geom	 g;
	struct tl_screen sc;
	struct sess	*s;
	double		 t0, t_index, t_win[3], t_scroll;
	size_t		 h, first, at[3], k, sum = 0, pages = 0;
	int		 i, reps = 1000;

	if ((s = long_session()) == NULL)
		return 1;
	tl_screen_layout(&sc, BENCH_W, BENCH_H);
	tl_geom_init(&g, BENCH_W);
	h = (size_t)sc.diag.h;

	tl_index_init(&ix);
	t0 = now_s();
	if (tl_index_update(&ix, s) != 0)
		return 1;
	t_index = now_s() - t0;

	at[0] = 0;
	at[1] = ix.nrows / 2;
	at[2] = ix.nrows > h ? ix.nrows - h : 0;
	for (k = 0; k < 3; k++) {
		t0 = now_s();
		for (i = 0; i < reps; i++)
			sum += window(&ix, s, &g, at[k], h);
		t_win[k] = (now_s() - t0) / reps;
	}

	t0 = now_s();
	for (first = 0; first < ix.nrows; first += h, pages++)
		sum += window(&ix, s, &g, first, h);
	t_scroll = now_s() - t0;

	printf("timeline: %zu events, %zu diagram rows, %zu packets; "
	    "%dx%d terminal, %zu rows a window\n", s->trace.n, ix.nrows,
	    s->npkt, BENCH_W, BENCH_H, h);
	printf("  index the whole trace   %8.2f ms\n", t_index * 1e3);
	printf("  one window at the top   %8.1f us\n", t_win[0] * 1e6);
	printf("  one window in the middle%8.1f us\n", t_win[1] * 1e6);
	printf("  one window at the end   %8.1f us\n", t_win[2] * 1e6);
	printf("  full scroll, %zu pages %8.2f ms (%.1f us a page)\n", pages,
	    t_scroll * 1e3, t_scroll * 1e6 / (double)(pages ? pages : 1));
	/* Keep the work from being optimised away. */
	if (sum == 0)
		printf("  (nothing drawn)\n");
	tl_index_free(&ix);
	sess_free(s);
	return 0;
}
