/*
 * tl_layout.c: the timeline's layout without a terminal (see
 * tl_layout.h). Everything here is plain data in, plain data out: the
 * render step in timeline.c only copies these rows and lines to the
 * screen and colours them by their style.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_layout.h"

const char *const tl_row_kind_names[TL_NROW_KINDS] = {
	[TL_ROW_ARROW] = "arrow", [TL_ROW_STATE] = "state",
	[TL_ROW_GIVE_UP] = "give_up", [TL_ROW_RESTART] = "restart",
};

const char *const tl_fate_names[TL_NFATES] = {
	[TL_FATE_INFLIGHT] = "in flight", [TL_FATE_DELIVERED] = "delivered",
	[TL_FATE_DISCARDED] = "discarded", [TL_FATE_DROPPED] = "dropped",
};

const char *const tl_style_names[TL_NSTYLES] = {
	[TL_ST_PLAIN] = "plain", [TL_ST_RESEND] = "resend",
	[TL_ST_FAULT] = "fault", [TL_ST_DROP] = "drop",
	[TL_ST_DISCARD] = "discard", [TL_ST_FLIGHT] = "flight",
	[TL_ST_STATE] = "state", [TL_ST_FAIL] = "fail",
};

/* The arrow span grows with the width, within these bounds. */
#define TL_SPAN_MIN	28
#define TL_SPAN_MAX	45

void
tl_geom_init(struct tl_geom *g, int width)
{
	int	span = (width - TL_COL_I) / 2;

	if (span < TL_SPAN_MIN)
		span = TL_SPAN_MIN;
	if (span > TL_SPAN_MAX)
		span = TL_SPAN_MAX;
	g->width = width;
	g->col_i = TL_COL_I;
	g->col_r = TL_COL_I + span;
	g->col_note = g->col_r + 3;
}

static struct tl_rect
rect(int y, int x, int h, int w)
{
	struct tl_rect	r = { y, x, h, w };

	return r;
}

static int
min_int(int a, int b)
{
	return a < b ? a : b;
}

/*
 * From the bottom up: the command line, the output lines, the timers
 * (a title and one column per peer), the peer panels (a title and one
 * column per peer); the diagram gets the rest, below the status line
 * and the diagram's header. A taller terminal gives the panels a few
 * more lines and the diagram the rest.
 */
void
tl_screen_layout(struct tl_screen *sc, int w, int h)
{
	int	extra = h - 24, nout, ntim, npeer, sep, y;

	memset(sc, 0, sizeof(*sc));
	if (w < TL_MIN_W || h < TL_MIN_H) {
		sc->too_small = true;
		return;
	}
	if (extra < 0) {
		nout = 1;
		ntim = 1;
		npeer = 3;
	} else {
		nout = 2 + min_int(extra / 8, 4);
		ntim = 2 + min_int(extra / 16, 2);
		npeer = 4 + min_int(extra / 8, 6);
	}
	sep = (w - 1) / 2;
	sc->sep_x = sep;
	sc->cmd = rect(h - 1, 0, 1, w);
	sc->out = rect(h - 1 - nout, 0, nout, w);
	y = sc->out.y - ntim;
	sc->timers[0] = rect(y, 0, ntim, sep);
	sc->timers[1] = rect(y, sep + 1, ntim, w - sep - 1);
	sc->timers_title = rect(y - 1, 0, 1, w);
	y = sc->timers_title.y - npeer;
	sc->peer[0] = rect(y, 0, npeer, sep);
	sc->peer[1] = rect(y, sep + 1, npeer, w - sep - 1);
	sc->peers_title = rect(y - 1, 0, 1, w);
	sc->status = rect(0, 0, 1, w);
	sc->head = rect(1, 0, 1, w);
	sc->diag = rect(2, 0, sc->peers_title.y - 2, w);
}

void
tl_index_init(struct tl_index *ix)
{
	memset(ix, 0, sizeof(*ix));
}

void
tl_index_free(struct tl_index *ix)
{
	free(ix->rows);
	free(ix->pk);
	tl_index_init(ix);
}

static int
add_row(struct tl_index *ix, size_t ev)
{
	size_t	*nr, cap;

	if (ix->nrows == ix->caprows) {
		cap = ix->caprows ? ix->caprows * 2 : 256;
		if ((nr = realloc(ix->rows, cap * sizeof(*nr))) == NULL)
			return IKE_ENOMEM;
		ix->rows = nr;
		ix->caprows = cap;
	}
	ix->rows[ix->nrows++] = ev;
	return 0;
}

/* Make room for packets 1 .. N in ix->pk, new entries all -1. */
static int
grow_pk(struct tl_index *ix, size_t n)
{
	struct tl_pktinfo	*np;
	size_t			 cap, k;

	if (n + 1 > ix->cappk) {
		cap = ix->cappk ? ix->cappk : 256;
		while (cap < n + 1)
			cap *= 2;
		if ((np = realloc(ix->pk, cap * sizeof(*np))) == NULL)
			return IKE_ENOMEM;
		ix->pk = np;
		ix->cappk = cap;
	}
	for (k = ix->npk; k < n + 1; k++)
		ix->pk[k].send = ix->pk[k].deliver = ix->pk[k].drop =
		    ix->pk[k].discard = ix->pk[k].delay = ix->pk[k].swap =
		    ix->pk[k].corrupt = ix->pk[k].notify = -1;
	if (n + 1 > ix->npk)
		ix->npk = n + 1;
	return 0;
}

int
tl_index_update(struct tl_index *ix, const struct sess *s)
{
	const struct tr_event	*ev;
	struct tl_pktinfo	*pi;
	size_t			 k;
	long			 at;

	if (ix->s != s || s->trace.n < ix->scanned || ix->scanned == 0) {
		ix->s = s;
		ix->scanned = 0;
		ix->nrows = 0;
		ix->npk = 0;
		ix->last_state[0] = ix->last_state[1] = -1;
	}
	if (grow_pk(ix, s->npkt) != 0)
		return IKE_ENOMEM;
	for (k = ix->scanned; k < s->trace.n; k++) {
		ev = &s->trace.ev[k];
		at = (long)k;
		pi = ev->pkt > 0 && (size_t)ev->pkt < ix->npk ?
		    &ix->pk[ev->pkt] : NULL;
		switch (ev->kind) {
		case TR_SEND:
		case TR_RESEND:
		case TR_DUP:
		case TR_INJECT:
			if (pi == NULL)
				break;
			if (pi->send < 0)
				pi->send = at;
			if (add_row(ix, k) != 0)
				return IKE_ENOMEM;
			break;
		case TR_STATE:
			if (ev->peer == 'i' || ev->peer == 'r')
				ix->last_state[ev->peer == 'r'] = at;
			/* FALLTHROUGH */
		case TR_GIVE_UP:
		case TR_RESTART:
			if (add_row(ix, k) != 0)
				return IKE_ENOMEM;
			break;
		case TR_DELIVER:
			if (pi != NULL)
				pi->deliver = at;
			break;
		case TR_DROP:
			if (pi != NULL)
				pi->drop = at;
			break;
		case TR_DISCARD:
			if (pi != NULL)
				pi->discard = at;
			break;
		case TR_DELAY:
			if (pi != NULL)
				pi->delay = at;
			break;
		case TR_SWAP:
			if (pi != NULL)
				pi->swap = at;
			if (ev->other > 0 && (size_t)ev->other < ix->npk)
				ix->pk[ev->other].swap = at;
			break;
		case TR_CORRUPT:
			if (pi != NULL)
				pi->corrupt = at;
			break;
		case TR_NOTIFY:
			if (pi != NULL && pi->notify < 0)
				pi->notify = at;
			break;
		default:
			break;
		}
	}
	ix->scanned = s->trace.n;
	return 0;
}

long
tl_index_row_of_pkt(const struct tl_index *ix, int n)
{
	long	ev;
	size_t	lo = 0, hi = ix->nrows, mid;

	if (n <= 0 || (size_t)n >= ix->npk || (ev = ix->pk[n].send) < 0)
		return -1;
	/* Rows are in trace order: search for the event. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ix->rows[mid] < (size_t)ev)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->nrows && ix->rows[lo] == (size_t)ev ? (long)lo : -1;
}

/* Append "; TEXT" (or TEXT when NOTE is empty) to NOTE. */
static void
note_add(char *note, size_t len, const char *fmt, ...) IKE_PRINTF(3, 4);

static void
note_add(char *note, size_t len, const char *fmt, ...)
{
	va_list	ap;
	size_t	n = strlen(note);

	if (n > 0 && n + 2 < len) {
		memcpy(note + n, "; ", 3);
		n += 2;
	}
	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(note + n, len - n, fmt, ap);
	va_end(ap);
}

/* "dropped: rule 1 (drop AG3 once)" or "dropped: command". */
static void
drop_note(const struct sess *s, const struct tr_event *ev, char *note,
    size_t len)
{
	const char	*why = ev->reason;
	char		*end;
	long		 id;
	size_t		 k;

	if (strncmp(why, "rule ", 5) == 0) {
		id = strtol(why + 5, &end, 10);
		for (k = 0; k < s->nrules; k++)
			if (s->rules[k].id == id && *end == '\0') {
				note_add(note, len, "dropped: %s (%s)", why,
				    s->rules[k].text);
				return;
			}
	}
	if (strncmp(why, "dropped by ", 11) == 0)
		why += 11;
	note_add(note, len, "dropped%s%s", why[0] != '\0' ? ": " : "", why);
}

/*
 * The note of an arrow: a notify it carries, a delay, what became of
 * it (dropped and why, in flight, when it arrived if not as planned,
 * the receiver's reason for discarding it), then how it was sent
 * (resend, copy, injected, corrupted, swapped). The most important
 * comes first, since a narrow screen cuts the end.
 */
static void
arrow_note(const struct sess *s, const struct tr_event *sev,
    const struct pkt *pk, const struct tl_pktinfo *pi, enum tl_fate fate,
    char *note, size_t len)
{
	const struct tr_event	*ev, *dl = NULL;
	const char		*nn;

	note[0] = '\0';
	if (pi->notify >= 0) {
		ev = &s->trace.ev[pi->notify];
		if ((nn = ike_notify_name(ev->notify)) != NULL)
			note_add(note, len, "notify %s", nn);
		else
			note_add(note, len, "notify %u", ev->notify);
	}
	if (pi->delay >= 0) {
		dl = &s->trace.ev[pi->delay];
		if (dl->due_ms >= sev->due_ms)
			note_add(note, len, "delayed +%" PRIu64 " ms",
			    dl->due_ms - sev->due_ms);
		else
			note_add(note, len, "delayed to %" PRIu64 " ms",
			    dl->due_ms);
	}
	switch (fate) {
	case TL_FATE_DROPPED:
		drop_note(s, &s->trace.ev[pi->drop], note, len);
		break;
	case TL_FATE_INFLIGHT:
		note_add(note, len, "in flight, due %" PRIu64 " ms",
		    pk->due_ms);
		break;
	case TL_FATE_DELIVERED:
	case TL_FATE_DISCARDED:
		ev = &s->trace.ev[pi->deliver];
		if (dl != NULL || pi->swap >= 0 || ev->reason[0] != '\0')
			note_add(note, len, "arrives %" PRIu64 " ms",
			    ev->t_ms);
		if (fate == TL_FATE_DISCARDED)
			note_add(note, len, "discarded: %s",
			    s->trace.ev[pi->discard].reason);
		break;
	case TL_NFATES:
		break;
	}
	if (sev->kind == TR_RESEND && sev->try_no > 0)
		note_add(note, len, "resend, try %d", sev->try_no);
	else if (sev->kind == TR_RESEND && sev->reason[0] != '\0')
		note_add(note, len, "resend: %s", sev->reason);
	else if (sev->kind == TR_RESEND)
		note_add(note, len, "resend");
	if (pk->copy_of > 0)
		note_add(note, len, "copy of #%d", pk->copy_of);
	if (pk->injected)
		note_add(note, len, "injected");
	if (pi->corrupt >= 0) {
		ev = &s->trace.ev[pi->corrupt];
		if (ev->bit >= 0)
			note_add(note, len, "corrupted: byte %ld bit %d",
			    ev->off, ev->bit);
		else
			note_add(note, len, "corrupted: byte %ld", ev->off);
	}
	if (pi->swap >= 0) {
		ev = &s->trace.ev[pi->swap];
		note_add(note, len, "swapped with #%d", ev->pkt == pk->num ?
		    ev->other : ev->pkt);
	}
}

static void
set_text(struct tl_row *r, const char *fmt, ...) IKE_PRINTF(2, 3);

static void
set_text(struct tl_row *r, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
}

/* Lay out the arrow of the packet sent by trace event SEV. */
static void
lay_arrow(const struct tl_index *ix, const struct sess *s,
    const struct tl_geom *g, const struct tr_event *sev, struct tl_row *r)
{
	const struct pkt	*pk = sess_pkt_c(s, sev->pkt);
	const struct tl_pktinfo	*pi = &ix->pk[sev->pkt];
	int			 span = g->col_r - g->col_i, len;
	bool			 fault;

	r->pkt = sev->pkt;
	if (pi->drop >= 0)
		r->fate = TL_FATE_DROPPED;
	else if (pi->deliver < 0)
		r->fate = TL_FATE_INFLIGHT;
	else if (pi->discard >= 0)
		r->fate = TL_FATE_DISCARDED;
	else
		r->fate = TL_FATE_DELIVERED;
	r->shaft = pi->corrupt >= 0 ? '~' : sev->kind == TR_RESEND ? '=' :
	    '-';
	fault = pk->copy_of > 0 || pk->injected || pi->corrupt >= 0 ||
	    pi->delay >= 0 || pi->swap >= 0;
	r->style = r->fate == TL_FATE_DROPPED ? TL_ST_DROP :
	    r->fate == TL_FATE_DISCARDED ? TL_ST_DISCARD :
	    r->fate == TL_FATE_INFLIGHT ? TL_ST_FLIGHT :
	    fault ? TL_ST_FAULT : sev->kind == TR_RESEND ? TL_ST_RESEND :
	    TL_ST_PLAIN;
	set_text(r, " %s #%d ", pk->label, pk->num);
	len = (int)strlen(r->text);
	if (pk->from == PEER_I) {
		if (r->fate == TL_FATE_DROPPED) {
			r->head_x = g->col_i + span * 2 / 3;
			r->head = 'X';
		} else if (r->fate == TL_FATE_INFLIGHT) {
			r->head_x = g->col_i + span / 2;
			r->head = '>';
			r->flight_x = r->head_x + 2;
		} else {
			r->head_x = g->col_r - 1;
			r->head = '>';
		}
		r->shaft_x0 = g->col_i + 1;
		r->shaft_x1 = r->head_x - 1;
		r->text_x = g->col_i + 3;
		r->text_end = r->head_x;
	} else {
		if (r->fate == TL_FATE_DROPPED) {
			r->head_x = g->col_r - span * 2 / 3;
			r->head = 'X';
		} else if (r->fate == TL_FATE_INFLIGHT) {
			r->head_x = g->col_r - span / 2;
			r->head = '<';
			r->flight_x = r->head_x - 4;
		} else {
			r->head_x = g->col_i + 1;
			r->head = '<';
		}
		r->shaft_x0 = r->head_x + 1;
		r->shaft_x1 = g->col_r - 1;
		r->text_x = g->col_r - 2 - len;
		if (r->text_x <= r->head_x)
			r->text_x = r->head_x + 1;
		r->text_end = g->col_r;
	}
	r->note_x = g->col_note;
	arrow_note(s, sev, pk, pi, r->fate, r->note, sizeof(r->note));
}

/* A mark on peer EV->peer's lifeline with TEXT beside it. */
static void
lay_mark(const struct tl_geom *g, const struct tr_event *ev,
    struct tl_row *r, const char *text)
{
	int	len;

	set_text(r, "%s", text);
	len = (int)strlen(r->text);
	if (ev->peer == 'r') {
		r->mark_x = g->col_r;
		r->text_x = g->col_r - 2 - len;
		if (r->text_x < g->col_i + 2)
			r->text_x = g->col_i + 2;
		r->text_end = g->col_r - 1;
	} else {
		r->mark_x = g->col_i;
		r->text_x = g->col_i + 2;
		r->text_end = g->col_r - 1;
	}
	r->note_x = g->col_note;
}

/* Lay out the row of trace event K. */
static void
lay_row(const struct tl_index *ix, const struct sess *s,
    const struct tl_geom *g, size_t k, struct tl_row *r)
{
	const struct tr_event	*ev = &s->trace.ev[k];

	memset(r, 0, sizeof(*r));
	r->ev = k;
	r->peer = ev->peer;
	r->t_ms = ev->t_ms;
	r->head_x = r->flight_x = r->mark_x = -1;
	r->shaft_x0 = 0;
	r->shaft_x1 = -1;
	r->style = TL_ST_STATE;
	switch (ev->kind) {
	case TR_STATE:
		r->kind = TL_ROW_STATE;
		{
			char	mark[48];

			lay_mark(g, ev, r, trace_state_mark(ev, mark,
			    sizeof(mark)));
		}
		if (strcmp(ev->to, "FAILED") == 0) {
			r->style = TL_ST_FAIL;
			snprintf(r->note, sizeof(r->note), "%s", ev->reason);
		}
		break;
	case TR_GIVE_UP:
		r->kind = TL_ROW_GIVE_UP;
		r->style = TL_ST_FAIL;
		lay_mark(g, ev, r, "gives up");
		snprintf(r->note, sizeof(r->note), "%s", ev->reason);
		break;
	case TR_RESTART:
		r->kind = TL_ROW_RESTART;
		lay_mark(g, ev, r, "restarts");
		snprintf(r->note, sizeof(r->note), "%s", ev->reason);
		break;
	default:
		r->kind = TL_ROW_ARROW;
		lay_arrow(ix, s, g, ev, r);
		break;
	}
}

size_t
tl_layout_window(const struct tl_index *ix, const struct sess *s,
    const struct tl_geom *g, size_t first, size_t n, struct tl_row *rows)
{
	size_t	k;

	for (k = 0; k < n && first + k < ix->nrows; k++) {
		lay_row(ix, s, g, ix->rows[first + k], &rows[k]);
		rows[k].show_time = k == 0 || rows[k].t_ms != rows[k - 1].t_ms;
	}
	return k;
}

/* A time for the left edge, at most TL_TIME_W characters. */
static void
fmt_time(uint64_t ms, char *out, size_t len)
{
	if (ms < 10000000)
		snprintf(out, len, "%" PRIu64 " ms", ms);
	else
		snprintf(out, len, "%" PRIu64 " s", ms / 1000);
}

/* Copy S into LINE from column AT, before column END; '?' for control. */
static void
put(char *line, int width, int at, int end, const char *s)
{
	if (end > width)
		end = width;
	for (; *s != '\0' && at < end; at++, s++) {
		if (at < 0)
			continue;
		/* One byte, one column: no control or non-ASCII bytes. */
		line[at] = (unsigned char)*s < 0x20 ||
		    (unsigned char)*s >= 0x7f ? '?' : *s;
	}
}

/* Cut trailing blanks of the WIDTH characters in LINE. */
static void
trim(char *line, int width)
{
	while (width > 0 && line[width - 1] == ' ')
		width--;
	line[width] = '\0';
}

void
tl_row_text(const struct tl_row *r, const struct tl_geom *g, char *out,
    size_t len)
{
	char	time[24];
	int	w = g->width, k;

	if (len == 0)
		return;
	if ((size_t)w > len - 1)
		w = (int)len - 1;
	memset(out, ' ', (size_t)w);
	if (r->show_time) {
		fmt_time(r->t_ms, time, sizeof(time));
		put(out, w, TL_TIME_W - (int)strlen(time), TL_TIME_W, time);
	}
	if (g->col_i < w)
		out[g->col_i] = '|';
	if (g->col_r < w)
		out[g->col_r] = '|';
	for (k = r->shaft_x0; k <= r->shaft_x1 && k < w; k++)
		out[k] = r->shaft;
	if (r->head_x >= 0 && r->head_x < w)
		out[r->head_x] = r->head;
	if (r->flight_x >= 0)
		put(out, w, r->flight_x, r->flight_x + 3, "...");
	if (r->mark_x >= 0 && r->mark_x < w)
		out[r->mark_x] = '*';
	put(out, w, r->text_x, r->text_end, r->text);
	put(out, w, r->note_x, w, r->note);
	trim(out, w);
}

void
tl_head_text(const struct tl_geom *g, char *out, size_t len)
{
	int	w = g->width;

	if (len == 0)
		return;
	if ((size_t)w > len - 1)
		w = (int)len - 1;
	memset(out, ' ', (size_t)w);
	put(out, w, TL_TIME_W - 4, TL_TIME_W, "time");
	put(out, w, g->col_i, w, "I");
	put(out, w, g->col_r, w, "R");
	trim(out, w);
}

/* Add timer T of peer P (exchange XCHG) to OUT if it is armed. */
static void
add_timer(const struct sess *s, const struct peer *p, const struct timer *t,
    const char *xchg, struct tl_timer *out, size_t max, size_t *n)
{
	struct tl_timer	*o;

	if (!t->armed || *n >= max)
		return;
	o = &out[(*n)++];
	memset(o, 0, sizeof(*o));
	o->peer = p->name;
	snprintf(o->what, sizeof(o->what), "%s", t->what);
	snprintf(o->xchg, sizeof(o->xchg), "%s", xchg);
	o->give_up = sess_timer_exhausted(p, t);
	o->next_try = t->tries + 1;
	o->tries = p->cfg.rtx.tries;
	o->due_ms = t->due_ms;
	o->in_ms = t->due_ms > s->now_ms ? t->due_ms - s->now_ms : 0;
}

size_t
tl_timers(const struct sess *s, struct tl_timer *out, size_t max)
{
	const struct peer	*p;
	char			 x[24];
	size_t			 n = 0, k;
	int			 i;

	for (i = PEER_I; i <= PEER_R; i++) {
		p = &s->peer[i];
		add_timer(s, p, &p->p1.tm, "phase 1", out, max, &n);
		for (k = 0; k < p->nqm; k++) {
			snprintf(x, sizeof(x), "quick mode %d", p->qm[k].inst);
			add_timer(s, p, &p->qm[k].tm, x, out, max, &n);
		}
	}
	return n;
}

void
tl_timer_text(const struct tl_timer *t, char *out, size_t len)
{
	char	next[32];

	if (t->give_up)
		snprintf(next, sizeof(next), "give up");
	else
		snprintf(next, sizeof(next), "resend %u/%u", t->next_try,
		    t->tries);
	snprintf(out, len, "%c %s %s in %" PRIu64 " ms, due %" PRIu64,
	    t->peer, t->what, next, t->in_ms, t->due_ms);
}

/* Hex of N bytes into OUT (2N + 1 bytes). */
static void
hex(const uint8_t *p, size_t n, char *out)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			k;

	for (k = 0; k < n; k++) {
		out[2 * k] = digits[p[k] >> 4];
		out[2 * k + 1] = digits[p[k] & 15];
	}
	out[2 * n] = '\0';
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	size_t	k;

	for (k = 0; k < n; k++)
		if (p[k] != 0)
			return false;
	return true;
}

/* Control and non-ASCII bytes (a reason may quote a packet) become '?'. */
static void
clean(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

/*
 * Put TEXT into LINES from *N on, cut at blanks into lines of at most
 * WIDTH columns (the next ones indented by two), on at most AVAIL
 * lines; when text is left over, the last line ends in "...".
 */
static void
wrap(const char *text, int width, char lines[][TL_LINE_LEN], size_t *n,
    size_t avail)
{
	const char	*indent = "";
	size_t		 len, cut, w, lim;
	bool		 more;

	while (avail-- > 0) {
		w = (width > 8 ? (size_t)width : 8) - strlen(indent);
		if (w > TL_LINE_LEN - 3)
			w = TL_LINE_LEN - 3;
		len = strlen(text);
		cut = len;
		/* The last line allowed ends in "..." when text is left. */
		more = len > w && avail == 0;
		if (len > w) {
			lim = more ? w - 3 : w;
			cut = lim;
			while (cut > lim / 2 && text[cut] != ' ')
				cut--;
			if (text[cut] != ' ')
				cut = lim;
		}
		snprintf(lines[*n], TL_LINE_LEN, "%s%.*s%s", indent, (int)cut,
		    text, more ? "..." : "");
		clean(lines[(*n)++]);
		text += cut;
		while (*text == ' ')
			text++;
		if (*text == '\0')
			return;
		indent = "  ";
	}
}

size_t
tl_peer_lines(const struct sess *s, const struct tl_index *ix, int p,
    int width, char lines[][TL_LINE_LEN], size_t max)
{
	const struct peer	*pe = &s->peer[p];
	const struct tr_event	*ev = NULL;
	const struct qmx	*q;
	char			 ci[2 * IKE_COOKIE_LEN + 1];
	char			 cr[2 * IKE_COOKIE_LEN + 1];
	char			 si[12], sr[12], last[TL_NOTE_LEN];
	size_t			 n = 0, k, need, room;

	if (max == 0)
		return 0;
	snprintf(lines[n++], TL_LINE_LEN, "%c %s: %s", pe->name,
	    p == PEER_I ? "initiator" : "responder",
	    sess_p1_state_name(pe->p1.st));
	if (ix != NULL && ix->s == s && ix->last_state[p] >= 0 &&
	    (size_t)ix->last_state[p] < s->trace.n)
		ev = &s->trace.ev[ix->last_state[p]];
	if (ev != NULL)
		snprintf(last, sizeof(last), "last: %s > %s: %s", ev->from,
		    ev->to, ev->reason);
	else
		snprintf(last, sizeof(last), "last: %s", pe->last[0] != '\0' ?
		    pe->last : "-");
	/* Lines the rest needs: cookies, two per Quick Mode, the queue. */
	need = 1 + 2 * pe->nqm + (pe->queued.len > 0);
	room = max > n + need ? max - n - need : 1;
	/*
	 * With one line for it and too little width, the reason matters
	 * more than the state the peer came from (80x24).
	 */
	if (ev != NULL && room == 1 && strlen(last) > (size_t)width)
		snprintf(last, sizeof(last), "last: %s: %s", ev->to,
		    ev->reason);
	if (n < max)
		wrap(last, width, lines, &n, room < max - n ? room : max - n);
	if (n < max) {
		if (all_zero(pe->p1.icookie, IKE_COOKIE_LEN))
			snprintf(lines[n++], TL_LINE_LEN, "cky -");
		else {
			hex(pe->p1.icookie, IKE_COOKIE_LEN, ci);
			hex(pe->p1.rcookie, IKE_COOKIE_LEN, cr);
			snprintf(lines[n++], TL_LINE_LEN, "cky %s %s", ci, cr);
		}
	}
	for (k = pe->nqm; k > 0 && n < max; k--) {
		q = &pe->qm[k - 1];
		snprintf(lines[n++], TL_LINE_LEN, "QM %d  msgid %08" PRIx32
		    "  %s", q->inst, q->msgid, sess_qm_state_name(q->st));
		if (n >= max)
			break;
		snprintf(si, sizeof(si), "%08" PRIx32, q->spi_i);
		snprintf(sr, sizeof(sr), "%08" PRIx32, q->spi_r);
		snprintf(lines[n++], TL_LINE_LEN, "  spi i %s  r %s",
		    q->spi_i != 0 ? si : "-", q->spi_r != 0 ? sr : "-");
	}
	if (n < max && pe->queued.len > 0)
		snprintf(lines[n++], TL_LINE_LEN, "queued: one early Quick "
		    "Mode message");
	return n;
}

void
tl_status_text(const struct sess *s, uint64_t seed, bool running,
    unsigned int speed, char *out, size_t len)
{
	const struct rule	*r;
	size_t			 o, k;

	snprintf(out, len, "time %" PRIu64 " ms  ", s->now_ms);
	o = strlen(out);
	if (running)
		snprintf(out + o, len - o, "running %ux", speed);
	else
		snprintf(out + o, len - o, "paused");
	o = strlen(out);
	snprintf(out + o, len - o, "  seed %" PRIu64 "  ", seed);
	o = strlen(out);
	if (s->nrules == 0)
		snprintf(out + o, len - o, "no rules");
	for (k = 0; k < s->nrules && o + 1 < len; k++) {
		r = &s->rules[k];
		snprintf(out + o, len - o, "%s%d %s%s", k == 0 ? "rules: " :
		    "; ", r->id, r->text, r->nth > 0 && r->fired > 0 ?
		    " (spent)" : "");
		o = strlen(out);
	}
	clean(out);
}
