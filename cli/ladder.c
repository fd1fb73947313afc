/*
 * ladder.c: the trace as an ASCII sequence diagram. Two lifelines, I
 * and R, virtual time down the left, one arrow per packet on the row of
 * its send time; what became of the packet (dropped, discarded and why,
 * delayed, still in flight) is written to the right of R. State changes
 * and give-ups are marked on the lifeline of their peer. At most 80
 * columns: long notes wrap onto rows of their own.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define LD_TIME_W	9	/* "165060 ms" */
#define LD_I		11	/* column of I's lifeline */
#define LD_R		46	/* column of R's lifeline */
#define LD_NOTE		49	/* notes start here */
#define LD_WIDTH	80
#define LD_NOTE_W	(LD_WIDTH - LD_NOTE)

/* What became of one packet, as trace event indexes (-1: none). */
struct ld_fate {
	long	deliver;
	long	drop;
	long	discard;
	long	delay;
	long	swap;
	long	corrupt;
	long	notify;
};

/* A row being drawn: LD_WIDTH characters plus NUL. */
struct ld_row {
	char	c[LD_WIDTH + 1];
};

static void
row_init(struct ld_row *r, const char *time)
{
	memset(r->c, ' ', LD_WIDTH);
	r->c[LD_WIDTH] = '\0';
	if (time != NULL)
		memcpy(r->c + LD_TIME_W - strlen(time), time, strlen(time));
	r->c[LD_I] = '|';
	r->c[LD_R] = '|';
}

/* Copy S into the row at column AT, never past END. */
static void
row_put(struct ld_row *r, int at, int end, const char *s)
{
	for (; *s != '\0' && at < end; at++, s++)
		r->c[at] = (unsigned char)*s < 0x20 ? '?' : *s;
}

/* Print the row without trailing blanks. */
static void
row_out(FILE *f, struct ld_row *r)
{
	int	n = LD_WIDTH;

	while (n > 0 && r->c[n - 1] == ' ')
		n--;
	fprintf(f, "%.*s\n", n, r->c);
}

/*
 * Print ROW with NOTE on its right, wrapping the note at blanks onto
 * rows that only carry the lifelines.
 */
static void
row_out_note(FILE *f, struct ld_row *r, const char *note)
{
	size_t	len, cut;

	for (;;) {
		len = strlen(note);
		cut = len;
		if (len > LD_NOTE_W) {
			cut = LD_NOTE_W;
			while (cut > 0 && note[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = LD_NOTE_W;
		}
		memset(r->c + LD_NOTE, ' ', LD_NOTE_W);
		memcpy(r->c + LD_NOTE, note, cut);
		for (size_t k = 0; k < cut; k++)
			if ((unsigned char)r->c[LD_NOTE + k] < 0x20)
				r->c[LD_NOTE + k] = '?';
		row_out(f, r);
		note += cut;
		while (*note == ' ')
			note++;
		if (*note == '\0')
			return;
		row_init(r, NULL);
	}
}

/* Append ", TEXT" (or TEXT) to NOTE. */
static void
note_add(char *note, size_t len, const char *text)
{
	size_t	n = strlen(note);

	snprintf(note + n, len - n, "%s%s", n > 0 ? "; " : "", text);
}

/* Draw the arrow of packet PK, from its sender's lifeline. */
static void
draw_arrow(struct ld_row *r, const struct pkt *pk, bool lost, bool flying)
{
	char	text[48];
	int	k, end, len;

	snprintf(text, sizeof(text), " %s #%d ", pk->label, pk->num);
	len = (int)strlen(text);
	if (pk->from == PEER_I) {
		end = lost ? LD_I + 23 : flying ? LD_I + 20 : LD_R - 1;
		for (k = LD_I + 1; k < end; k++)
			r->c[k] = '-';
		r->c[end] = lost ? 'X' : flying ? ' ' : '>';
		if (flying)
			row_put(r, end, LD_R, " ...");
		row_put(r, LD_I + 3, end, text);
	} else {
		end = lost ? LD_R - 23 : flying ? LD_R - 20 : LD_I + 1;
		for (k = end + 1; k < LD_R; k++)
			r->c[k] = '-';
		r->c[end] = lost ? 'X' : flying ? ' ' : '<';
		if (flying)
			row_put(r, end - 3, end, "...");
		if (LD_R - 2 - len > end)
			row_put(r, LD_R - 2 - len, LD_R - 2, text);
		else
			row_put(r, end + 1, LD_R, text);
	}
}

/* The note of a packet row: how it was sent, and what became of it. */
static void
packet_note(const struct sess *s, const struct tr_event *sev,
    const struct pkt *pk, const struct ld_fate *fa, char *note,
    size_t len)
{
	const struct tr_event	*ev;
	char			 t[TR_TEXT_LEN + 48];

	note[0] = '\0';
	if (fa->notify >= 0) {
		const char	*nn;

		ev = &s->trace.ev[fa->notify];
		if ((nn = ike_notify_name(ev->notify)) != NULL)
			snprintf(t, sizeof(t), "notify %s", nn);
		else
			snprintf(t, sizeof(t), "notify %u", ev->notify);
		note_add(note, len, t);
	}
	if (sev->kind == TR_RESEND) {
		if (sev->try_no > 0)
			snprintf(t, sizeof(t), "resend, try %d", sev->try_no);
		else
			snprintf(t, sizeof(t), "resend (reply to a duplicate)");
		note_add(note, len, t);
	}
	if (pk->copy_of > 0) {
		snprintf(t, sizeof(t), "copy of #%d", pk->copy_of);
		note_add(note, len, t);
	}
	if (pk->injected)
		note_add(note, len, "injected");
	if (fa->corrupt >= 0) {
		ev = &s->trace.ev[fa->corrupt];
		snprintf(t, sizeof(t), "corrupted at byte %ld", ev->off);
		note_add(note, len, t);
	}
	if (fa->swap >= 0) {
		snprintf(t, sizeof(t), "swapped");
		note_add(note, len, t);
	}
	if (fa->delay >= 0) {
		snprintf(t, sizeof(t), "delayed to %" PRIu64 " ms",
		    s->trace.ev[fa->delay].due_ms);
		note_add(note, len, t);
	}
	if (fa->drop >= 0) {
		ev = &s->trace.ev[fa->drop];
		snprintf(t, sizeof(t), "dropped%s%s", ev->reason[0] != '\0' ?
		    ": " : "", ev->reason);
		note_add(note, len, t);
	} else if (fa->deliver < 0) {
		snprintf(t, sizeof(t), "in flight, due %" PRIu64 " ms",
		    pk->due_ms);
		note_add(note, len, t);
	} else if ((fa->delay >= 0 && s->trace.ev[fa->delay].due_ms !=
	    s->trace.ev[fa->deliver].t_ms) || fa->swap >= 0 ||
	    s->trace.ev[fa->deliver].reason[0] != '\0') {
		/* When it came other than planned (a delay says when). */
		snprintf(t, sizeof(t), "arrives %" PRIu64 " ms",
		    s->trace.ev[fa->deliver].t_ms);
		note_add(note, len, t);
	}
	if (fa->discard >= 0) {
		ev = &s->trace.ev[fa->discard];
		snprintf(t, sizeof(t), "discarded: %s",
		    ev->reason);
		note_add(note, len, t);
	}
}

/* Collect the fate of every packet from the trace. */
static struct ld_fate *
collect(const struct sess *s)
{
	struct ld_fate		*fa;
	const struct tr_event	*ev;
	size_t			 k;

	if ((fa = calloc(s->npkt + 1, sizeof(*fa))) == NULL)
		return NULL;
	for (k = 0; k <= s->npkt; k++)
		fa[k].deliver = fa[k].drop = fa[k].discard = fa[k].delay =
		    fa[k].swap = fa[k].corrupt = fa[k].notify = -1;
	for (k = 0; k < s->trace.n; k++) {
		ev = &s->trace.ev[k];
		if (ev->pkt <= 0 || (size_t)ev->pkt > s->npkt)
			continue;
		switch (ev->kind) {
		case TR_DELIVER:
			fa[ev->pkt].deliver = (long)k;
			break;
		case TR_DROP:
			fa[ev->pkt].drop = (long)k;
			break;
		case TR_DISCARD:
			fa[ev->pkt].discard = (long)k;
			break;
		case TR_DELAY:
			fa[ev->pkt].delay = (long)k;
			break;
		case TR_SWAP:
			fa[ev->pkt].swap = (long)k;
			if (ev->other > 0 && (size_t)ev->other <= s->npkt)
				fa[ev->other].swap = (long)k;
			break;
		case TR_CORRUPT:
			fa[ev->pkt].corrupt = (long)k;
			break;
		case TR_NOTIFY:
			if (fa[ev->pkt].notify < 0)
				fa[ev->pkt].notify = (long)k;
			break;
		default:
			break;
		}
	}
	return fa;
}

/* A mark on a peer's lifeline: "* TEXT". */
static void
draw_mark(struct ld_row *r, char peer, const char *text)
{
	int	len = (int)strlen(text);

	if (peer == 'i') {
		r->c[LD_I] = '*';
		row_put(r, LD_I + 2, LD_R - 1, text);
	} else {
		r->c[LD_R] = '*';
		row_put(r, len < LD_R - LD_I - 3 ? LD_R - 2 - len : LD_I + 2,
		    LD_R - 1, text);
	}
}

void
cli_ladder(FILE *f, const struct sess *s)
{
	const struct tr_event	*ev;
	const struct pkt	*pk;
	struct ld_fate		*fa;
	struct ld_row		 r;
	char			 time[24], note[512], mark[48];
	uint64_t		 last = UINT64_MAX;
	size_t			 k;

	if (s->trace.n == 0) {
		fprintf(f, "nothing has happened yet (try 'start')\n");
		return;
	}
	if ((fa = collect(s)) == NULL) {
		fprintf(f, "out of memory\n");
		return;
	}
	row_init(&r, "time");
	r.c[LD_I] = 'I';
	r.c[LD_R] = 'R';
	row_out(f, &r);
	for (k = 0; k < s->trace.n; k++) {
		ev = &s->trace.ev[k];
		snprintf(time, sizeof(time), "%" PRIu64 " ms", ev->t_ms);
		switch (ev->kind) {
		case TR_SEND:
		case TR_RESEND:
		case TR_DUP:
		case TR_INJECT:
			if ((pk = sess_pkt_c(s, ev->pkt)) == NULL)
				continue;
			row_init(&r, ev->t_ms != last ? time : NULL);
			draw_arrow(&r, pk, fa[pk->num].drop >= 0,
			    fa[pk->num].drop < 0 && fa[pk->num].deliver < 0);
			packet_note(s, ev, pk, &fa[pk->num], note,
			    sizeof(note));
			break;
		case TR_STATE:
			row_init(&r, ev->t_ms != last ? time : NULL);
			draw_mark(&r, ev->peer, trace_state_mark(ev, mark,
			    sizeof(mark)));
			note[0] = '\0';
			if (strcmp(ev->to, "FAILED") == 0 ||
			    strcmp(ev->to, "DELETED") == 0)
				snprintf(note, sizeof(note), "%s", ev->reason);
			break;
		case TR_GIVE_UP:
		case TR_RESTART:
			row_init(&r, ev->t_ms != last ? time : NULL);
			draw_mark(&r, ev->peer, ev->kind == TR_GIVE_UP ?
			    "gives up" : "starts again");
			snprintf(note, sizeof(note), "%s", ev->reason);
			break;
		default:
			continue;
		}
		last = ev->t_ms;
		if (note[0] != '\0')
			row_out_note(f, &r, note);
		else
			row_out(f, &r);
	}
	free(fa);
}
