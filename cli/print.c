/*
 * print.c: the text forms of the session: trace lines (`log`, and what
 * `ikelab -f` prints as it goes), packets in flight, timers, peer
 * state, packet decodes, keys, settings and rules. Output depends only
 * on the session, never on the wall clock, so transcripts are stable.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "esp.h"

/*
 * Per event kind: its name in `log` lines (at most 8 characters, so
 * the columns stay fixed; the JSON name is trace_kind_name) and the
 * fields that apply to it.
 */
static const struct {
	const char	*text;
	unsigned int	 fields;
} ev_info[TR_NKINDS] = {
	[TR_SEND] = { "send", CF_DUE },
	[TR_RESEND] = { "resend", CF_TRY | CF_DUE },
	[TR_DELIVER] = { "deliver", 0 },
	[TR_DROP] = { "drop", 0 },
	[TR_DELAY] = { "delay", CF_DUE },
	[TR_DUP] = { "dup", CF_COPY | CF_DUE },
	[TR_SWAP] = { "swap", CF_SWAP | CF_DUE },
	[TR_CORRUPT] = { "corrupt", CF_CORRUPT },
	[TR_INJECT] = { "inject", CF_DUE },
	[TR_RULE_MATCH] = { "rule", CF_RULE },
	[TR_DISCARD] = { "discard", CF_MSGID },
	[TR_FRAGMENT] = { "fragment", 0 },
	[TR_REASSEMBLE] = { "reassem", 0 },
	[TR_STATE] = { "state", CF_STATE | CF_MSGID },
	[TR_TIMER_ARMED] = { "armed", CF_TRY | CF_DUE },
	[TR_TIMER_FIRED] = { "fired", CF_TRY },
	[TR_TIMER_CANCELLED] = { "cancel", CF_TRY },
	[TR_GIVE_UP] = { "give_up", CF_TRY },
	[TR_NOTIFY] = { "notify", CF_NOTIFY | CF_MSGID | CF_SPI },
	[TR_SA_UP] = { "sa_up", CF_MSGID | CF_SPI },
	[TR_SA_DELETED] = { "sa_del", CF_MSGID | CF_SPI },
	[TR_RESTART] = { "restart", 0 },
	[TR_KEYS] = { "keys", CF_MSGID | CF_SPI },
	[TR_ESP] = { "esp", CF_SPI },
};

unsigned int
cli_event_fields(enum tr_kind kind)
{
	if ((unsigned int)kind >= TR_NKINDS)
		return 0;
	return ev_info[kind].fields;
}

void
cli_fmt_dur(uint64_t ms, char *out, size_t len)
{
	if (ms >= 1000 && ms % 1000 == 0)
		snprintf(out, len, "%" PRIu64 " s", ms / 1000);
	else
		snprintf(out, len, "%" PRIu64 " ms", ms);
}

void
cli_put_escaped(FILE *f, const char *s, size_t n, bool keep_nl)
{
	size_t		k;
	unsigned char	c;

	for (k = 0; k < n; k++) {
		c = (unsigned char)s[k];
		if ((c == '\n' && keep_nl) || (c >= 0x20 && c < 0x7f) ||
		    c >= 0x80)
			fputc(c, f);
		else if (c == '\\')
			fputs("\\\\", f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

/* Append to OUT (of LEN) at *O, never past the end. */
static void
app(char *out, size_t len, size_t *o, const char *fmt, ...)
    IKE_PRINTF(4, 5);

static void
app(char *out, size_t len, size_t *o, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (*o >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *o, len - *o, fmt, ap);
	va_end(ap);
	if (n > 0)
		*o += (size_t)n < len - *o ? (size_t)n : len - *o - 1;
}

/* Append one more part of a `log` line after the separator *SEP. */
static void
part(char *out, size_t len, size_t *o, const char **sep, const char *fmt,
    ...) IKE_PRINTF(5, 6);

static void
part(char *out, size_t len, size_t *o, const char **sep, const char *fmt,
    ...)
{
	va_list	ap;
	int	n;

	app(out, len, o, "%s", *sep);
	*sep = "  ";
	if (*o >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *o, len - *o, fmt, ap);
	va_end(ap);
	if (n > 0)
		*o += (size_t)n < len - *o ? (size_t)n : len - *o - 1;
}

/*
 * One `log` line:
 *   "%6 ms  P  KIND     #N   LABEL  details  reason"
 * time right-aligned in 6, peer letter, kind left-aligned in 8, the
 * packet number in 4 (blank when none); then the label and the fields
 * that apply, separated by two blanks. A state event reads
 * "TO (from FROM): reason".
 */
void
cli_fmt_event(const struct tr_event *ev, char *out, size_t len)
{
	unsigned int	 f = cli_event_fields(ev->kind);
	const char	*kind = (unsigned int)ev->kind < TR_NKINDS ?
	    ev_info[ev->kind].text : "?";
	const char	*nn;
	char		 pkt[16] = "";
	const char	*sep;
	size_t		 o = 0;

	if (ev->pkt > 0)
		snprintf(pkt, sizeof(pkt), "#%d", ev->pkt);
	app(out, len, &o, "%6" PRIu64 " ms  %c  %-8s %-4s", ev->t_ms,
	    ev->peer != '\0' ? ev->peer : '-', kind, pkt);
	/* The first part follows the packet column after one blank, the
	 * others are two blanks apart. */
	sep = " ";
	if (ev->label[0] != '\0') {
		app(out, len, &o, "%s%s", sep, ev->label);
		sep = "  ";
	}
	if (f & CF_STATE) {
		app(out, len, &o, "%s%s (from %s)", sep, ev->to, ev->from);
		sep = "  ";
	}
	if ((f & CF_TRY) && ev->try_no > 0)
		part(out, len, &o, &sep, "try %d", ev->try_no);
	if (f & CF_DUE)
		part(out, len, &o, &sep, "due %" PRIu64 " ms", ev->due_ms);
	if (f & CF_COPY)
		part(out, len, &o, &sep, "copy of #%d", ev->copy_of);
	if (f & CF_SWAP)
		part(out, len, &o, &sep, "with #%d", ev->other);
	if ((f & CF_RULE) && strncmp(ev->reason, "rule ", 5) != 0)
		part(out, len, &o, &sep, "rule %d", ev->other);
	if ((f & CF_CORRUPT) && ev->off >= 0) {
		if (ev->bit >= 0)
			part(out, len, &o, &sep, "byte %ld bit %d: 0x%02x -> 0x%02x", ev->off,
			    ev->bit, ev->was, ev->now);
		else
			part(out, len, &o, &sep, "byte %ld: 0x%02x -> 0x%02x", ev->off, ev->was,
			    ev->now);
	}
	if ((f & CF_MSGID) && ev->msgid != 0)
		part(out, len, &o, &sep, "msgid 0x%08" PRIx32, ev->msgid);
	if (f & CF_NOTIFY) {
		if ((nn = ike_notify_name(ev->notify)) != NULL)
			part(out, len, &o, &sep, "%s", nn);
		else
			part(out, len, &o, &sep, "notify %u", ev->notify);
	}
	if ((f & CF_SPI) && ev->spi != 0)
		part(out, len, &o, &sep, "spi 0x%08" PRIx32, ev->spi);
	if (ev->reason[0] != '\0')
		app(out, len, &o, "%s%s", (f & CF_STATE) ? ": " : sep,
		    ev->reason);
	/* Columns padded for an absent packet/label leave trailing blanks. */
	while (o > 0 && out[o - 1] == ' ')
		out[--o] = '\0';
}

/* Print event EV as one escaped line (reasons may quote packet text). */
static void
put_event(FILE *f, const struct tr_event *ev)
{
	char	line[TR_TEXT_LEN + 256];

	cli_fmt_event(ev, line, sizeof(line));
	cli_put_escaped(f, line, strlen(line), false);
	fputc('\n', f);
}

void
cli_print_new(struct cli *cli)
{
	const struct sess	*s = cli->s;

	if (s == NULL)
		return;
	if (cli->shown > s->trace.n || cli->trace_off)
		cli->shown = s->trace.n;
	for (; cli->shown < s->trace.n; cli->shown++)
		put_event(cli->tty, &s->trace.ev[cli->shown]);
}

void
cli_print_log(struct cli *cli)
{
	const struct sess	*s = cli->s;
	size_t			 k;

	if (s->trace.n == 0) {
		fprintf(cli->out, "the trace is empty (try 'start')\n");
		return;
	}
	for (k = 0; k < s->trace.n; k++)
		put_event(cli->out, &s->trace.ev[k]);
}

static const char *
dir_name(int from)
{
	return from == PEER_I ? "i>r" : "r>i";
}

/* Packets in flight, in the order they will be delivered. */
void
cli_print_wire(struct cli *cli)
{
	const struct sess	*s = cli->s;
	const struct pkt	*pk, *best, *last = NULL;
	char			 sent[24], due[24];
	size_t			 k, shown = 0;

	/* Selection by (due, late, seq) after the last one printed. */
	for (;;) {
		best = NULL;
		for (k = 0; k < s->npkt; k++) {
			pk = &s->pkts[k];
			if (pk->st != PKT_INFLIGHT)
				continue;
			if (last != NULL && (pk->due_ms < last->due_ms ||
			    (pk->due_ms == last->due_ms &&
			    (pk->late < last->late || (pk->late == last->late
			    && pk->seq <= last->seq)))))
				continue;
			if (best == NULL || pk->due_ms < best->due_ms ||
			    (pk->due_ms == best->due_ms &&
			    (pk->late < best->late || (pk->late == best->late
			    && pk->seq < best->seq))))
				best = pk;
		}
		if (best == NULL)
			break;
		if (shown++ == 0)
			fprintf(cli->out, "%5s  %-10s %-4s %10s %10s %6s  %s\n",
			    "#", "label", "dir", "sent", "due", "bytes",
			    "flags");
		snprintf(sent, sizeof(sent), "%" PRIu64 " ms", best->sent_ms);
		snprintf(due, sizeof(due), "%" PRIu64 " ms", best->due_ms);
		fprintf(cli->out, "%5d  %-10s %-4s %10s %10s %6zu ", best->num,
		    best->label, dir_name(best->from), sent, due,
		    best->bytes.len);
		if (best->copy_of > 0)
			fprintf(cli->out, " copy of #%d", best->copy_of);
		if (best->resend)
			fprintf(cli->out, " resend");
		if (best->corrupted)
			fprintf(cli->out, " corrupted");
		if (best->injected)
			fprintf(cli->out, " injected");
		fputc('\n', cli->out);
		last = best;
	}
	if (shown == 0)
		fprintf(cli->out, "no packets in flight\n");
}

/* One timer line, if T is armed. */
static bool
print_timer(struct cli *cli, const struct peer *p, const struct timer *t,
    const char *xchg, bool first)
{
	const struct rtx_policy	*rp = &p->cfg.rtx;
	uint64_t		 now = cli->s->now_ms;
	char			 next[48], due[24], in[24];

	if (!t->armed)
		return false;
	if (first)
		fprintf(cli->out, "%-4s %-12s %-8s %-18s %10s %10s\n", "peer",
		    "exchange", "resends", "then", "due", "in");
	if (sess_timer_exhausted(p, t))
		snprintf(next, sizeof(next), "give up");
	else
		snprintf(next, sizeof(next), "resend %u of %u", t->tries + 1,
		    rp->tries);
	snprintf(due, sizeof(due), "%" PRIu64 " ms", t->due_ms);
	snprintf(in, sizeof(in), "%" PRIu64 " ms",
	    t->due_ms > now ? t->due_ms - now : 0);
	fprintf(cli->out, "%-4c %-12s %-8s %-18s %10s %10s\n", p->name, xchg,
	    t->what, next, due, in);
	return true;
}

void
cli_print_timers(struct cli *cli)
{
	const struct peer	*p;
	char			 x[24];
	bool			 any = false;
	size_t			 k;
	int			 i;

	for (i = PEER_I; i <= PEER_R; i++) {
		p = &cli->s->peer[i];
		if (print_timer(cli, p, &p->p1.tm, "phase 1", !any))
			any = true;
		for (k = 0; k < p->nqm; k++) {
			snprintf(x, sizeof(x), "quick mode %d", p->qm[k].inst);
			if (print_timer(cli, p, &p->qm[k].tm, x, !any))
				any = true;
		}
	}
	if (!any)
		fprintf(cli->out, "no timers armed\n");
}

static void
put_hex(FILE *f, const uint8_t *p, size_t n)
{
	size_t	k;

	for (k = 0; k < n; k++)
		fprintf(f, "%02x", p[k]);
}

/* "AES-128-CBC, HMAC-SHA1, MODP group 14, PSK". */
static void
fmt_p1(const struct p1_prop *pp, char *out, size_t len)
{
	const char	*enc = pp->enc == IKE_ENC_AES ? "AES" :
	    pp->enc == IKE_ENC_3DES ? "3DES" : pp->enc == IKE_ENC_DES ?
	    "DES" : "?";
	const char	*hash = pp->hash == IKE_HASH_MD5 ? "MD5" :
	    pp->hash == IKE_HASH_SHA1 ? "SHA1" : pp->hash == IKE_HASH_SHA256 ?
	    "SHA2-256" : "?";
	char		 kl[12] = "";

	if (pp->keylen != 0)
		snprintf(kl, sizeof(kl), "-%u", pp->keylen);
	snprintf(out, len, "%s%s-CBC, HMAC-%s, MODP group %u, %s", enc, kl,
	    hash, pp->group, pp->auth == IKE_AUTH_PSK ? "PSK" : "auth ?");
}

/* "ESP AES-128-CBC, HMAC-SHA1-96, tunnel, no PFS". */
static void
fmt_p2(const struct p2_prop *pp, char *out, size_t len)
{
	const char	*enc = pp->esp_id == IKE_ESP_AES ? "AES" :
	    pp->esp_id == IKE_ESP_3DES ? "3DES" : "?";
	const char	*auth = pp->auth == IKE_ESP_AUTH_MD5 ? "HMAC-MD5-96" :
	    pp->auth == IKE_ESP_AUTH_SHA1 ? "HMAC-SHA1-96" :
	    pp->auth == IKE_ESP_AUTH_SHA256 ? "HMAC-SHA2-256-128" : "?";
	char		 kl[12] = "", pfs[24] = "no PFS";

	if (pp->keylen != 0)
		snprintf(kl, sizeof(kl), "-%u", pp->keylen);
	if (pp->group != 0)
		snprintf(pfs, sizeof(pfs), "PFS group %u", pp->group);
	snprintf(out, len, "ESP %s%s-CBC, %s, %s, %s", enc, kl, auth,
	    pp->encap == IKE_ENCAP_TRANSPORT ? "transport" : "tunnel", pfs);
}

static void
print_peer_state(struct cli *cli, const struct peer *p)
{
	const struct p1sa	*sa = &p->p1;
	FILE			*f = cli->out;
	const struct qmx	*q;
	char			 t[96];
	size_t			 k;

	fprintf(f, "%c (%s)  phase 1: %s\n", p->name,
	    p->name == 'i' ? "initiator" : "responder",
	    sess_p1_state_name(sa->st));
	fprintf(f, "  cookies   i ");
	put_hex(f, sa->icookie, IKE_COOKIE_LEN);
	fprintf(f, "  r ");
	put_hex(f, sa->rcookie, IKE_COOKIE_LEN);
	fputc('\n', f);
	if (sa->st == AM_I_DONE || sa->st == AM_R_DONE || sa->st ==
	    AM_R_SENT2 || sa->chosen.enc != 0) {
		fmt_p1(&sa->chosen, t, sizeof(t));
		fprintf(f, "  proposal  %s\n", t);
	}
	if (sa->tm.armed)
		fprintf(f, "  timer     resends %s at %" PRIu64 " ms\n",
		    sa->tm.what, sa->tm.due_ms);
	if (p->last[0] != '\0') {
		fprintf(f, "  last      ");
		cli_put_escaped(f, p->last, strlen(p->last), false);
		fputc('\n', f);
	}
	for (k = 0; k < p->nqm; k++) {
		q = &p->qm[k];
		fprintf(f, "  quick mode %d: msgid 0x%08" PRIx32 "  %s  spi i "
		    "0x%08" PRIx32 "  r 0x%08" PRIx32 "\n", q->inst, q->msgid,
		    sess_qm_state_name(q->st), q->spi_i, q->spi_r);
		if (q->chosen.esp_id != 0) {
			fmt_p2(&q->chosen, t, sizeof(t));
			fprintf(f, "    proposal  %s\n", t);
		}
		if (q->tm.armed)
			fprintf(f, "    timer     resends %s at %" PRIu64
			    " ms\n", q->tm.what, q->tm.due_ms);
	}
	if (p->queued.len > 0)
		fprintf(f, "  queued    one early Quick Mode message (%zu "
		    "bytes)\n", p->queued.len);
}

void
cli_print_state(struct cli *cli, int peer)
{
	fprintf(cli->out, "clock %" PRIu64 " ms\n", cli->s->now_ms);
	if (peer != PEER_R)
		print_peer_state(cli, &cli->s->peer[PEER_I]);
	if (peer != PEER_I)
		print_peer_state(cli, &cli->s->peer[PEER_R]);
}

/* Text from a buffer the codec filled (may quote packet bytes). */
static void
put_buf(FILE *f, const struct buf *b)
{
	cli_put_escaped(f, (const char *)b->p, b->len, true);
	if (b->len > 0 && b->p[b->len - 1] != '\n')
		fputc('\n', f);
}

int
cli_print_show(struct cli *cli, int n)
{
	const struct pkt	*pk = sess_pkt_c(cli->s, n);
	struct buf		 out = { 0 };
	FILE			*f = cli->out;

	if (pk == NULL)
		return IKE_ENOENT;
	fprintf(f, "packet #%d  %s  %s  %zu bytes", pk->num, pk->label,
	    dir_name(pk->from), pk->bytes.len);
	if (pk->copy_of > 0)
		fprintf(f, "  copy of #%d", pk->copy_of);
	if (pk->resend)
		fprintf(f, "  resend");
	if (pk->injected)
		fprintf(f, "  injected");
	if (pk->corrupted)
		fprintf(f, "  corrupted");
	fprintf(f, "\n  sent %" PRIu64 " ms, due %" PRIu64 " ms, %s\n",
	    pk->sent_ms, pk->due_ms, pk->st == PKT_INFLIGHT ? "in flight" :
	    pk->st == PKT_DROPPED ? "dropped" : "delivered");
	if (pk->note[0] != '\0') {
		fprintf(f, "  note: ");
		cli_put_escaped(f, pk->note, strlen(pk->note), false);
		fputc('\n', f);
	}
	if (pk->plain.len > 0 && pk->plain_by_sender)
		fprintf(f, "  (the body as the sender encrypted it; the "
		    "receiver has not decrypted this copy)\n");
	else if (pk->plain.len > 0)
		fprintf(f, "  (decrypted with the receiver's keys)\n");
	if (pk->is_esp)
		(void)esp_dump(pk->bytes.p, pk->bytes.len, 0, 0, NULL, 0,
		    &out);
	else
		(void)pld_dump(pk->bytes.p, pk->bytes.len,
		    pk->plain.len > 0 ? pk->plain.p : NULL, pk->plain.len,
		    &out);
	put_buf(f, &out);
	buf_free(&out);
	(void)pld_hexdump(pk->bytes.p, pk->bytes.len, 0, &out);
	put_buf(f, &out);
	buf_free(&out);
	return 0;
}

/* NAME and N bytes of hex, 32 bytes a line under a 12-column label. */
static void
put_key(FILE *f, const char *name, const uint8_t *p, size_t n)
{
	size_t	k;

	fprintf(f, "  %-10s", name);
	if (n == 0)
		fprintf(f, "-");
	for (k = 0; k < n; k += 32) {
		if (k > 0)
			fprintf(f, "\n  %-10s", "");
		put_hex(f, p + k, n - k < 32 ? n - k : 32);
	}
	fputc('\n', f);
}

static void
print_peer_keys(struct cli *cli, const struct peer *p)
{
	const struct p1sa	*sa = &p->p1;
	const struct p1_keys	*k = &sa->keys;
	const struct qmx	*q;
	FILE			*f = cli->out;
	char			 t[48];
	size_t			 j;

	fprintf(f, "%c (%s)\n", p->name, p->name == 'i' ? "initiator" :
	    "responder");
	if (!sa->has_keys) {
		fprintf(f, "  no phase 1 keys yet\n");
		return;
	}
	put_key(f, "g^xy", sa->gxy, sa->glen);
	put_key(f, "SKEYID", k->skeyid, k->hlen);
	put_key(f, "SKEYID_d", k->skeyid_d, k->hlen);
	put_key(f, "SKEYID_a", k->skeyid_a, k->hlen);
	put_key(f, "SKEYID_e", k->skeyid_e, k->hlen);
	put_key(f, "Ka", k->ka, k->klen);
	put_key(f, "IV0", k->iv0, k->blen);
	for (j = 0; j < p->nqm; j++) {
		q = &p->qm[j];
		if (q->keymat_ir.len == 0 && q->keymat_ri.len == 0)
			continue;
		fprintf(f, "  quick mode %d, msgid 0x%08" PRIx32 "\n", q->inst,
		    q->msgid);
		snprintf(t, sizeof(t), "KEYMAT i>r (spi 0x%08" PRIx32 ")",
		    q->spi_r);
		fprintf(f, "    %s\n", t);
		put_key(f, "", q->keymat_ir.p, q->keymat_ir.len);
		snprintf(t, sizeof(t), "KEYMAT r>i (spi 0x%08" PRIx32 ")",
		    q->spi_i);
		fprintf(f, "    %s\n", t);
		put_key(f, "", q->keymat_ri.p, q->keymat_ri.len);
	}
}

void
cli_print_keys(struct cli *cli, int peer)
{
	if (peer != PEER_R)
		print_peer_keys(cli, &cli->s->peer[PEER_I]);
	if (peer != PEER_I)
		print_peer_keys(cli, &cli->s->peer[PEER_R]);
}

void
cli_print_config(struct cli *cli, int peer)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	char		v[2][160], h[24];
	const char	*o;
	size_t		k;
	int		p;

	if (peer < 0)
		fprintf(cli->out, "%-14s %-24s %s\n", "setting", "i", "r");
	else
		fprintf(cli->out, "%-14s %c\n", "setting", peer == PEER_I ?
		    'i' : 'r');
	for (k = 0; k < sess_nknobs; k++) {
		for (p = PEER_I; p <= PEER_R; p++) {
			if (sess_get(cli->s, p, sess_knobs[k].name, v[p],
			    sizeof(v[p]), &dg) < 0)
				snprintf(v[p], sizeof(v[p]), "?");
			/* Say where a value that is not the default came from. */
			o = sess_origin(cli->s, p, sess_knobs[k].name);
			if (*o != '\0')
				snprintf(v[p] + strlen(v[p]), sizeof(v[p]) -
				    strlen(v[p]), " (%s)", o);
		}
		fprintf(cli->out, "%-14s ", sess_knobs[k].name);
		if (peer < 0) {
			cli_put_escaped(cli->out, v[0], strlen(v[0]), false);
			fprintf(cli->out, "%*s ", strlen(v[0]) < 24 ?
			    (int)(24 - strlen(v[0])) : 0, "");
			cli_put_escaped(cli->out, v[1], strlen(v[1]), false);
		} else
			cli_put_escaped(cli->out, v[peer], strlen(v[peer]),
			    false);
		fputc('\n', cli->out);
	}
	/* As 'set horizon' takes it back: no blank before the unit. */
	if (cli->horizon_ms % 1000 == 0)
		snprintf(h, sizeof(h), "%" PRIu64 "s", cli->horizon_ms / 1000);
	else
		snprintf(h, sizeof(h), "%" PRIu64 "ms", cli->horizon_ms);
	fprintf(cli->out, "%-14s %s (session)\n", "horizon", h);
	fprintf(cli->out, "%-14s %" PRIu64 " (session)\n", "seed", cli->seed);
}

void
cli_print_rules(struct cli *cli)
{
	const struct rule	*r;
	size_t			 k;

	if (cli->s->nrules == 0) {
		fprintf(cli->out, "no rules (add one with 'rule')\n");
		return;
	}
	fprintf(cli->out, "%3s  %-40s %8s %6s\n", "id", "rule", "matched",
	    "acted");
	for (k = 0; k < cli->s->nrules; k++) {
		r = &cli->s->rules[k];
		fprintf(cli->out, "%3d  ", r->id);
		cli_put_escaped(cli->out, r->text, strlen(r->text), false);
		fprintf(cli->out, "%*s %8u %6u\n", strlen(r->text) < 40 ?
		    (int)(40 - strlen(r->text)) : 0, "", r->matched, r->fired);
	}
}

void
cli_put_wrapped(FILE *f, const char *text, int col, int width)
{
	size_t	room = (size_t)(width - col), len, cut;

	for (;;) {
		len = strlen(text);
		cut = len;
		if (len > room) {
			cut = room;
			while (cut > room / 2 && text[cut] != ' ')
				cut--;
			if (text[cut] != ' ')
				cut = room;
		}
		cli_put_escaped(f, text, cut, false);
		fputc('\n', f);
		text += cut;
		while (*text == ' ')
			text++;
		if (*text == '\0')
			return;
		fprintf(f, "%*s", col, "");
	}
}
