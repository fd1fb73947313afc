/*
 * sess.c: the simulated world around the two peers: virtual clock,
 * event queue, link (packets in flight and the faults done to them),
 * fault rules, retransmission timers and the trace.
 *
 * Order of events (DESIGN.md, "Exact semantics"): the next event is the
 * one with the smallest due time; at equal times deliveries come first
 * in the order the packets were sent, then timer expiries in the order
 * they were armed; an event created at its own due time goes after
 * every event that was already due then.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* The kinds of event in the queue. */
enum ev_class { EV_DELIVER = 0, EV_TIMER = 1 };

struct ev_ref {
	enum ev_class	 cls;
	uint64_t	 due;
	bool		 late;
	uint64_t	 seq;
	struct pkt	*pk;		/* EV_DELIVER */
	struct peer	*p;		/* EV_TIMER */
	struct timer	*t;
};

struct tr_event *
eng_event(struct sess *s, enum tr_kind kind, char peer, int pkt,
    const char *label)
{
	struct tr_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.t_ms = s->now_ms;
	ev.kind = kind;
	ev.peer = peer;
	ev.pkt = pkt;
	ev.off = -1;
	ev.bit = -1;
	if (label != NULL)
		snprintf(ev.label, sizeof(ev.label), "%s", label);
	if (trace_add(&s->trace, &ev) != IKE_OK)
		return NULL;
	return &s->trace.ev[s->trace.n - 1];
}

struct tr_event *
eng_eventf(struct sess *s, enum tr_kind kind, char peer, int pkt,
    const char *label, const char *fmt, ...)
{
	struct tr_event	*ev;
	va_list		 ap;

	if ((ev = eng_event(s, kind, peer, pkt, label)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(ev->reason, sizeof(ev->reason), fmt, ap);
	va_end(ap);
	return ev;
}

void
sess_label(char *out, const char *kind, int msg, int inst)
{
	if (msg > 0 && inst > 1)
		snprintf(out, TR_LABEL_LEN, "%s%d.%d", kind, msg, inst);
	else if (msg > 0)
		snprintf(out, TR_LABEL_LEN, "%s%d", kind, msg);
	else if (inst > 1)
		snprintf(out, TR_LABEL_LEN, "%s.%d", kind, inst);
	else
		snprintf(out, TR_LABEL_LEN, "%s", kind);
}

/*
 * Split a label into its message name ("AG2", "INFO"), and say whether
 * anything (instance or resend letter) follows it.
 */
static size_t
label_base_len(const char *l)
{
	size_t	n = 0;

	while (l[n] >= 'A' && l[n] <= 'Z')
		n++;
	while (l[n] >= '0' && l[n] <= '9')
		n++;
	return n;
}

bool
sess_label_matches(const char *sel, const char *label)
{
	size_t	n = label_base_len(sel), len = strlen(sel);

	if (sel[n] == '\0')
		return strncmp(sel, label, n) == 0 && label_base_len(label) == n;
	if (strcmp(sel, label) == 0)
		return true;
	/* "AG2b" also stands for its fragments, "AG2b[1/2]" only for one. */
	return strchr(sel, '[') == NULL && strncmp(sel, label, len) == 0 &&
	    label[len] == '[';
}

struct pkt *
sess_pkt(struct sess *s, int n)
{
	if (n < 1 || (size_t)n > s->npkt)
		return NULL;
	return &s->pkts[n - 1];
}

const struct pkt *
sess_pkt_c(const struct sess *s, int n)
{
	if (n < 1 || (size_t)n > s->npkt)
		return NULL;
	return &s->pkts[n - 1];
}

/* A new, numbered packet record (bytes copied), not yet in flight. */
static struct pkt *
pkt_new(struct sess *s, int from, const uint8_t *p, size_t len,
    const char *label)
{
	struct pkt	*pk, *np;
	size_t		 cap;

	if (s->npkt >= SESS_MAX_PKTS) {
		eng_eventf(s, TR_DROP, s->peer[from].name, 0, label,
		    "not sent: a session holds at most %d packets",
		    SESS_MAX_PKTS);
		return NULL;
	}
	if (s->npkt == s->cap_pkt) {
		cap = s->cap_pkt ? s->cap_pkt * 2 : 64;
		if ((np = realloc(s->pkts, cap * sizeof(*np))) == NULL)
			return NULL;
		s->pkts = np;
		s->cap_pkt = cap;
	}
	pk = &s->pkts[s->npkt];
	memset(pk, 0, sizeof(*pk));
	if (buf_set(&pk->bytes, p, len) != IKE_OK)
		return NULL;
	s->npkt++;
	pk->num = (int)s->npkt;
	pk->from = from;
	snprintf(pk->label, sizeof(pk->label), "%s", label);
	pk->sent_ms = s->now_ms;
	pk->due_ms = s->now_ms + s->peer[from].cfg.latency_ms;
	pk->seq = ++s->seq;
	pk->st = PKT_INFLIGHT;
	s->ninflight++;
	return pk;
}

/* Packet PK leaves the link (delivered or dropped). */
static void
pkt_settle(struct sess *s, struct pkt *pk, enum pkt_state st)
{
	if (pk->st == PKT_INFLIGHT && s->ninflight > 0)
		s->ninflight--;
	pk->st = st;
}

/* Flip one byte (BIT < 0: XOR 0xff) or one bit of a packet. */
static void
pkt_corrupt(struct sess *s, struct pkt *pk, long off, int bit,
    const char *why)
{
	struct tr_event	*ev;
	uint8_t		 was;

	if (pk->bytes.len == 0 || (off >= 0 && (size_t)off >= pk->bytes.len))
		return;
	if (off < 0)
		off = (long)(rng_u32(&s->rng_fault) % pk->bytes.len);
	was = pk->bytes.p[off];
	if (bit < 0)
		pk->bytes.p[off] ^= 0xff;
	else
		pk->bytes.p[off] ^= (uint8_t)(0x80 >> bit);
	pk->corrupted = true;
	ev = eng_eventf(s, TR_CORRUPT, s->peer[pk->from].name, pk->num,
	    pk->label, "%s", why);
	if (ev != NULL) {
		ev->off = off;
		ev->bit = bit;
		ev->was = was;
		ev->now = pk->bytes.p[off];
	}
}

static void
pkt_drop(struct sess *s, struct pkt *pk, const char *why)
{
	pkt_settle(s, pk, PKT_DROPPED);
	snprintf(pk->note, sizeof(pk->note), "%s", why);
	eng_eventf(s, TR_DROP, s->peer[pk->from].name, pk->num, pk->label,
	    "%s", why);
}

/*
 * The link carries at most SESS_MAX_INFLIGHT packets; a packet beyond
 * that is dropped as soon as it is sent, with that reason.
 */
static void
link_full(struct sess *s, struct pkt *pk)
{
	char	why[64];

	if (s->ninflight <= SESS_MAX_INFLIGHT)
		return;
	snprintf(why, sizeof(why), "the link holds at most %d packets in "
	    "flight", SESS_MAX_INFLIGHT);
	pkt_drop(s, pk, why);
}

/* A copy of PK made by the link now; it keeps PK's label. */
static struct pkt *
pkt_copy(struct sess *s, int n, const char *why)
{
	struct pkt	*pk, *cp;
	struct tr_event	*ev;
	char		 label[TR_LABEL_LEN];
	int		 from;

	pk = sess_pkt(s, n);
	from = pk->from;
	memcpy(label, pk->label, sizeof(label));
	/* pkt_new may move the array: use numbers, not pointers. */
	if ((cp = pkt_new(s, from, NULL, 0, label)) == NULL)
		return NULL;
	pk = sess_pkt(s, n);
	if (buf_copy(&cp->bytes, &pk->bytes) != IKE_OK)
		return NULL;
	cp->copy_of = n;
	cp->corrupted = pk->corrupted;
	if (buf_copy(&cp->plain, &pk->plain) == IKE_OK)
		cp->plain_by_sender = pk->plain_by_sender;
	cp->is_esp = pk->is_esp;
	cp->injected = pk->injected;
	ev = eng_eventf(s, TR_DUP, s->peer[from].name, cp->num, label,
	    "%s", why);
	if (ev != NULL) {
		ev->copy_of = n;
		ev->due_ms = cp->due_ms;
	}
	link_full(s, cp);
	return cp;
}

/* Does rule R select packet PK? */
static bool
rule_selects(const struct rule *r, const struct pkt *pk)
{
	if (r->sel[0] != '\0')
		return sess_label_matches(r->sel, pk->label);
	return r->dir < 0 || r->dir == pk->from;
}

static const char *const rule_act_names[] = {
	[RULE_DROP] = "drop", [RULE_DELAY] = "delay", [RULE_DUP] = "dup",
	[RULE_CORRUPT] = "corrupt",
};

/* Apply the armed rules to a packet that is being put on the link. */
static void
rules_apply(struct sess *s, int n)
{
	struct rule	*r;
	struct pkt	*pk;
	struct tr_event	*ev;
	char		 why[64];
	size_t		 k;

	for (k = 0; k < s->nrules; k++) {
		r = &s->rules[k];
		pk = sess_pkt(s, n);
		if (pk->st != PKT_INFLIGHT || !rule_selects(r, pk))
			continue;
		r->matched++;
		if (r->nth != 0 && r->matched != r->nth)
			continue;
		if (r->has_prob && rng_unit(&s->rng_fault) >= r->prob)
			continue;
		r->fired++;
		snprintf(why, sizeof(why), "rule %d", r->id);
		ev = eng_eventf(s, TR_RULE_MATCH, s->peer[pk->from].name,
		    pk->num, pk->label, "rule %d: %s", r->id, r->text);
		if (ev != NULL)
			ev->other = r->id;
		switch (r->act) {
		case RULE_DROP:
			pkt_drop(s, pk, why);
			break;
		case RULE_DELAY:
			pk->due_ms += r->delay_ms;
			ev = eng_eventf(s, TR_DELAY, s->peer[pk->from].name,
			    pk->num, pk->label, "%s", why);
			if (ev != NULL)
				ev->due_ms = pk->due_ms;
			break;
		case RULE_DUP:
			(void)pkt_copy(s, n, why);
			break;
		case RULE_CORRUPT:
			/* A rule's offset is fixed before packets exist. */
			if (r->off >= 0 && (size_t)r->off >= pk->bytes.len) {
				eng_eventf(s, TR_RULE_MATCH,
				    s->peer[pk->from].name, pk->num,
				    pk->label, "rule %d: offset %ld is past the "
				    "end (%zu bytes): nothing changed", r->id,
				    r->off, pk->bytes.len);
				break;
			}
			pkt_corrupt(s, pk, r->off, r->bit, why);
			break;
		}
	}
}

/*
 * Put BYTES on the link as a new packet (see eng_send). FRAG, when not
 * NULL, is the reason of the `fragment` event that follows the send or
 * resend event of an IKE fragment, before any rule acts on it.
 */
static int
link_put(struct sess *s, int from, const struct buf *bytes,
    const char *label, bool resend, int try_no, const char *why,
    const char *frag)
{
	struct pkt	*pk;
	struct tr_event	*ev;
	int		 n;

	if ((pk = pkt_new(s, from, bytes->p, bytes->len, label)) == NULL)
		return IKE_ELIMIT;
	pk->resend = resend;
	n = pk->num;
	/* A message just encrypted: remember its body for `show`. */
	if (s->sealed.len > 0 && pk->bytes.len == IKE_HDR_LEN +
	    s->sealed.len && (pk->bytes.p[19] & IKE_FLAG_ENC)) {
		if (buf_copy(&pk->plain, &s->sealed) == IKE_OK)
			pk->plain_by_sender = true;
	}
	s->sealed.len = 0;
	if (resend)
		ev = eng_eventf(s, TR_RESEND, s->peer[from].name, n, label,
		    "%s", why != NULL ? why : "");
	else
		ev = eng_eventf(s, TR_SEND, s->peer[from].name, n, label,
		    "%s", why != NULL ? why : "");
	if (ev != NULL) {
		ev->try_no = try_no;
		ev->due_ms = pk->due_ms;
	}
	if (frag != NULL)
		eng_eventf(s, TR_FRAGMENT, s->peer[from].name, n, label, "%s",
		    frag);
	link_full(s, sess_pkt(s, n));
	rules_apply(s, n);
	return n;
}

int
eng_send(struct sess *s, int from, const struct buf *bytes,
    const char *label, bool resend, int try_no, const char *why)
{
	return link_put(s, from, bytes, label, resend, try_no, why, NULL);
}

/*
 * Resend stored message M of peer FROM as NF IKE fragments of at most
 * MAX bytes (ikev1-reference.md 1.6): each is a packet of its own,
 * labelled LABEL[k/NF], with a resend event (TRY, WHY) and a fragment
 * event. Returns the number of the first fragment's packet.
 */
static int
resend_frags(struct sess *s, int from, struct stored_msg *m,
    const char *label, size_t nf, size_t max, int try_no, const char *why)
{
	struct buf	b = { 0 };
	char		fl[TR_LABEL_LEN], fwhy[TR_TEXT_LEN];
	uint8_t		idb[2];
	uint16_t	id;
	size_t		k, chunk = max - FRAG_HDR_LEN, part;
	int		n, first = 0;

	/*
	 * A fragment ID of its own stream, so that fragmenting changes no
	 * other value of the session. (libreswan always sends ID 1.)
	 */
	rng_nonzero(&s->rng_frag, idb, sizeof(idb));
	id = (uint16_t)(idb[0] << 8 | idb[1]);
	for (k = 1; k <= nf; k++) {
		if (frag_build(m->bytes.p, m->bytes.len, max, id, k, &b,
		    NULL) != IKE_OK) {
			first = first ? first : IKE_ENOMEM;
			break;
		}
		part = b.len - FRAG_HDR_LEN;
		snprintf(fl, sizeof(fl), "%s[%zu/%zu]", label, k, nf);
		snprintf(fwhy, sizeof(fwhy), "fragment %zu of %zu (ID %u): "
		    "%zu of %zu bytes from offset %zu", k, nf, id, part,
		    m->bytes.len, (k - 1) * chunk);
		n = link_put(s, from, &b, fl, true, try_no, why, fwhy);
		if (n < 0) {
			first = first ? first : n;
			break;
		}
		first = first ? first : n;
		m->seq = sess_pkt(s, n)->seq;
	}
	buf_free(&b);
	return first;
}

int
eng_resend(struct sess *s, int from, struct stored_msg *m, int try_no,
    const char *why)
{
	char	label[TR_LABEL_LEN], whole[TR_TEXT_LEN];
	size_t	max = s->peer[from].cfg.frag_resend, nf;
	int	n;

	m->resends++;
	if (m->resends <= 25)
		snprintf(label, sizeof(label), "%s%c", m->base,
		    'a' + (int)m->resends);
	else
		snprintf(label, sizeof(label), "%s~%u", m->base,
		    m->resends + 1);
	/* frag-resend: a resend of MAX bytes or more goes in fragments. */
	if (max > 0 && m->bytes.len >= max) {
		nf = frag_count(m->bytes.len, max);
		if (nf >= 1 && nf <= FRAG_MAX)
			return resend_frags(s, from, m, label, nf, max, try_no,
			    why);
		snprintf(whole, sizeof(whole), "%s%ssent whole: %zu fragments "
		    "of at most %zu bytes would be more than %d",
		    why != NULL ? why : "", why != NULL && why[0] != '\0' ?
		    "; " : "", nf, max, FRAG_MAX);
		why = whole;
	}
	(void)buf_copy(&s->sealed, &m->plain);
	n = eng_send(s, from, &m->bytes, label, true, try_no, why);
	if (n > 0)
		m->seq = sess_pkt(s, n)->seq;
	return n;
}

/*
 * Wait K (1-based) of policy P: T0 while k <= repeat + 1, then
 * T0 * factor^(k - 1 - repeat), truncated to ms, at most cap_ms.
 */
static uint32_t
rtx_wait(const struct rtx_policy *p, unsigned int k, struct rng *fault)
{
	double	w;

	if (k <= p->repeat + 1)
		w = p->t0_ms;
	else
		w = p->t0_ms * pow(p->factor, (double)(k - 1 - p->repeat));
	if (p->cap_ms > 0 && w > p->cap_ms)
		w = p->cap_ms;
	/* Jitter shortens a wait by up to jitter% (strongSwan's rule). */
	if (p->jitter > 0)
		w -= w * p->jitter / 100.0 * rng_unit(fault);
	if (w < 1)
		w = 1;
	if (w > 86400000.0)
		w = 86400000.0;
	return (uint32_t)w;
}

/* Arm T for its next wait and say so in the trace. */
static void
timer_arm(struct sess *s, struct peer *p, struct timer *t)
{
	struct tr_event	*ev;

	t->wait_ms = rtx_wait(&p->cfg.rtx, t->tries + 1, &s->rng_fault);
	t->waited_ms += t->wait_ms;
	t->due_ms = s->now_ms + t->wait_ms;
	t->seq = ++s->seq;
	t->armed = true;
	ev = eng_eventf(s, TR_TIMER_ARMED, p->name, 0, t->what,
	    "wait %u ms", t->wait_ms);
	if (ev != NULL) {
		ev->due_ms = t->due_ms;
		ev->try_no = (int)t->tries;
	}
}

void
eng_timer_start(struct sess *s, struct peer *p, struct timer *t,
    const struct stored_msg *m)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->what, sizeof(t->what), "%s", m->base);
	timer_arm(s, p, t);
}

void
eng_timer_at(struct sess *s, struct peer *p, struct timer *t, uint64_t due,
    const char *what, const char *why)
{
	struct tr_event	*ev;

	memset(t, 0, sizeof(*t));
	snprintf(t->what, sizeof(t->what), "%s", what);
	t->due_ms = due > s->now_ms ? due : s->now_ms + 1;
	t->seq = ++s->seq;
	t->armed = true;
	ev = eng_eventf(s, TR_TIMER_ARMED, p->name, 0, t->what, "%s", why);
	if (ev != NULL)
		ev->due_ms = t->due_ms;
}

void
eng_timer_cancel(struct sess *s, struct peer *p, struct timer *t,
    const char *why)
{
	struct tr_event	*ev;

	if (!t->armed)
		return;
	t->armed = false;
	ev = eng_eventf(s, TR_TIMER_CANCELLED, p->name, 0, t->what, "%s",
	    why);
	if (ev != NULL)
		ev->try_no = (int)t->tries;
}

/*
 * Timer T of peer P is due. Give up when the resends are exhausted or
 * the waits reached the policy's limit; otherwise ask the peer to
 * resend, count the try and arm the next wait.
 */
static void
timer_fire(struct sess *s, struct peer *p, struct timer *t)
{
	struct tr_event	*ev;

	t->armed = false;
	ev = eng_event(s, TR_TIMER_FIRED, p->name, 0, t->what);
	if (ev != NULL)
		ev->try_no = (int)t->tries;
	peer_timer(s, p, t);
}

void
eng_timer_rearm(struct sess *s, struct peer *p, struct timer *t)
{
	t->tries++;
	timer_arm(s, p, t);
}

bool
sess_timer_exhausted(const struct peer *p, const struct timer *t)
{
	const struct rtx_policy	*rp = &p->cfg.rtx;

	if (t->tries >= rp->tries)
		return true;
	return rp->limit_ms > 0 && t->waited_ms >= rp->limit_ms;
}

/* Is A before B in processing order? */
static bool
ev_before(const struct ev_ref *a, const struct ev_ref *b)
{
	if (a->due != b->due)
		return a->due < b->due;
	if (a->late != b->late)
		return !a->late;
	if (a->late)
		return a->seq < b->seq;
	if (a->cls != b->cls)
		return a->cls < b->cls;
	return a->seq < b->seq;
}

static void
ev_consider(struct ev_ref *best, bool *found, const struct ev_ref *c)
{
	if (!*found || ev_before(c, best)) {
		*best = *c;
		*found = true;
	}
}

static void
timers_consider(struct peer *p, struct ev_ref *best, bool *found)
{
	struct ev_ref	c;
	size_t		k;

	memset(&c, 0, sizeof(c));
	c.cls = EV_TIMER;
	c.p = p;
	if (p->p1.tm.armed) {
		c.t = &p->p1.tm;
		c.due = c.t->due_ms;
		c.seq = c.t->seq;
		ev_consider(best, found, &c);
	}
	if (p->p1.life.armed) {
		c.t = &p->p1.life;
		c.due = c.t->due_ms;
		c.seq = c.t->seq;
		ev_consider(best, found, &c);
	}
	for (k = 0; k < p->nqm; k++) {
		if (!p->qm[k].tm.armed)
			continue;
		c.t = &p->qm[k].tm;
		c.due = c.t->due_ms;
		c.seq = c.t->seq;
		ev_consider(best, found, &c);
	}
}

/* Find the next event; false if nothing is pending. */
static bool
next_event(struct sess *s, struct ev_ref *best)
{
	struct ev_ref	c;
	bool		found = false;
	size_t		k;

	memset(&c, 0, sizeof(c));
	c.cls = EV_DELIVER;
	for (k = 0; k < s->npkt; k++) {
		if (s->pkts[k].st != PKT_INFLIGHT)
			continue;
		c.pk = &s->pkts[k];
		c.due = c.pk->due_ms;
		c.late = c.pk->late;
		c.seq = c.pk->seq;
		ev_consider(best, &found, &c);
	}
	timers_consider(&s->peer[PEER_I], best, &found);
	timers_consider(&s->peer[PEER_R], best, &found);
	return found;
}

bool
sess_next(const struct sess *s, uint64_t *due_ms)
{
	struct ev_ref	e;

	/* next_event does not modify the session. */
	if (!next_event((struct sess *)(uintptr_t)s, &e))
		return false;
	*due_ms = e.due;
	return true;
}

/* Hand packet PK to its receiver now. */
static void
deliver(struct sess *s, struct pkt *pk, const char *why)
{
	struct peer	*to = &s->peer[1 - pk->from];
	int		 n = pk->num;

	pkt_settle(s, pk, PKT_DELIVERED);
	eng_eventf(s, TR_DELIVER, to->name == 'i' ? 'r' : 'i', n, pk->label,
	    "%s", why);
	peer_recv(s, to, sess_pkt(s, n));
}

int
sess_step(struct sess *s)
{
	struct ev_ref	e;

	if (!next_event(s, &e))
		return 0;
	if (e.due > s->now_ms)
		s->now_ms = e.due;
	if (e.cls == EV_DELIVER)
		deliver(s, e.pk, "");
	else
		timer_fire(s, e.p, e.t);
	return 1;
}

void
sess_tick(struct sess *s, uint64_t d_ms)
{
	uint64_t	end = s->now_ms + d_ms;
	uint64_t	due;

	while (sess_next(s, &due) && due <= end)
		(void)sess_step(s);
	s->now_ms = end;
}

enum run_end
sess_run(struct sess *s, uint64_t horizon_ms,
    bool (*until)(const struct sess *s, void *arg), void *arg)
{
	uint64_t	end = s->now_ms + horizon_ms;
	uint64_t	due;

	for (;;) {
		if (!sess_next(s, &due))
			return RUN_IDLE;
		if (due > end)
			return RUN_HORIZON;
		(void)sess_step(s);
		if (until != NULL && until(s, arg))
			return RUN_UNTIL;
	}
}

/* Packet N if it is in flight, else an error in DG. */
static struct pkt *
inflight(struct sess *s, int n, struct ike_diag *dg)
{
	struct pkt	*pk;

	if ((pk = sess_pkt(s, n)) == NULL) {
		diag_set(dg, IKE_ENOENT, SIZE_MAX, "no packet #%d", n);
		return NULL;
	}
	if (pk->st != PKT_INFLIGHT) {
		diag_set(dg, IKE_ESTATE, SIZE_MAX,
		    "packet #%d is not in flight (it was %s)", n,
		    pk->st == PKT_DROPPED ? "dropped" : "delivered");
		return NULL;
	}
	return pk;
}

int
sess_deliver(struct sess *s, int n, struct ike_diag *dg)
{
	struct pkt	*pk;

	if ((pk = inflight(s, n, dg)) == NULL)
		return dg != NULL ? dg->code : IKE_ENOENT;
	deliver(s, pk, "delivered early by command");
	return IKE_OK;
}

int
sess_drop(struct sess *s, int n, struct ike_diag *dg)
{
	struct pkt	*pk;

	if ((pk = inflight(s, n, dg)) == NULL)
		return dg != NULL ? dg->code : IKE_ENOENT;
	pkt_drop(s, pk, "dropped by command");
	return IKE_OK;
}

int
sess_delay(struct sess *s, int n, uint64_t d_ms, struct ike_diag *dg)
{
	struct pkt	*pk;
	struct tr_event	*ev;

	if ((pk = inflight(s, n, dg)) == NULL)
		return dg != NULL ? dg->code : IKE_ENOENT;
	pk->due_ms += d_ms;
	ev = eng_event(s, TR_DELAY, s->peer[pk->from].name, n, pk->label);
	if (ev != NULL) {
		ev->due_ms = pk->due_ms;
		snprintf(ev->reason, sizeof(ev->reason),
		    "delayed %llu ms by command", (unsigned long long)d_ms);
	}
	return IKE_OK;
}

int
sess_dup(struct sess *s, int n, struct ike_diag *dg)
{
	if (sess_pkt(s, n) == NULL)
		return diag_set(dg, IKE_ENOENT, SIZE_MAX, "no packet #%d", n);
	if (pkt_copy(s, n, "copied by command") == NULL)
		return diag_set(dg, IKE_ELIMIT, SIZE_MAX,
		    "cannot copy packet #%d: the session holds %d packets",
		    n, SESS_MAX_PKTS);
	return IKE_OK;
}

int
sess_swap(struct sess *s, int n, int m, struct ike_diag *dg)
{
	struct pkt	*a, *b;
	struct tr_event	*ev;
	uint64_t	 due;

	if (n == m)
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "two different packets are needed");
	if ((a = inflight(s, n, dg)) == NULL ||
	    (b = inflight(s, m, dg)) == NULL)
		return dg != NULL ? dg->code : IKE_ENOENT;
	due = a->due_ms;
	a->due_ms = b->due_ms;
	b->due_ms = due;
	ev = eng_eventf(s, TR_SWAP, s->peer[a->from].name, n, a->label,
	    "swapped with #%d by command", m);
	if (ev != NULL) {
		ev->other = m;
		ev->due_ms = a->due_ms;
	}
	return IKE_OK;
}

int
sess_corrupt(struct sess *s, int n, long off, int bit,
    struct ike_diag *dg)
{
	struct pkt	*pk;

	if ((pk = inflight(s, n, dg)) == NULL)
		return dg != NULL ? dg->code : IKE_ENOENT;
	if (off >= 0 && (size_t)off >= pk->bytes.len)
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "offset %ld is past the end of packet #%d (%zu bytes)",
		    off, n, pk->bytes.len);
	if (bit > 7)
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "bit %d: a byte has bits 0 (high) to 7 (low)", bit);
	pkt_corrupt(s, pk, off, bit, "corrupted by command");
	return IKE_OK;
}

/*
 * Name an injected message by what it decodes to, as far as the header
 * tells: AG1..AG3, QM1..QM3, INFO, or "?" for bytes that do not parse.
 */
static void
inject_label(const struct sess *s, int from, const uint8_t *p, size_t len,
    char *out)
{
	struct pld_hdr	 h;
	const struct peer *r = &s->peer[PEER_R];
	size_t		 k;
	int		 msg = 0;

	snprintf(out, TR_LABEL_LEN, "?");
	if (pld_hdr_parse(p, len, &h, NULL) != IKE_OK)
		return;
	if (h.exch == IKE_EXCH_AGGRESSIVE) {
		if (from == PEER_R)
			msg = 2;
		else
			msg = memcmp(h.rcookie, "\0\0\0\0\0\0\0\0", 8) == 0 ?
			    1 : 3;
		sess_label(out, "AG", msg, 1);
	} else if (h.exch == IKE_EXCH_QUICK) {
		msg = from == PEER_R ? 2 : 1;
		for (k = 0; k < r->nqm && from == PEER_I; k++)
			if (r->qm[k].msgid == h.msgid &&
			    r->qm[k].st != QM_NONE)
				msg = 3;
		sess_label(out, "QM", msg, 1);
	} else if (h.exch == IKE_EXCH_INFO)
		snprintf(out, TR_LABEL_LEN, "INFO");
}

int
sess_inject(struct sess *s, int from, const uint8_t *p, size_t len,
    struct ike_diag *dg)
{
	struct pkt	*pk;
	struct tr_event	*ev;
	char		 label[TR_LABEL_LEN];
	int		 n;

	if (from != PEER_I && from != PEER_R)
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "the sender must be i or r");
	if (len == 0 || len > PLD_MAX_MSG)
		return diag_set(dg, IKE_ELIMIT, SIZE_MAX,
		    "%zu bytes; a datagram holds 1 to %d", len,
		    PLD_MAX_MSG);
	inject_label(s, from, p, len, label);
	if ((pk = pkt_new(s, from, p, len, label)) == NULL)
		return diag_set(dg, IKE_ELIMIT, SIZE_MAX,
		    "the session holds %d packets", SESS_MAX_PKTS);
	pk->injected = true;
	n = pk->num;
	ev = eng_eventf(s, TR_INJECT, s->peer[from].name, n, label,
	    "%zu byte%s injected", len, len == 1 ? "" : "s");
	if (ev != NULL)
		ev->due_ms = pk->due_ms;
	link_full(s, sess_pkt(s, n));
	rules_apply(s, n);
	return IKE_OK;
}

void
sess_rule_init(struct rule *r, enum rule_act act, const char *sel,
    unsigned int nth)
{
	memset(r, 0, sizeof(*r));
	r->act = act;
	r->dir = -1;
	r->off = -1;
	r->bit = -1;
	r->nth = nth;
	if (strcmp(sel, "i>r") == 0)
		r->dir = PEER_I;
	else if (strcmp(sel, "r>i") == 0)
		r->dir = PEER_R;
	else
		snprintf(r->sel, sizeof(r->sel), "%s", sel);
}

int
sess_rule_add(struct sess *s, const struct rule *r, struct ike_diag *dg)
{
	struct rule	*nr;

	if (s->nrules >= SESS_MAX_RULES)
		return diag_set(dg, IKE_ELIMIT, SIZE_MAX,
		    "at most %d rules; remove one with unrule",
		    SESS_MAX_RULES);
	if (r->has_prob && !(r->prob >= 0.0 && r->prob <= 1.0))
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "prob must be between 0 and 1");
	if (r->act == RULE_CORRUPT && r->bit > 7)
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "bit %d: a byte has bits 0 (high) to 7 (low)", r->bit);
	nr = &s->rules[s->nrules++];
	*nr = *r;
	nr->id = ++s->next_rule_id;
	nr->matched = nr->fired = 0;
	if (nr->text[0] == '\0')
		snprintf(nr->text, sizeof(nr->text), "%s %s",
		    rule_act_names[nr->act], nr->sel[0] != '\0' ? nr->sel :
		    nr->dir == PEER_I ? "i>r" : nr->dir == PEER_R ? "r>i" :
		    "all");
	return nr->id;
}

int
sess_rule_del(struct sess *s, int id, struct ike_diag *dg)
{
	size_t	k;

	for (k = 0; k < s->nrules; k++) {
		if (s->rules[k].id != id)
			continue;
		memmove(&s->rules[k], &s->rules[k + 1],
		    (s->nrules - k - 1) * sizeof(s->rules[0]));
		s->nrules--;
		return IKE_OK;
	}
	return diag_set(dg, IKE_ENOENT, SIZE_MAX, "no rule %d (see 'rules')",
	    id);
}

struct sess *
sess_new(uint64_t seed)
{
	struct sess	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->seed = seed;
	rng_init(&s->rng_crypto, seed, RNG_CRYPTO);
	rng_init(&s->rng_fault, seed, RNG_FAULT);
	rng_init(&s->rng_frag, seed, RNG_FRAG);
	s->peer[PEER_I].name = 'i';
	s->peer[PEER_R].name = 'r';
	peer_defaults(&s->peer[PEER_I].cfg, true);
	peer_defaults(&s->peer[PEER_R].cfg, false);
	return s;
}

void
sess_free(struct sess *s)
{
	size_t	k;

	if (s == NULL)
		return;
	peer_clear(&s->peer[PEER_I]);
	peer_clear(&s->peer[PEER_R]);
	for (k = 0; k < s->npkt; k++) {
		buf_free(&s->pkts[k].bytes);
		buf_free(&s->pkts[k].plain);
	}
	free(s->pkts);
	buf_free(&s->sealed);
	trace_free(&s->trace);
	crypto_wipe(s, sizeof(*s));
	free(s);
}

int
sess_start(struct sess *s, struct ike_diag *dg)
{
	struct peer	*i = &s->peer[PEER_I];

	if (i->p1.st == AM_I_SENT1)
		return diag_set(dg, IKE_ESTATE, SIZE_MAX,
		    "the initiator is already waiting for AG2 (see 'state')");
	s->started = true;
	return peer_start_p1(s, i);
}

static const char *const p1_names[] = {
	[P1_NONE] = "NONE", [AM_I_SENT1] = "AM_I_SENT1",
	[AM_I_DONE] = "AM_I_DONE", [AM_R_SENT2] = "AM_R_SENT2",
	[AM_R_DONE] = "AM_R_DONE", [P1_FAILED] = "FAILED",
	[P1_DELETED] = "DELETED",
};

static const char *const qm_names[] = {
	[QM_NONE] = "NONE", [QM_I_SENT1] = "QM_I_SENT1",
	[QM_I_DONE] = "QM_I_DONE", [QM_R_SENT2] = "QM_R_SENT2",
	[QM_R_DONE] = "QM_R_DONE", [QM_FAILED] = "FAILED",
};

const char *
sess_p1_state_name(enum p1_state st)
{
	if ((unsigned int)st > P1_DELETED)
		return "?";
	return p1_names[st];
}

bool
sess_is_state_name(const char *st)
{
	int	k;

	for (k = P1_NONE; k <= P1_DELETED; k++)
		if (strcmp(p1_names[k], st) == 0)
			return true;
	for (k = QM_NONE; k <= QM_FAILED; k++)
		if (strcmp(qm_names[k], st) == 0)
			return true;
	return false;
}

const char *
sess_qm_state_name(enum qm_state st)
{
	if ((unsigned int)st > QM_FAILED)
		return "?";
	return qm_names[st];
}

const struct qmx *
sess_qm_cur(const struct peer *p)
{
	if (p->nqm == 0)
		return NULL;
	return &p->qm[p->nqm - 1];
}

void
eng_p1_state(struct sess *s, struct peer *p, enum p1_state st,
    const char *fmt, ...)
{
	struct tr_event	*ev;
	va_list		 ap;

	ev = eng_event(s, TR_STATE, p->name, 0, "");
	va_start(ap, fmt);
	vsnprintf(p->last, sizeof(p->last), fmt, ap);
	va_end(ap);
	if (ev != NULL) {
		snprintf(ev->reason, sizeof(ev->reason), "%s", p->last);
		snprintf(ev->from, sizeof(ev->from), "%s",
		    sess_p1_state_name(p->p1.st));
		snprintf(ev->to, sizeof(ev->to), "%s",
		    sess_p1_state_name(st));
	}
	p->p1.st = st;
}

void
eng_qm_state(struct sess *s, struct peer *p, struct qmx *q,
    enum qm_state st, const char *fmt, ...)
{
	struct tr_event	*ev;
	va_list		 ap;

	ev = eng_event(s, TR_STATE, p->name, 0, "");
	va_start(ap, fmt);
	vsnprintf(p->last, sizeof(p->last), fmt, ap);
	va_end(ap);
	if (ev != NULL) {
		snprintf(ev->reason, sizeof(ev->reason), "%s", p->last);
		snprintf(ev->from, sizeof(ev->from), "%s",
		    sess_qm_state_name(q->st));
		snprintf(ev->to, sizeof(ev->to), "%s",
		    sess_qm_state_name(st));
		ev->msgid = q->msgid;
	}
	q->st = st;
}
