/*
 * peer.c: the protocol of one IKEv1 peer: Aggressive Mode with a
 * pre-shared key (RFC 2409 5.4), Quick Mode (RFC 2409 5.5) and the
 * Informational exchange (RFC 2409 5.7), with retransmission and the
 * handling of duplicates that DESIGN.md describes.
 *
 * A peer never sees the link: it receives packets from sess.c and puts
 * its own on the link with eng_send. Every transition and every packet
 * it throws away goes into the trace with a reason.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static const uint8_t zero_cookie[IKE_COOKIE_LEN];

void
peer_defaults(struct peer_cfg *c, bool is_i)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->psk, sizeof(c->psk), "letmein");
	c->addr = is_i ? 0xc0000201 : 0xc0000202;	/* 192.0.2.1, .2 */
	c->id_type = IKE_ID_IPV4_ADDR;
	snprintf(c->id, sizeof(c->id), "%s", is_i ? "192.0.2.1" :
	    "192.0.2.2");
	c->p1 = (struct p1_prop){ IKE_ENC_AES, 128, IKE_HASH_SHA1,
	    IKE_AUTH_PSK, 14, 28800 };
	c->p2 = (struct p2_prop){ IKE_ESP_AES, 128, IKE_ESP_AUTH_SHA1, 0,
	    IKE_ENCAP_TUNNEL, 3600 };
	snprintf(c->idci, sizeof(c->idci), "10.1.0.0/24");
	snprintf(c->idcr, sizeof(c->idcr), "10.2.0.0/24");
	c->rtx = (struct rtx_policy){ 4000, 0, 1.8, 5, 0, 0, 0,
	    GIVE_UP_STOP };
	c->resend_ag2 = true;
	snprintf(c->profile, sizeof(c->profile), "rfc");
	c->early_qm = EARLY_QM_DROP;
	c->auto_qm = true;
	c->latency_ms = 5;
	c->nonce_len = 32;
}

static void
stored_clear(struct stored_msg *m)
{
	buf_free(&m->bytes);
	buf_free(&m->plain);
	memset(m, 0, sizeof(*m));
}

static void
p1_clear(struct p1sa *sa)
{
	buf_free(&sa->ni);
	buf_free(&sa->nr);
	buf_free(&sa->sai_b);
	buf_free(&sa->idi_b);
	buf_free(&sa->idr_b);
	buf_free(&sa->last_rx);
	stored_clear(&sa->out);
	crypto_wipe(sa, sizeof(*sa));
}

static void
qm_clear(struct qmx *q)
{
	buf_free(&q->ni);
	buf_free(&q->nr);
	buf_free(&q->keymat_ir);
	buf_free(&q->keymat_ri);
	buf_free(&q->last_rx);
	stored_clear(&q->out);
	crypto_wipe(q, sizeof(*q));
}

void
peer_clear(struct peer *p)
{
	size_t	k;

	p1_clear(&p->p1);
	for (k = 0; k < p->nqm; k++)
		qm_clear(&p->qm[k]);
	p->nqm = 0;
	buf_free(&p->queued);
	buf_free(&p->last_in);
	frag_clear(&p->frag);
}

/*
 * The label of the message peer P is receiving in packet N: the
 * packet's, or for a message reassembled from IKE fragments the
 * fragments' without "[k/n]" (AG2b for AG2b[1/2], AG2b[2/2]).
 */
static const char *
rx_label(struct sess *s, const struct peer *p, int n)
{
	const struct pkt	*pk;

	if (p->rx_label[0] != '\0')
		return p->rx_label;
	pk = sess_pkt(s, n);
	return pk != NULL ? pk->label : "";
}

/* Trace that peer P threw packet N away, and why. */
static void
discard(struct sess *s, struct peer *p, int n, const char *fmt, ...)
    IKE_PRINTF(4, 5);

static void
discard(struct sess *s, struct peer *p, int n, const char *fmt, ...)
{
	struct pkt	*pk = sess_pkt(s, n);
	char		 why[TR_TEXT_LEN];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (pk == NULL)
		return;
	snprintf(pk->note, sizeof(pk->note), "%s", why);
	eng_eventf(s, TR_DISCARD, p->name, n, rx_label(s, p, n), "%s", why);
}

/* Start a message: header with cookies, exchange, flags and M-ID. */
static int
msg_begin(struct pld_wr *w, struct buf *b, const struct p1sa *sa,
    uint8_t exch, uint8_t flags, uint32_t msgid)
{
	struct pld_hdr	h;

	memset(&h, 0, sizeof(h));
	memcpy(h.icookie, sa->icookie, IKE_COOKIE_LEN);
	memcpy(h.rcookie, sa->rcookie, IKE_COOKIE_LEN);
	h.version = IKE_VERSION_1_0;
	h.exch = exch;
	h.flags = flags;
	h.msgid = msgid;
	return pld_wr_hdr(w, b, &h);
}

/*
 * Replace the body of the plaintext message B (after the header) by
 * its encryption under SA's Ka with IV, and fix the header's length.
 * LAST gets the last ciphertext block.
 */
static int
msg_encrypt(struct sess *s, const struct p1sa *sa, const uint8_t *iv,
    struct buf *b, uint8_t *last)
{
	struct buf	ct = { 0 };
	int		rc;

	/* Keep the plaintext body: `show` can decode what was sent. */
	(void)buf_set(&s->sealed, b->p + IKE_HDR_LEN, b->len - IKE_HDR_LEN);
	rc = keys_encrypt(&sa->keys, iv, b->p + IKE_HDR_LEN,
	    b->len - IKE_HDR_LEN, &ct, last);
	if (rc == IKE_OK) {
		/* The zero padding keys_encrypt added, as the receiver sees. */
		if (ct.len > s->sealed.len)
			(void)buf_add(&s->sealed, NULL, ct.len - s->sealed.len);
		b->len = IKE_HDR_LEN;
		rc = buf_add(b, ct.p, ct.len);
		buf_put_u32(b, 24, (uint32_t)b->len);
	} else
		s->sealed.len = 0;
	buf_free(&ct);
	return rc;
}

/* Parse an IPv4 "a.b.c.d" or "a.b.c.d/len" into ADDR and MASK. */
static bool
parse_ipv4(const char *txt, uint32_t *addr, uint32_t *mask)
{
	unsigned int	a, b, c, d, len = 32;
	char		tail;
	int		n;

	n = sscanf(txt, "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &len, &tail);
	if (n != 4 && n != 5)
		return false;
	if (a > 255 || b > 255 || c > 255 || d > 255 || len > 32)
		return false;
	*addr = a << 24 | b << 16 | c << 8 | d;
	*mask = len == 0 ? 0 : 0xffffffffu << (32 - len);
	return true;
}

/* The body of peer P's phase 1 ID payload, from its configuration. */
static int
own_id_body(const struct peer *p, struct buf *b)
{
	uint32_t	addr, mask;

	b->len = 0;
	if (buf_add_u8(b, p->cfg.id_type) || buf_add_u8(b, 0) ||
	    buf_add_u16(b, 0))
		return IKE_ENOMEM;
	if (p->cfg.id_type == IKE_ID_IPV4_ADDR) {
		if (!parse_ipv4(p->cfg.id, &addr, &mask))
			addr = p->cfg.addr;
		return buf_add_u32(b, addr);
	}
	return buf_add(b, p->cfg.id, strlen(p->cfg.id));
}

/* Add an ID payload whose body is BODY (type, proto, port, data). */
static int
add_id_body(struct pld_wr *w, const struct buf *body)
{
	struct pld_id	id;

	id.type = body->p[0];
	id.proto = body->p[1];
	id.port = be16(body->p + 2);
	id.data = body->p + 4;
	id.len = body->len - 4;
	return pld_add_id(w, &id);
}

/* Add a client ID (ID_IPV4_ADDR_SUBNET) for Quick Mode. */
static int
add_client_id(struct pld_wr *w, const char *subnet)
{
	struct pld_id	id;
	uint8_t		data[8];
	uint32_t	addr = 0, mask = 0;

	(void)parse_ipv4(subnet, &addr, &mask);
	addr &= mask;
	memset(&id, 0, sizeof(id));
	id.type = IKE_ID_IPV4_ADDR_SUBNET;
	data[0] = (uint8_t)(addr >> 24);
	data[1] = (uint8_t)(addr >> 16);
	data[2] = (uint8_t)(addr >> 8);
	data[3] = (uint8_t)addr;
	data[4] = (uint8_t)(mask >> 24);
	data[5] = (uint8_t)(mask >> 16);
	data[6] = (uint8_t)(mask >> 8);
	data[7] = (uint8_t)mask;
	id.data = data;
	id.len = sizeof(data);
	return pld_add_id(w, &id);
}

/*
 * Does client ID payload R (of QM1) name exactly SUBNET ("a.b.c.d/len")?
 * Only ID_IPV4_ADDR_SUBNET (and ID_IPV4_ADDR for a /32) can; the text
 * of what R names goes to GOT.
 */
static bool
client_id_is(const struct pld_ref *r, const char *subnet, char *got,
    size_t len)
{
	struct pld_id	id;
	uint32_t	addr = 0, mask = 0, a, m;
	int		bits;

	snprintf(got, len, "an ID it cannot read");
	if (pld_id_parse(r, &id, NULL) != IKE_OK)
		return false;
	if (id.type == IKE_ID_IPV4_ADDR && id.len == 4) {
		a = be32(id.data);
		m = 0xffffffffu;
	} else if (id.type == IKE_ID_IPV4_ADDR_SUBNET && id.len == 8) {
		a = be32(id.data);
		m = be32(id.data + 4);
	} else {
		snprintf(got, len, "an ID of type %u", id.type);
		return false;
	}
	for (bits = 0; bits < 32 && (m & (0x80000000u >> bits)); bits++)
		;
	snprintf(got, len, "%u.%u.%u.%u/%d", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff, bits);
	(void)parse_ipv4(subnet, &addr, &mask);
	return id.proto == 0 && id.port == 0 && a == (addr & mask) &&
	    m == mask;
}

/*
 * The client IDs of QM1 (RFC 2409 5.5: IDci then IDcr, both or none)
 * against this responder's idci and idcr. True when they match or QM1
 * carries none; otherwise WHY says what differs.
 */
static bool
qm1_ids_ok(const struct peer *p, const struct pld_chain *c, char *why,
    size_t len)
{
	const struct pld_ref	*id[2] = { NULL, NULL };
	char			 got[48];
	size_t			 k, n = 0;

	for (k = 0; k < c->n; k++)
		if (c->p[k].type == IKE_PLD_ID) {
			if (n < 2)
				id[n] = &c->p[k];
			n++;
		}
	if (n == 0)
		return true;
	if (n != 2) {
		snprintf(why, len, "QM1 carries %zu ID payloads (0, or 2: "
		    "IDci and IDcr)", n);
		return false;
	}
	if (!client_id_is(id[0], p->cfg.idci, got, sizeof(got))) {
		snprintf(why, len, "QM1's IDci is %s, not this responder's "
		    "idci %s", got, p->cfg.idci);
		return false;
	}
	if (!client_id_is(id[1], p->cfg.idcr, got, sizeof(got))) {
		snprintf(why, len, "QM1's IDcr is %s, not this responder's "
		    "idcr %s", got, p->cfg.idcr);
		return false;
	}
	return true;
}

/* Remember M as the stored message of an exchange, labelled BASE. */
static int
store_out(struct stored_msg *m, const struct buf *b, const char *base)
{
	m->resends = 0;
	snprintf(m->base, sizeof(m->base), "%s", base);
	return buf_copy(&m->bytes, b);
}

/* Send a new message and keep it as the exchange's stored message. */
static int
send_stored(struct sess *s, struct peer *p, struct stored_msg *m,
    const struct buf *b, const char *label)
{
	int	n;

	if (store_out(m, b, label) != IKE_OK)
		return IKE_ENOMEM;
	n = eng_send(s, p->name == 'i' ? PEER_I : PEER_R, b, label, false, 0,
	    NULL);
	if (n > 0) {
		m->seq = sess_pkt(s, n)->seq;
		(void)buf_copy(&m->plain, &sess_pkt(s, n)->plain);
	}
	return n;
}

static int
peer_idx(const struct peer *p)
{
	return p->name == 'i' ? PEER_I : PEER_R;
}

/* A notify payload of TYPE about the SA named by SPI (RFC 2408 3.14). */
static void
notify_init(struct pld_notify *n, uint8_t proto, uint16_t type,
    const uint8_t *spi, size_t spi_size)
{
	memset(n, 0, sizeof(*n));
	n->doi = IKE_DOI_IPSEC;
	n->proto = proto;
	n->spi_size = (uint8_t)spi_size;
	n->type = type;
	n->spi = spi;
}

/*
 * Send a plain (unencrypted) Informational with notify TYPE about the
 * ISAKMP SA, under a random non-zero M-ID (RFC 2408 4.8; errors before
 * phase 1 is complete cannot be protected).
 */
static int
send_plain_notify(struct sess *s, struct peer *p, uint16_t type,
    const char *why)
{
	int			sent = 0;
	struct pld_wr		w;
	struct buf		b = { 0 };
	struct pld_notify	n;
	struct tr_event		*ev;
	uint8_t			spi[16];
	uint32_t		msgid;
	char			label[TR_LABEL_LEN];

	if (p->cfg.notify_msgid0)
		msgid = 0;
	else
		rng_nonzero(&s->rng_crypto, &msgid, sizeof(msgid));
	memcpy(spi, p->p1.icookie, 8);
	memcpy(spi + 8, p->p1.rcookie, 8);
	notify_init(&n, IKE_PROTO_ISAKMP, type, spi, sizeof(spi));
	if (msg_begin(&w, &b, &p->p1, IKE_EXCH_INFO, 0, msgid) ||
	    pld_add_notify(&w, &n))
		goto out;
	pld_wr_done(&w);
	sess_label(label, "INFO", 0, ++s->info_inst);
	ev = eng_eventf(s, TR_NOTIFY, p->name, (int)s->npkt + 1, label,
	    "sends %s, unencrypted: %s", ike_notify_name(type), why);
	if (ev != NULL) {
		ev->notify = type;
		ev->msgid = msgid;
	}
	sent = eng_send(s, peer_idx(p), &b, label, false, 0, NULL);
out:
	buf_free(&b);
	return sent;
}

/*
 * Send an encrypted Informational, HDR*, HASH(1), N (RFC 2409 5.7),
 * under phase 1 SA of P and a fresh M-ID.
 */
static int
send_enc_notify(struct sess *s, struct peer *p, uint16_t type,
    uint8_t proto, const uint8_t *spi, size_t spi_len, const char *why)
{
	int			 sent = 0;
	struct p1sa		*sa = &p->p1;
	struct pld_wr		 w;
	struct buf		 b = { 0 };
	struct pld_notify	 n;
	struct tr_event		*ev;
	uint8_t			 iv[CRYPTO_MAX_BLOCK];
	uint8_t			 last[CRYPTO_MAX_BLOCK];
	uint8_t			 h[CRYPTO_MAX_HASH];
	uint32_t		 msgid;
	size_t			 hstart;
	char			 label[TR_LABEL_LEN];

	rng_nonzero(&s->rng_crypto, &msgid, sizeof(msgid));
	notify_init(&n, proto, type, spi, spi_len);
	memset(h, 0, sizeof(h));
	if (msg_begin(&w, &b, sa, IKE_EXCH_INFO, IKE_FLAG_ENC, msgid) ||
	    pld_add_raw(&w, IKE_PLD_HASH, h, sa->keys.hlen) ||
	    pld_add_notify(&w, &n))
		goto out;
	pld_wr_done(&w);
	hstart = IKE_HDR_LEN + IKE_GENERIC_LEN + sa->keys.hlen;
	if (keys_qm_hash1(&sa->keys, msgid, b.p + hstart, b.len - hstart,
	    b.p + IKE_HDR_LEN + IKE_GENERIC_LEN) ||
	    keys_exch_iv(&sa->keys, sa->last_block, msgid, iv) ||
	    msg_encrypt(s, sa, iv, &b, last))
		goto out;
	sess_label(label, "INFO", 0, ++s->info_inst);
	ev = eng_eventf(s, TR_NOTIFY, p->name, (int)s->npkt + 1, label,
	    "sends %s, encrypted: %s", ike_notify_name(type), why);
	if (ev != NULL) {
		ev->notify = type;
		ev->msgid = msgid;
		if (spi_len == 4)
			ev->spi = be32(spi);
	}
	sent = eng_send(s, peer_idx(p), &b, label, false, 0, NULL);
out:
	buf_free(&b);
	return sent;
}

/* Derive phase 1 keys once both KE values and nonces are known. */
static int
p1_derive(struct sess *s, struct peer *p, const uint8_t *peer_ke,
    size_t peer_len, struct ike_diag *dg)
{
	struct p1sa		*sa = &p->p1;
	struct p1_inputs	 in;
	struct tr_event		*ev;
	int			 rc;

	rc = crypto_dh_shared(sa->chosen.group, sa->priv, sizeof(sa->priv),
	    peer_ke, peer_len, sa->gxy, dg);
	if (rc != IKE_OK)
		return rc;
	in.psk = (const uint8_t *)p->cfg.psk;
	in.psk_len = strlen(p->cfg.psk);
	in.ni = sa->ni.p;
	in.ni_len = sa->ni.len;
	in.nr = sa->nr.p;
	in.nr_len = sa->nr.len;
	in.gxi = sa->gxi;
	in.gxr = sa->gxr;
	in.gxy = sa->gxy;
	in.glen = sa->glen;
	in.icookie = sa->icookie;
	in.rcookie = sa->rcookie;
	rc = keys_p1(sa->chosen.hash, sa->chosen.enc, sa->chosen.keylen, &in,
	    &sa->keys, dg);
	if (rc != IKE_OK)
		return rc;
	sa->has_keys = true;
	if (keys_hash_ir(&sa->keys, &in, true, sa->sai_b.p, sa->sai_b.len,
	    sa->idi_b.p, sa->idi_b.len, sa->hash_i) ||
	    keys_hash_ir(&sa->keys, &in, false, sa->sai_b.p, sa->sai_b.len,
	    sa->idr_b.p, sa->idr_b.len, sa->hash_r))
		return diag_set(dg, IKE_ECRYPTO, SIZE_MAX,
		    "computing HASH_I/HASH_R failed");
	ev = eng_eventf(s, TR_KEYS, p->name, 0, "",
	    "phase 1: g^xy, SKEYID, SKEYID_d/a/e, Ka, IV0");
	(void)ev;
	return IKE_OK;
}

/*
 * Arm the half-open lifetime of phase 1: if it is not complete (or has
 * failed) when the lifetime ends, the peer deletes it without a word.
 */
static void
p1_arm_life(struct sess *s, struct peer *p, uint64_t from)
{
	struct p1sa	*sa = &p->p1;
	char		 why[64];

	if (p->cfg.half_open_ms == 0)
		return;
	eng_timer_cancel(s, p, &sa->life, "counted again from now");
	snprintf(why, sizeof(why), "half-open lifetime %u ms",
	    p->cfg.half_open_ms);
	eng_timer_at(s, p, &sa->life, from + p->cfg.half_open_ms, "phase 1",
	    why);
}

/* The message peer P sent last, of all its exchanges. */
static struct stored_msg *
newest_out(struct peer *p)
{
	struct stored_msg	*m = &p->p1.out;
	size_t			 k;

	for (k = 0; k < p->nqm; k++)
		if (p->qm[k].out.bytes.len > 0 && p->qm[k].out.seq > m->seq)
			m = &p->qm[k].out;
	return m;
}

/*
 * Packet N duplicates the message that REPLY answered: resend REPLY, or
 * (dup-resend last, as strongSwan does) whatever P sent last, unless
 * the peer has already answered as many duplicates as it will.
 */
static void
answer_dup(struct sess *s, struct peer *p, int n, unsigned int *dups,
    struct stored_msg *reply, const char *what)
{
	struct stored_msg	*m = reply;
	char			 why[TR_TEXT_LEN];

	if (p->cfg.dup_limit > 0 && *dups >= p->cfg.dup_limit) {
		discard(s, p, n, "duplicate of %s ignored: %u duplicates "
		    "already answered (dup-limit)", what, *dups);
		return;
	}
	(*dups)++;
	if (p->cfg.dup_resend == DUP_LAST)
		m = newest_out(p);
	if (m != reply)
		snprintf(why, sizeof(why), "duplicate of %s: resends %s, not "
		    "%s: %s replaced %s as last request", what, m->base,
		    reply->base, m->base, reply->base);
	else
		snprintf(why, sizeof(why), "duplicate of %s", what);
	(void)eng_resend(s, peer_idx(p), m, 0, why);
}

int
peer_start_p1(struct sess *s, struct peer *p)
{
	struct p1sa	*sa = &p->p1;
	struct pld_wr	 w;
	struct buf	 b = { 0 }, idb = { 0 };
	struct ike_diag	 dg = IKE_DIAG_INIT;
	char		 label[TR_LABEL_LEN];
	size_t		 k;
	int		 rc = IKE_ENOMEM;

	for (k = 0; k < p->nqm; k++)
		eng_timer_cancel(s, p, &p->qm[k].tm, "phase 1 starts again");
	eng_timer_cancel(s, p, &sa->tm, "phase 1 starts again");
	eng_timer_cancel(s, p, &sa->life, "phase 1 starts again");
	p1_clear(sa);
	sa->inst = ++s->p1_inst;
	sa->is_initiator = true;
	sa->chosen = p->cfg.p1;
	sa->glen = crypto_group_len(sa->chosen.group);
	rng_nonzero(&s->rng_crypto, sa->icookie, IKE_COOKIE_LEN);
	rng_bytes(&s->rng_crypto, sa->priv, sizeof(sa->priv));
	if (buf_add(&sa->ni, NULL, p->cfg.nonce_len))
		goto out;
	rng_bytes(&s->rng_crypto, sa->ni.p, sa->ni.len);
	if ((rc = crypto_dh_pub(sa->chosen.group, sa->priv, sizeof(sa->priv),
	    sa->gxi, &dg)) != IKE_OK)
		goto fail;
	rc = IKE_ENOMEM;
	if (own_id_body(p, &idb) || buf_copy(&sa->idi_b, &idb))
		goto out;
	if (msg_begin(&w, &b, sa, IKE_EXCH_AGGRESSIVE, 0, 0) ||
	    pld_add_sa_p1(&w, &p->cfg.p1, 1))
		goto out;
	/* SAi_b: the SA body exactly as sent, for HASH_I and HASH_R. */
	if (buf_set(&sa->sai_b, b.p + IKE_HDR_LEN + IKE_GENERIC_LEN,
	    b.len - IKE_HDR_LEN - IKE_GENERIC_LEN))
		goto out;
	if (pld_add_raw(&w, IKE_PLD_KE, sa->gxi, sa->glen) ||
	    pld_add_raw(&w, IKE_PLD_NONCE, sa->ni.p, sa->ni.len) ||
	    add_id_body(&w, &idb))
		goto out;
	pld_wr_done(&w);
	sess_label(label, "AG", 1, sa->inst);
	eng_p1_state(s, p, AM_I_SENT1, "sent %s: SA, KE, Ni, IDii", label);
	sa->first_sent_ms = s->now_ms;
	if ((rc = send_stored(s, p, &sa->out, &b, label)) < 0)
		goto out;
	eng_timer_start(s, p, &sa->tm, &sa->out);
	rc = IKE_OK;
	goto out;
fail:
	eng_p1_state(s, p, P1_FAILED, "cannot start phase 1: %s", dg.msg);
out:
	buf_free(&b);
	buf_free(&idb);
	return rc;
}

/* Is the proposal P acceptable to a peer configured with C? */
static bool
p1_match(const struct p1_prop *c, const struct p1_prop *p)
{
	return c->enc == p->enc && c->keylen == p->keylen &&
	    c->hash == p->hash && c->auth == p->auth && c->group == p->group;
}

/* Pick the first transform of SA that matches C; -1 if none. */
static int
p1_choose(const struct pld_sa *sa, const struct p1_prop *c,
    struct p1_prop *out)
{
	const struct pld_prop	*pr;
	size_t			 i, j;

	for (i = 0; i < sa->nprop; i++) {
		pr = &sa->prop[i];
		if (pr->proto != IKE_PROTO_ISAKMP)
			continue;
		for (j = 0; j < pr->nxf; j++) {
			if (pld_p1_from_xform(&pr->xf[j], out, NULL) != IKE_OK)
				continue;
			if (p1_match(c, out))
				return (int)j;
		}
	}
	return -1;
}

/*
 * Why the SA of an AG1 offers nothing a peer configured with C accepts:
 * the first ISAKMP transform's first attribute that differs, named with
 * its offset (the responder's notify says no more than
 * NO-PROPOSAL-CHOSEN; the trace says which value).
 */
static void
p1_refusal(const struct pld_sa *sa, size_t sa_off, const struct p1_prop *c,
    char *why, size_t len)
{
	static const struct {
		uint16_t	 type;
		const char	*name;
	} names[] = {
		{ IKE_ATTR_ENC, "encryption algorithm" },
		{ IKE_ATTR_KEYLEN, "key length" },
		{ IKE_ATTR_HASH, "hash algorithm" },
		{ IKE_ATTR_AUTH, "authentication method" },
		{ IKE_ATTR_GROUP, "group" },
	};
	const struct pld_prop	*pr = NULL;
	const struct pld_xform	*xf;
	const struct pld_attr	*a;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	struct p1_prop		 got;
	uint16_t		 want[5], have[5];
	size_t			 i, k;

	for (i = 0; i < sa->nprop && pr == NULL; i++)
		if (sa->prop[i].proto == IKE_PROTO_ISAKMP &&
		    sa->prop[i].nxf > 0)
			pr = &sa->prop[i];
	if (pr == NULL) {
		snprintf(why, len, "SA payload at offset %zu: no ISAKMP "
		    "proposal with a transform", sa_off);
		return;
	}
	xf = &pr->xf[0];
	if (pld_p1_from_xform(xf, &got, &dg) != IKE_OK) {
		diag_text(&dg, why, len);
		return;
	}
	want[0] = c->enc; want[1] = c->keylen; want[2] = c->hash;
	want[3] = c->auth; want[4] = c->group;
	have[0] = got.enc; have[1] = got.keylen; have[2] = got.hash;
	have[3] = got.auth; have[4] = got.group;
	for (k = 0; k < 5; k++) {
		if (want[k] == have[k])
			continue;
		for (i = 0, a = NULL; i < xf->nattr && a == NULL; i++)
			if (xf->attr[i].type == names[k].type)
				a = &xf->attr[i];
		if (a == NULL)
			snprintf(why, len, "SA payload at offset %zu: transform "
			    "%u has no %s (this peer's: %u)", xf->off,
			    xf->num, names[k].name, want[k]);
		else
			snprintf(why, len, "SA payload at offset %zu: transform "
			    "%u offers %s %u, this peer's is %u%s", a->off,
			    xf->num, names[k].name, have[k], want[k],
			    pr->nxf > 1 ? " (and the other transforms "
			    "differ too)" : "");
		return;
	}
	snprintf(why, len, "SA payload at offset %zu: its transforms differ "
	    "from this peer's", xf->off);
}

/* A phase 1 identity must be of a type RFC 2407 4.6.2.1 defines. */
static int
check_id(const struct pld_chain *c, struct ike_diag *dg)
{
	const struct pld_ref	*r = pld_find(c, IKE_PLD_ID);
	struct pld_id		 id;
	int			 rc;

	if (r == NULL)
		return IKE_OK;
	if ((rc = pld_id_parse(r, &id, dg)) != IKE_OK)
		return rc;
	if (id.type < IKE_ID_IPV4_ADDR || id.type > IKE_ID_KEY_ID) {
		diag_set(dg, IKE_EMALFORMED, r->off + 4,
		    "identity type %u is not defined", id.type);
		diag_pld(dg, "ID");
		dg->notify = IKE_N_INVALID_ID_INFORMATION;
		return IKE_EMALFORMED;
	}
	return IKE_OK;
}

/* Require payloads of the types in NEED (0-terminated) in C. */
static int
need_payloads(const struct pld_chain *c, const uint8_t *need,
    struct ike_diag *dg)
{
	for (; *need != 0; need++)
		if (pld_find(c, *need) == NULL)
			return diag_set(dg, IKE_EMALFORMED, SIZE_MAX,
			    "the %s payload is missing",
			    ike_pld_name(*need));
	return IKE_OK;
}

/* Responder: AG1 arrived; answer with AG2 (RFC 2409 5.4). */
static void
r_recv_ag1(struct sess *s, struct peer *p, int n, const struct buf *m,
    const struct pld_hdr *h, const struct pld_chain *c)
{
	static const uint8_t	 need[] = { IKE_PLD_SA, IKE_PLD_KE,
	    IKE_PLD_NONCE, IKE_PLD_ID, 0 };
	struct p1sa		*sa = &p->p1;
	struct pld_sa		*psa = NULL;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	const struct pld_ref	*ke, *no, *id, *sar;
	struct pld_wr		 w;
	struct buf		 b = { 0 }, idb = { 0 };
	char			 label[TR_LABEL_LEN], why[TR_TEXT_LEN];
	int			 inst;

	if (need_payloads(c, need, &dg) != IKE_OK ||
	    check_id(c, &dg) != IKE_OK) {
		diag_text(&dg, why, sizeof(why));
		discard(s, p, n, "AG1 rejected: %s", why);
		return;
	}
	if ((psa = calloc(1, sizeof(*psa))) == NULL)
		return;
	sar = pld_find(c, IKE_PLD_SA);
	ke = pld_find(c, IKE_PLD_KE);
	no = pld_find(c, IKE_PLD_NONCE);
	id = pld_find(c, IKE_PLD_ID);
	if (pld_sa_parse(sar, psa, &dg) != IKE_OK) {
		diag_text(&dg, why, sizeof(why));
		discard(s, p, n, "AG1 rejected: %s", why);
		goto out;
	}
	inst = 1;
	if (strchr(rx_label(s, p, n), '.') != NULL)
		inst = atoi(strchr(rx_label(s, p, n), '.') + 1);

	/* A new phase 1 replaces whatever the responder had. */
	eng_timer_cancel(s, p, &sa->tm, "a new AG1 replaces this phase 1");
	eng_timer_cancel(s, p, &sa->life, "a new AG1 replaces this phase 1");
	p1_clear(sa);
	sa->inst = inst;
	memcpy(sa->icookie, h->icookie, IKE_COOKIE_LEN);
	if (p1_choose(psa, &p->cfg.p1, &sa->chosen) < 0) {
		rng_nonzero(&s->rng_crypto, sa->rcookie, IKE_COOKIE_LEN);
		p1_refusal(psa, sar->off, &p->cfg.p1, why, sizeof(why));
		discard(s, p, n, "no acceptable proposal in AG1: %s", why);
		eng_p1_state(s, p, P1_FAILED,
		    "AG1 offers no proposal this responder accepts");
		send_plain_notify(s, p, IKE_N_NO_PROPOSAL_CHOSEN,
		    "no acceptable proposal in AG1");
		goto out;
	}
	sa->glen = crypto_group_len(sa->chosen.group);
	if (ke->body_len != sa->glen) {
		discard(s, p, n, "KE payload at offset %zu: %zu bytes, group "
		    "%u needs %zu", ke->off, ke->body_len, sa->chosen.group,
		    sa->glen);
		sa->st = P1_NONE;
		goto out;
	}
	memcpy(sa->gxi, ke->body, sa->glen);
	if (buf_set(&sa->sai_b, sar->body, sar->body_len) ||
	    buf_set(&sa->ni, no->body, no->body_len) ||
	    buf_set(&sa->idi_b, id->body, id->body_len))
		goto out;
	rng_nonzero(&s->rng_crypto, sa->rcookie, IKE_COOKIE_LEN);
	rng_bytes(&s->rng_crypto, sa->priv, sizeof(sa->priv));
	if (buf_add(&sa->nr, NULL, p->cfg.nonce_len))
		goto out;
	rng_bytes(&s->rng_crypto, sa->nr.p, sa->nr.len);
	if (own_id_body(p, &idb) || buf_copy(&sa->idr_b, &idb))
		goto out;
	if (crypto_dh_pub(sa->chosen.group, sa->priv, sizeof(sa->priv),
	    sa->gxr, &dg) != IKE_OK ||
	    p1_derive(s, p, sa->gxi, sa->glen, &dg) != IKE_OK) {
		diag_text(&dg, why, sizeof(why));
		discard(s, p, n, "AG1 rejected: KE payload at offset %zu: %s",
		    ke->off, why);
		p1_clear(sa);
		goto out;
	}
	if (buf_copy(&sa->last_rx, m) ||
	    msg_begin(&w, &b, sa, IKE_EXCH_AGGRESSIVE, 0, 0) ||
	    pld_add_sa_p1(&w, &sa->chosen, 1) ||
	    pld_add_raw(&w, IKE_PLD_KE, sa->gxr, sa->glen) ||
	    pld_add_raw(&w, IKE_PLD_NONCE, sa->nr.p, sa->nr.len) ||
	    add_id_body(&w, &idb) ||
	    pld_add_raw(&w, IKE_PLD_HASH, sa->hash_r, sa->keys.hlen))
		goto out;
	pld_wr_done(&w);
	sess_label(label, "AG", 2, sa->inst);
	eng_p1_state(s, p, AM_R_SENT2, "AG1 accepted; sent %s with HASH_R%s",
	    label, p->cfg.resend_ag2 ? "" : "; no timer: this peer never "
	    "resends AG2 (resend-ag2 off)");
	sa->first_sent_ms = s->now_ms;
	if (send_stored(s, p, &sa->out, &b, label) < 0)
		goto out;
	/* RFC model and strongSwan resend AG2; libreswan does not. */
	if (p->cfg.resend_ag2)
		eng_timer_start(s, p, &sa->tm, &sa->out);
	p1_arm_life(s, p, sa->first_sent_ms);
out:
	free(psa);
	buf_free(&b);
	buf_free(&idb);
}

/* Initiator: check the SA the responder chose against the offer. */
static int
i_check_ag2_sa(const struct peer *p, const struct pld_ref *sar,
    struct ike_diag *dg)
{
	struct pld_sa	*psa;
	struct p1_prop	 got;
	int		 rc;

	if ((psa = calloc(1, sizeof(*psa))) == NULL)
		return IKE_ENOMEM;
	rc = pld_sa_parse(sar, psa, dg);
	if (rc == IKE_OK && (psa->nprop != 1 || psa->prop[0].nxf != 1))
		rc = diag_set(dg, IKE_EMALFORMED, sar->off,
		    "the responder's SA must hold one proposal with one "
		    "transform");
	/* The chosen transform keeps the numbers of the offer (#1, #1). */
	if (rc == IKE_OK && (psa->prop[0].num != 1 ||
	    psa->prop[0].xf[0].num != 1))
		rc = diag_set(dg, IKE_EMALFORMED, psa->prop[0].off + 4,
		    "the responder answered proposal %u transform %u; only "
		    "proposal 1 transform 1 was offered", psa->prop[0].num,
		    psa->prop[0].xf[0].num);
	if (rc == IKE_OK && psa->prop[0].proto != IKE_PROTO_ISAKMP)
		rc = diag_set(dg, IKE_EMALFORMED, psa->prop[0].off + 5,
		    "the proposal's protocol is %u, not PROTO_ISAKMP (1)",
		    psa->prop[0].proto);
	if (rc == IKE_OK)
		rc = pld_p1_from_xform(&psa->prop[0].xf[0], &got, dg);
	if (rc == IKE_OK && !p1_match(&p->cfg.p1, &got))
		rc = diag_set(dg, IKE_EMALFORMED, sar->off,
		    "the responder chose a transform that was not offered");
	free(psa);
	return rc;
}

/* Tell the responder that HASH_R failed, as the profile does it. */
static void
auth_failed(struct sess *s, struct peer *p)
{
	struct p1sa	*sa = &p->p1;
	struct pkt	*pk;
	uint8_t		 spi[16];
	int		 n = 0;

	switch (p->cfg.auth_fail) {
	case AUTH_FAIL_PLAIN:
		n = send_plain_notify(s, p, IKE_N_AUTHENTICATION_FAILED,
		    "HASH_R in AG2 does not verify");
		break;
	case AUTH_FAIL_ENCRYPTED:
		/* Under its own keys, which the responder does not share. */
		memcpy(sa->last_block, sa->keys.iv0, sa->keys.blen);
		memcpy(spi, sa->icookie, 8);
		memcpy(spi + 8, sa->rcookie, 8);
		n = send_enc_notify(s, p, IKE_N_AUTHENTICATION_FAILED,
		    IKE_PROTO_ISAKMP, spi, sizeof(spi),
		    "HASH_R in AG2 does not verify (under the initiator's own "
		    "keys, which the responder cannot share)");
		break;
	case AUTH_FAIL_INVALID_HASH:
		n = send_plain_notify(s, p, IKE_N_INVALID_HASH_INFORMATION,
		    "HASH_R in AG2 does not verify");
		break;
	}
	/* The notify becomes the stored message that copies of AG2 get. */
	if (n > 0 && (pk = sess_pkt(s, n)) != NULL &&
	    store_out(&sa->out, &pk->bytes, pk->label) == IKE_OK)
		sa->out.seq = pk->seq;
}

/* Initiator: AG2 arrived; check HASH_R and answer with AG3. */
static void
i_recv_ag2(struct sess *s, struct peer *p, int n, const struct buf *m,
    const struct pld_hdr *h, const struct pld_chain *c)
{
	static const uint8_t	 need[] = { IKE_PLD_SA, IKE_PLD_KE,
	    IKE_PLD_NONCE, IKE_PLD_ID, IKE_PLD_HASH, 0 };
	struct p1sa		*sa = &p->p1;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	const struct pld_ref	*ke, *no, *id, *hr;
	struct pld_wr		 w;
	struct buf		 b = { 0 };
	char			 label[TR_LABEL_LEN], why[TR_TEXT_LEN];
	uint8_t			 iv[CRYPTO_MAX_BLOCK];

	if (need_payloads(c, need, &dg) != IKE_OK ||
	    check_id(c, &dg) != IKE_OK ||
	    i_check_ag2_sa(p, pld_find(c, IKE_PLD_SA), &dg) != IKE_OK) {
		diag_text(&dg, why, sizeof(why));
		discard(s, p, n, "AG2 rejected: %s", why);
		return;
	}
	ke = pld_find(c, IKE_PLD_KE);
	no = pld_find(c, IKE_PLD_NONCE);
	id = pld_find(c, IKE_PLD_ID);
	hr = pld_find(c, IKE_PLD_HASH);
	if (ke->body_len != sa->glen) {
		discard(s, p, n, "AG2 rejected: KE payload at offset %zu: %zu "
		    "bytes, group %u needs %zu", ke->off, ke->body_len,
		    sa->chosen.group, sa->glen);
		return;
	}
	memcpy(sa->rcookie, h->rcookie, IKE_COOKIE_LEN);
	memcpy(sa->gxr, ke->body, sa->glen);
	if (buf_set(&sa->nr, no->body, no->body_len) ||
	    buf_set(&sa->idr_b, id->body, id->body_len))
		return;
	if (p1_derive(s, p, ke->body, ke->body_len, &dg) != IKE_OK) {
		diag_text(&dg, why, sizeof(why));
		discard(s, p, n, "AG2 rejected: KE payload at offset %zu: %s",
		    ke->off, why);
		memset(sa->rcookie, 0, IKE_COOKIE_LEN);
		sa->has_keys = false;
		return;
	}
	if (hr->body_len != sa->keys.hlen ||
	    !crypto_equal(hr->body, sa->hash_r, sa->keys.hlen)) {
		eng_timer_cancel(s, p, &sa->tm, "phase 1 failed");
		discard(s, p, n, "HASH_R mismatch at offset %zu", hr->off);
		eng_p1_state(s, p, P1_FAILED,
		    "HASH_R mismatch: wrong pre-shared key?");
		buf_copy(&sa->last_rx, m);
		auth_failed(s, p);
		/* A failed phase 1 is kept that long after the last AG2. */
		p1_arm_life(s, p, s->now_ms);
		return;
	}
	eng_timer_cancel(s, p, &sa->tm, "AG2 answered AG1");
	if (buf_copy(&sa->last_rx, m) ||
	    msg_begin(&w, &b, sa, IKE_EXCH_AGGRESSIVE,
	    p->cfg.ag3_plain ? 0 : IKE_FLAG_ENC, 0) ||
	    pld_add_raw(&w, IKE_PLD_HASH, sa->hash_i, sa->keys.hlen))
		goto out;
	pld_wr_done(&w);
	/* RFC 2409 5.3: AG3 uses the phase 1 IV; a plain AG3 leaves it. */
	memcpy(iv, sa->keys.iv0, sa->keys.blen);
	memcpy(sa->last_block, sa->keys.iv0, sa->keys.blen);
	if (!p->cfg.ag3_plain && msg_encrypt(s, sa, iv, &b, sa->last_block))
		goto out;
	sess_label(label, "AG", 3, sa->inst);
	eng_p1_state(s, p, AM_I_DONE, "HASH_R verified; sent %s (%s), "
	    "the last message of Aggressive Mode", label,
	    p->cfg.ag3_plain ? "plain" : "encrypted");
	if (send_stored(s, p, &sa->out, &b, label) < 0)
		goto out;
	eng_eventf(s, TR_SA_UP, p->name, 0, label,
	    "ISAKMP SA established (initiator)");
	if (p->cfg.auto_qm)
		(void)peer_start_qm(s, p);
out:
	buf_free(&b);
}

/*
 * Decrypt the body of message M with IV into OUT and parse its chain.
 * LAST gets the last ciphertext block.
 */
static int
decrypt_parse(const struct p1sa *sa, const uint8_t *iv,
    const struct buf *m, const struct pld_hdr *h, struct buf *out,
    uint8_t *last, struct pld_chain *c, struct ike_diag *dg)
{
	int	rc;

	rc = keys_decrypt(&sa->keys, iv, m->p + IKE_HDR_LEN,
	    m->len - IKE_HDR_LEN, out, last, dg);
	if (rc != IKE_OK) {
		dg->off = IKE_HDR_LEN;
		return rc;
	}
	return pld_chain_parse(out->p, out->len, IKE_HDR_LEN, h->next, c,
	    dg);
}

/*
 * Keep the decrypted body of packet N for `show`, unless N is the last
 * fragment of a reassembled message (its bytes are not the message).
 */
static void
keep_plain(struct sess *s, int n, const struct buf *plain)
{
	struct pkt	*pk = sess_pkt(s, n);

	if (pk == NULL || (pk->bytes.len > 16 &&
	    pk->bytes.p[16] == IKE_PLD_FRAG))
		return;
	if (buf_copy(&pk->plain, plain) == IKE_OK)
		pk->plain_by_sender = false;
}

/* Cut "[k/n]" off a fragment's label: AG2b[1/2] -> AG2b. */
static void
label_whole(const char *label, char *out)
{
	snprintf(out, TR_LABEL_LEN, "%.*s", (int)strcspn(label, "["), label);
}

static void recv_msg(struct sess *s, struct peer *p, int n,
    const struct buf *m, const struct pld_hdr *h, const char *label,
    bool reasm);

/*
 * Process the Quick Mode message that early-qm queue held, now that
 * phase 1 is complete: the packet (its number is the first 4 bytes of
 * P->queued) again, or, for a message reassembled from fragments, the
 * whole message kept after the number.
 */
static void
recv_queued(struct sess *s, struct peer *p)
{
	struct buf	 q = p->queued, whole = { 0 };
	struct pld_hdr	 h;
	struct pkt	*pk;
	char		 label[TR_LABEL_LEN];

	memset(&p->queued, 0, sizeof(p->queued));
	pk = sess_pkt(s, (int)be32(q.p));
	if (pk == NULL)
		goto out;
	label_whole(pk->label, label);
	eng_eventf(s, TR_DELIVER, 'i', pk->num, q.len > 4 ? label : pk->label,
	    "queued message processed now that phase 1 is complete");
	if (q.len <= 4)
		peer_recv(s, p, pk);
	else if (buf_set(&whole, q.p + 4, q.len - 4) == IKE_OK &&
	    pld_hdr_parse(whole.p, whole.len, &h, NULL) == IKE_OK)
		recv_msg(s, p, pk->num, &whole, &h, label, true);
out:
	buf_free(&whole);
	buf_free(&q);
}

/* Responder: AG3 arrived; check HASH_I and complete phase 1. */
static void
r_recv_ag3(struct sess *s, struct peer *p, int n, const struct buf *m,
    const struct pld_hdr *h)
{
	struct p1sa		*sa = &p->p1;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	struct pld_chain	*c;
	const struct pld_ref	*hi;
	struct buf		 plain = { 0 };
	uint8_t			 last[CRYPTO_MAX_BLOCK];
	char			 why[TR_TEXT_LEN];

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return;
	memcpy(last, sa->keys.iv0, sa->keys.blen);
	if (h->flags & IKE_FLAG_ENC) {
		if (decrypt_parse(sa, sa->keys.iv0, m, h, &plain, last, c,
		    &dg) != IKE_OK) {
			diag_text(&dg, why, sizeof(why));
			discard(s, p, n, "AG3 rejected: %s", why);
			goto out;
		}
		keep_plain(s, n, &plain);
	} else if (pld_chain_parse(m->p + IKE_HDR_LEN, m->len - IKE_HDR_LEN,
	    IKE_HDR_LEN, h->next, c, &dg) != IKE_OK) {
		diag_text(&dg, why, sizeof(why));
		discard(s, p, n, "AG3 rejected: %s", why);
		goto out;
	}
	hi = pld_find(c, IKE_PLD_HASH);
	if (hi == NULL) {
		discard(s, p, n, "AG3 rejected: the HASH payload is missing");
		goto out;
	}
	if (hi->body_len != sa->keys.hlen ||
	    !crypto_equal(hi->body, sa->hash_i, sa->keys.hlen)) {
		discard(s, p, n, "HASH_I mismatch at offset %zu", hi->off);
		goto out;
	}
	memcpy(sa->last_block, last, sa->keys.blen);
	buf_copy(&sa->last_rx, m);
	eng_timer_cancel(s, p, &sa->tm, "AG3 completed phase 1");
	eng_timer_cancel(s, p, &sa->life, "phase 1 is complete");
	eng_p1_state(s, p, AM_R_DONE, "HASH_I verified in %s",
	    rx_label(s, p, n));
	eng_eventf(s, TR_SA_UP, p->name, 0, rx_label(s, p, n),
	    "ISAKMP SA established (responder)");
	if (p->queued.len > 0)
		recv_queued(s, p);
out:
	buf_free(&plain);
	free(c);
}

/* Aggressive Mode message N at peer P. */
static void
recv_aggressive(struct sess *s, struct peer *p, int n, const struct buf *m,
    const struct pld_hdr *h)
{
	struct p1sa		*sa = &p->p1;
	struct pld_chain	*c = NULL;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	bool			 is_ag1;
	char			 why[TR_TEXT_LEN];

	is_ag1 = memcmp(h->rcookie, zero_cookie, IKE_COOKIE_LEN) == 0;
	if (h->msgid != 0) {
		discard(s, p, n, "HDR at offset 20: message ID %08x in "
		    "Aggressive Mode (phase 1 uses 0, RFC 2408 3.1)", h->msgid);
		return;
	}
	/* A failed or deleted phase 1 does not stop a new attempt. */
	if (p->name == 'r' && is_ag1 && sa->st != P1_NONE &&
	    sa->st != P1_FAILED && sa->st != P1_DELETED &&
	    memcmp(h->icookie, sa->icookie, IKE_COOKIE_LEN) == 0) {
		if (buf_eq(m, &sa->last_rx) && sa->out.bytes.len > 0) {
			answer_dup(s, p, n, &sa->dups, &sa->out, "AG1");
			return;
		}
		discard(s, p, n, "AG1 for a phase 1 that already exists");
		return;
	}
	if (p->name == 'i' && sa->st != P1_NONE &&
	    memcmp(h->icookie, sa->icookie, IKE_COOKIE_LEN) == 0 &&
	    sa->st != AM_I_SENT1) {
		if (sa->st == P1_FAILED && p->cfg.fail_resend &&
		    buf_eq(m, &sa->last_rx) && sa->out.bytes.len > 0) {
			eng_resend(s, PEER_I, &sa->out, 0, "duplicate of the "
			    "failed AG2: answers it with its notify again "
			    "(fail-resend on)");
			p1_arm_life(s, p, s->now_ms);
			return;
		}
		if (sa->st == P1_FAILED || sa->st == P1_DELETED) {
			discard(s, p, n, "SA %s", sa->st == P1_FAILED ?
			    "failed" : "deleted");
			return;
		}
		if (buf_eq(m, &sa->last_rx)) {
			answer_dup(s, p, n, &sa->dups, &sa->out, "AG2");
			return;
		}
		discard(s, p, n, "AG2 after phase 1 is complete, and not a "
		    "duplicate");
		return;
	}
	if (p->name == 'r' && !is_ag1) {
		if (sa->st == P1_NONE || memcmp(h->icookie, sa->icookie, 8) ||
		    memcmp(h->rcookie, sa->rcookie, 8)) {
			discard(s, p, n, "no phase 1 with these cookies");
			return;
		}
		if (sa->st == AM_R_DONE) {
			discard(s, p, n, "duplicate AG3: phase 1 is already "
			    "complete");
			return;
		}
		if (sa->st != AM_R_SENT2) {
			discard(s, p, n, "phase 1 is %s",
			    sess_p1_state_name(sa->st));
			return;
		}
		r_recv_ag3(s, p, n, m, h);
		return;
	}
	if (p->name == 'i' && (sa->st != AM_I_SENT1 ||
	    memcmp(h->icookie, sa->icookie, IKE_COOKIE_LEN) != 0)) {
		discard(s, p, n, "no phase 1 with this initiator cookie");
		return;
	}
	if (p->name == 'i' && is_ag1) {
		discard(s, p, n, "an AG1 cannot come from the responder");
		return;
	}
	if (h->flags & IKE_FLAG_ENC) {
		discard(s, p, n, "AG%d must not be encrypted", is_ag1 ? 1 : 2);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return;
	if (pld_chain_parse(m->p + IKE_HDR_LEN, m->len - IKE_HDR_LEN,
	    IKE_HDR_LEN, h->next, c, &dg) != IKE_OK) {
		diag_text(&dg, why, sizeof(why));
		discard(s, p, n, "%s", why);
	} else if (p->name == 'r')
		r_recv_ag1(s, p, n, m, h, c);
	else
		i_recv_ag2(s, p, n, m, h, c);
	free(c);
}

/* A new Quick Mode slot at peer P, or NULL when all are used. */
static struct qmx *
qm_new(struct sess *s, struct peer *p)
{
	struct qmx	*q;

	if (p->nqm == SESS_MAX_QM) {
		/* Reuse the oldest finished slot's place: shift down. */
		eng_timer_cancel(s, p, &p->qm[0].tm, "Quick Mode forgotten");
		qm_clear(&p->qm[0]);
		memmove(&p->qm[0], &p->qm[1],
		    (SESS_MAX_QM - 1) * sizeof(p->qm[0]));
		p->nqm--;
		memset(&p->qm[p->nqm], 0, sizeof(p->qm[0]));
	}
	q = &p->qm[p->nqm++];
	memset(q, 0, sizeof(*q));
	return q;
}

static struct qmx *
qm_find(struct peer *p, uint32_t msgid)
{
	size_t	k;

	for (k = p->nqm; k-- > 0;)
		if (p->qm[k].msgid == msgid)
			return &p->qm[k];
	return NULL;
}

/* Write a 32-bit SPI in network order into 4 bytes. */
static void
put_spi(uint8_t *o, uint32_t spi)
{
	o[0] = (uint8_t)(spi >> 24);
	o[1] = (uint8_t)(spi >> 16);
	o[2] = (uint8_t)(spi >> 8);
	o[3] = (uint8_t)spi;
}

/* Key bytes an ESP transform needs: encryption, then integrity. */
static size_t
esp_keymat_len(const struct p2_prop *p)
{
	size_t	e, a;

	e = p->esp_id == IKE_ESP_3DES ? 24 : (size_t)p->keylen / 8;
	a = p->auth == IKE_ESP_AUTH_MD5 ? 16 : p->auth == IKE_ESP_AUTH_SHA1 ?
	    20 : 32;
	return e + a;
}

/* KEYMAT for both directions of Quick Mode Q (RFC 2409 5.5). */
static int
qm_keymat(struct sess *s, struct peer *p, struct qmx *q)
{
	const struct p1sa	*sa = &p->p1;
	const uint8_t		*g = q->chosen.group ? q->gqm : NULL;
	size_t			 len = esp_keymat_len(&q->chosen);
	struct tr_event		*ev;

	if (buf_set(&q->keymat_ir, NULL, len) ||
	    buf_set(&q->keymat_ri, NULL, len))
		return IKE_ENOMEM;
	if (keys_keymat(&sa->keys, g, q->gqlen, IKE_PROTO_ESP, q->spi_r,
	    q->ni.p, q->ni.len, q->nr.p, q->nr.len, q->keymat_ir.p, len) ||
	    keys_keymat(&sa->keys, g, q->gqlen, IKE_PROTO_ESP, q->spi_i,
	    q->ni.p, q->ni.len, q->nr.p, q->nr.len, q->keymat_ri.p, len))
		return IKE_ECRYPTO;
	ev = eng_eventf(s, TR_KEYS, p->name, 0, "",
	    "phase 2: KEYMAT for SPIs %08x (i>r) and %08x (r>i)", q->spi_r,
	    q->spi_i);
	if (ev != NULL)
		ev->msgid = q->msgid;
	return IKE_OK;
}

/*
 * Build a Quick Mode message: HASH (filled by the caller's FILL), SA,
 * nonce, KE with PFS and client IDs when configured. Returns the
 * plaintext message in B with a zeroed HASH placeholder.
 */
static int
qm_build(struct peer *p, struct qmx *q, bool is_qm1, struct buf *b)
{
	const struct p1sa	*sa = &p->p1;
	struct pld_wr		 w;
	uint8_t			 zero[CRYPTO_MAX_HASH] = { 0 };
	const struct buf	*nonce = is_qm1 ? &q->ni : &q->nr;
	const uint8_t		*ke = is_qm1 ? q->gqi : q->gqr;
	const struct p2_prop	*prop = is_qm1 ? &p->cfg.p2 : &q->chosen;

	if (msg_begin(&w, b, sa, IKE_EXCH_QUICK, IKE_FLAG_ENC, q->msgid) ||
	    pld_add_raw(&w, IKE_PLD_HASH, zero, sa->keys.hlen) ||
	    pld_add_sa_p2(&w, is_qm1 ? q->spi_i : q->spi_r, prop, 1) ||
	    pld_add_raw(&w, IKE_PLD_NONCE, nonce->p, nonce->len))
		return IKE_ENOMEM;
	if (prop->group != 0 && pld_add_raw(&w, IKE_PLD_KE, ke, q->gqlen))
		return IKE_ENOMEM;
	if (p->cfg.client_ids && (add_client_id(&w, p->name == 'i' ?
	    p->cfg.idci : p->cfg.idcr) || add_client_id(&w, p->name == 'i' ?
	    p->cfg.idcr : p->cfg.idci)))
		return IKE_ENOMEM;
	pld_wr_done(&w);
	return IKE_OK;
}

/* Bytes after the leading HASH payload of plaintext message B. */
static size_t
after_hash(const struct p1sa *sa)
{
	return IKE_HDR_LEN + IKE_GENERIC_LEN + sa->keys.hlen;
}

/* Encrypt B with Q's IV and move the IV on (CBC across messages). */
static int
qm_encrypt(struct sess *s, struct p1sa *sa, struct qmx *q, struct buf *b)
{
	return msg_encrypt(s, sa, q->iv, b, q->iv);
}

int
peer_start_qm(struct sess *s, struct peer *p)
{
	struct p1sa	*sa = &p->p1;
	struct qmx	*q;
	struct buf	 b = { 0 };
	struct ike_diag	 dg = IKE_DIAG_INIT;
	char		 label[TR_LABEL_LEN];
	size_t		 hs;
	int		 rc = IKE_ENOMEM;

	if (sa->st != AM_I_DONE)
		return IKE_ESTATE;
	q = qm_new(s, p);
	q->inst = ++s->qm_inst;
	q->is_initiator = true;
	do {
		rng_nonzero(&s->rng_crypto, &q->msgid, sizeof(q->msgid));
	} while (q->msgid == 0);
	rng_nonzero(&s->rng_crypto, &q->spi_i, sizeof(q->spi_i));
	if (buf_add(&q->ni, NULL, p->cfg.nonce_len))
		goto out;
	rng_bytes(&s->rng_crypto, q->ni.p, q->ni.len);
	q->chosen = p->cfg.p2;
	if (p->cfg.p2.group != 0) {
		q->gqlen = crypto_group_len(p->cfg.p2.group);
		rng_bytes(&s->rng_crypto, q->priv, sizeof(q->priv));
		if ((rc = crypto_dh_pub(p->cfg.p2.group, q->priv,
		    sizeof(q->priv), q->gqi, &dg)) != IKE_OK)
			goto out;
	}
	if ((rc = qm_build(p, q, true, &b)) != IKE_OK)
		goto out;
	hs = after_hash(sa);
	if ((rc = keys_qm_hash1(&sa->keys, q->msgid, b.p + hs, b.len - hs,
	    b.p + IKE_HDR_LEN + IKE_GENERIC_LEN)) != IKE_OK ||
	    (rc = keys_exch_iv(&sa->keys, sa->last_block, q->msgid,
	    q->iv)) != IKE_OK ||
	    (rc = qm_encrypt(s, sa, q, &b)) != IKE_OK)
		goto out;
	sess_label(label, "QM", 1, q->inst);
	eng_qm_state(s, p, q, QM_I_SENT1, "sent %s: HASH(1), SA, Ni%s",
	    label, p->cfg.p2.group ? ", KE (PFS)" : "");
	q->first_sent_ms = s->now_ms;
	if ((rc = send_stored(s, p, &q->out, &b, label)) < 0)
		goto out;
	eng_timer_start(s, p, &q->tm, &q->out);
	rc = IKE_OK;
out:
	buf_free(&b);
	return rc;
}

/* Check HASH(N) of a decrypted Quick Mode message. */
static bool
qm_hash_ok(const struct p1sa *sa, const struct pld_chain *c,
    const struct buf *plain, uint32_t msgid, const struct buf *ni,
    int which, struct ike_diag *dg)
{
	const struct pld_ref	*hp = &c->p[0];
	uint8_t			 h[CRYPTO_MAX_HASH];
	size_t			 rs, re;
	int			 rc;

	if (c->n == 0 || hp->type != IKE_PLD_HASH) {
		diag_set(dg, IKE_EMALFORMED, IKE_HDR_LEN,
		    "HASH must be the first payload");
		return false;
	}
	/* Everything after HASH up to the end of the last payload. */
	rs = hp->off + hp->len - IKE_HDR_LEN;
	re = c->end - IKE_HDR_LEN;
	if (which == 1)
		rc = keys_qm_hash1(&sa->keys, msgid, plain->p + rs, re - rs,
		    h);
	else
		rc = keys_qm_hash2(&sa->keys, msgid, ni->p, ni->len,
		    plain->p + rs, re - rs, h);
	if (rc != IKE_OK || hp->body_len != sa->keys.hlen ||
	    !crypto_equal(h, hp->body, sa->keys.hlen)) {
		diag_set(dg, IKE_EAUTH, hp->off, "HASH(%d) mismatch", which);
		diag_pld(dg, "HASH");
		return false;
	}
	return true;
}

/* Read the single ESP transform of a Quick Mode SA payload. */
static int
qm_read_sa(const struct pld_chain *c, struct p2_prop *out, uint32_t *spi,
    struct ike_diag *dg)
{
	const struct pld_ref	*r = pld_find(c, IKE_PLD_SA);
	const struct pld_prop	*pr;
	struct pld_sa		*psa;
	int			 rc;

	if (r == NULL)
		return diag_set(dg, IKE_EMALFORMED, SIZE_MAX,
		    "the SA payload is missing");
	if ((psa = calloc(1, sizeof(*psa))) == NULL)
		return IKE_ENOMEM;
	rc = pld_sa_parse(r, psa, dg);
	pr = &psa->prop[0];
	if (rc == IKE_OK && (pr->proto != IKE_PROTO_ESP ||
	    pr->spi_size != 4 || pr->nxf < 1))
		rc = diag_set(dg, IKE_EMALFORMED, pr->off,
		    "expected an ESP proposal with a 4-byte SPI");
	if (rc == IKE_OK)
		rc = pld_p2_from_xform(&pr->xf[0], out, dg);
	if (rc == IKE_OK)
		*spi = be32(pr->spi);
	free(psa);
	return rc;
}

static bool
p2_match(const struct p2_prop *a, const struct p2_prop *b)
{
	return a->esp_id == b->esp_id && a->keylen == b->keylen &&
	    a->auth == b->auth && a->group == b->group && a->encap == b->encap;
}

/* Store the peer's PFS KE value of Quick Mode Q and derive g(qm)^xy. */
static int
qm_pfs(struct qmx *q, const struct pld_chain *c, bool from_i,
    struct ike_diag *dg)
{
	const struct pld_ref	*ke = pld_find(c, IKE_PLD_KE);

	if (q->chosen.group == 0)
		return ke == NULL ? IKE_OK : diag_set(dg, IKE_EMALFORMED,
		    ke->off, "KE without PFS in the SA");
	if (ke == NULL)
		return diag_set(dg, IKE_EMALFORMED, SIZE_MAX,
		    "PFS was negotiated but the KE payload is missing");
	if (ke->body_len != q->gqlen)
		return diag_set(dg, IKE_EMALFORMED, ke->off,
		    "KE is %zu bytes, group %u needs %zu", ke->body_len,
		    q->chosen.group, q->gqlen);
	memcpy(from_i ? q->gqi : q->gqr, ke->body, q->gqlen);
	return crypto_dh_shared(q->chosen.group, q->priv, sizeof(q->priv),
	    ke->body, ke->body_len, q->gqm, dg);
}

/* Responder: a new QM1 (phase 1 complete). Answer with QM2. */
static void
r_recv_qm1(struct sess *s, struct peer *p, int n, const struct buf *m,
    const struct pld_hdr *h)
{
	struct p1sa		*sa = &p->p1;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	struct pld_chain	*c;
	struct buf		 plain = { 0 }, b = { 0 };
	struct qmx		 tmp, *q;
	const struct pld_ref	*no;
	uint8_t			 iv[CRYPTO_MAX_BLOCK];
	char			 label[TR_LABEL_LEN], why[TR_TEXT_LEN];
	size_t			 hs;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return;
	memset(&tmp, 0, sizeof(tmp));
	tmp.msgid = h->msgid;
	if (keys_exch_iv(&sa->keys, sa->last_block, h->msgid, iv) ||
	    decrypt_parse(sa, iv, m, h, &plain, tmp.iv, c, &dg) != IKE_OK)
		goto bad;
	keep_plain(s, n, &plain);
	if (!qm_hash_ok(sa, c, &plain, h->msgid, NULL, 1, &dg) ||
	    qm_read_sa(c, &tmp.chosen, &tmp.spi_i, &dg) != IKE_OK)
		goto bad;
	if ((no = pld_find(c, IKE_PLD_NONCE)) == NULL) {
		diag_set(&dg, IKE_EMALFORMED, SIZE_MAX,
		    "the NONCE payload is missing");
		goto bad;
	}
	if (!p2_match(&p->cfg.p2, &tmp.chosen)) {
		discard(s, p, n, "QM1 offers no proposal this responder "
		    "accepts");
		uint8_t	spib[4];

		put_spi(spib, tmp.spi_i);
		send_enc_notify(s, p, IKE_N_NO_PROPOSAL_CHOSEN, IKE_PROTO_ESP,
		    spib, sizeof(spib), "no acceptable proposal in QM1");
		goto out;
	}
	/*
	 * Not measured on the real daemons: every profile answers as the
	 * RFC model does, with an encrypted INVALID-ID-INFORMATION.
	 */
	if (!qm1_ids_ok(p, c, why, sizeof(why))) {
		uint8_t	spib[4];

		discard(s, p, n, "%s", why);
		put_spi(spib, tmp.spi_i);
		send_enc_notify(s, p, IKE_N_INVALID_ID_INFORMATION,
		    IKE_PROTO_ESP, spib, sizeof(spib), "QM1's client IDs "
		    "are not this responder's");
		goto out;
	}
	q = qm_new(s, p);
	*q = tmp;
	q->inst = 1;
	if (strchr(rx_label(s, p, n), '.') != NULL)
		q->inst = atoi(strchr(rx_label(s, p, n), '.') + 1);
	q->chosen.life = p->cfg.p2.life;
	q->gqlen = crypto_group_len(q->chosen.group);
	if (q->chosen.group != 0)
		rng_bytes(&s->rng_crypto, q->priv, sizeof(q->priv));
	if (q->chosen.group != 0 && crypto_dh_pub(q->chosen.group, q->priv,
	    sizeof(q->priv), q->gqr, &dg) != IKE_OK)
		goto bad_q;
	if (qm_pfs(q, c, true, &dg) != IKE_OK)
		goto bad_q;
	rng_nonzero(&s->rng_crypto, &q->spi_r, sizeof(q->spi_r));
	if (buf_set(&q->ni, no->body, no->body_len) ||
	    buf_add(&q->nr, NULL, p->cfg.nonce_len) ||
	    buf_copy(&q->last_rx, m))
		goto out;
	rng_bytes(&s->rng_crypto, q->nr.p, q->nr.len);
	if (qm_build(p, q, false, &b) != IKE_OK)
		goto out;
	hs = after_hash(sa);
	if (keys_qm_hash2(&sa->keys, q->msgid, q->ni.p, q->ni.len,
	    b.p + hs, b.len - hs, b.p + IKE_HDR_LEN + IKE_GENERIC_LEN) ||
	    qm_encrypt(s, sa, q, &b) || qm_keymat(s, p, q))
		goto out;
	sess_label(label, "QM", 2, q->inst);
	eng_qm_state(s, p, q, QM_R_SENT2, "HASH(1) verified; sent %s",
	    label);
	q->first_sent_ms = s->now_ms;
	if (send_stored(s, p, &q->out, &b, label) >= 0)
		eng_timer_start(s, p, &q->tm, &q->out);
	goto out;
bad_q:
	qm_clear(q);
	p->nqm--;
bad:
	diag_text(&dg, why, sizeof(why));
	discard(s, p, n, "QM1 rejected: %s", why);
out:
	buf_free(&plain);
	buf_free(&b);
	free(c);
}

/* Initiator: QM2 arrived for Quick Mode Q. Answer with QM3. */
static void
i_recv_qm2(struct sess *s, struct peer *p, int n, const struct buf *m,
    const struct pld_hdr *h, struct qmx *q)
{
	struct p1sa		*sa = &p->p1;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	struct pld_chain	*c;
	struct buf		 plain = { 0 }, b = { 0 };
	struct pld_wr		 w;
	struct p2_prop		 got;
	const struct pld_ref	*no;
	uint8_t			 iv[CRYPTO_MAX_BLOCK], zero[CRYPTO_MAX_HASH];
	char			 label[TR_LABEL_LEN], why[TR_TEXT_LEN];
	struct tr_event		*ev;
	uint32_t		 spi;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return;
	memcpy(iv, q->iv, sizeof(iv));
	if (decrypt_parse(sa, q->iv, m, h, &plain, iv, c, &dg) != IKE_OK)
		goto bad;
	keep_plain(s, n, &plain);
	if (!qm_hash_ok(sa, c, &plain, q->msgid, &q->ni, 2, &dg) ||
	    qm_read_sa(c, &got, &spi, &dg) != IKE_OK)
		goto bad;
	if (!p2_match(&q->chosen, &got)) {
		diag_set(&dg, IKE_EMALFORMED, SIZE_MAX,
		    "the responder chose a transform that was not offered");
		goto bad;
	}
	if ((no = pld_find(c, IKE_PLD_NONCE)) == NULL) {
		diag_set(&dg, IKE_EMALFORMED, SIZE_MAX,
		    "the NONCE payload is missing");
		goto bad;
	}
	if (qm_pfs(q, c, false, &dg) != IKE_OK)
		goto bad;
	/* Authenticated: now the IV may move on (reference 6.4). */
	memcpy(q->iv, iv, sizeof(iv));
	q->spi_r = spi;
	eng_timer_cancel(s, p, &q->tm, "QM2 answered QM1");
	memset(zero, 0, sizeof(zero));
	if (buf_set(&q->nr, no->body, no->body_len) ||
	    buf_copy(&q->last_rx, m) ||
	    msg_begin(&w, &b, sa, IKE_EXCH_QUICK, IKE_FLAG_ENC, q->msgid) ||
	    pld_add_raw(&w, IKE_PLD_HASH, zero, sa->keys.hlen))
		goto out;
	pld_wr_done(&w);
	if (keys_qm_hash3(&sa->keys, q->msgid, q->ni.p, q->ni.len, q->nr.p,
	    q->nr.len, b.p + IKE_HDR_LEN + IKE_GENERIC_LEN) ||
	    qm_encrypt(s, sa, q, &b) || qm_keymat(s, p, q))
		goto out;
	sess_label(label, "QM", 3, q->inst);
	eng_qm_state(s, p, q, QM_I_DONE, "HASH(2) verified; sent %s, the "
	    "last message of Quick Mode", label);
	if (send_stored(s, p, &q->out, &b, label) < 0)
		goto out;
	ev = eng_eventf(s, TR_SA_UP, p->name, 0, label,
	    "IPsec SAs installed: out %08x, in %08x", q->spi_r, q->spi_i);
	if (ev != NULL)
		ev->spi = q->spi_r;
	goto out;
bad:
	diag_text(&dg, why, sizeof(why));
	discard(s, p, n, "QM2 rejected: %s", why);
out:
	buf_free(&plain);
	buf_free(&b);
	free(c);
}

/* Responder: QM3 arrived for Quick Mode Q. */
static void
r_recv_qm3(struct sess *s, struct peer *p, int n, const struct buf *m,
    const struct pld_hdr *h, struct qmx *q)
{
	struct p1sa		*sa = &p->p1;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	struct pld_chain	*c;
	struct buf		 plain = { 0 };
	const struct pld_ref	*hp;
	uint8_t			 iv[CRYPTO_MAX_BLOCK], want[CRYPTO_MAX_HASH];
	char			 why[TR_TEXT_LEN];
	struct tr_event		*ev;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return;
	memcpy(iv, q->iv, sizeof(iv));
	if (decrypt_parse(sa, q->iv, m, h, &plain, iv, c, &dg) != IKE_OK)
		goto bad;
	keep_plain(s, n, &plain);
	hp = &c->p[0];
	if (c->n == 0 || hp->type != IKE_PLD_HASH) {
		diag_set(&dg, IKE_EMALFORMED, IKE_HDR_LEN,
		    "HASH must be the first payload");
		goto bad;
	}
	if (keys_qm_hash3(&sa->keys, q->msgid, q->ni.p, q->ni.len, q->nr.p,
	    q->nr.len, want) || hp->body_len != sa->keys.hlen ||
	    !crypto_equal(want, hp->body, sa->keys.hlen)) {
		diag_set(&dg, IKE_EAUTH, hp->off, "HASH(3) mismatch");
		diag_pld(&dg, "HASH");
		goto bad;
	}
	memcpy(q->iv, iv, sizeof(iv));
	buf_copy(&q->last_rx, m);
	eng_timer_cancel(s, p, &q->tm, "QM3 completed Quick Mode");
	eng_qm_state(s, p, q, QM_R_DONE, "HASH(3) verified in %s",
	    rx_label(s, p, n));
	ev = eng_eventf(s, TR_SA_UP, p->name, 0, rx_label(s, p, n),
	    "IPsec SAs installed: out %08x, in %08x", q->spi_i, q->spi_r);
	if (ev != NULL)
		ev->spi = q->spi_i;
	goto out;
bad:
	diag_text(&dg, why, sizeof(why));
	discard(s, p, n, "QM3 rejected: %s", why);
out:
	buf_free(&plain);
	free(c);
}

/* Quick Mode that arrives before the responder's phase 1 is complete. */
static void
r_early_qm(struct sess *s, struct peer *p, int n, const struct buf *m)
{
	uint8_t	numb[4];

	switch (p->cfg.early_qm) {
	case EARLY_QM_DROP:
		discard(s, p, n, "phase 1 incomplete");
		break;
	case EARLY_QM_NOTIFY:
		discard(s, p, n, "phase 1 incomplete; answered with a notify");
		send_plain_notify(s, p, IKE_N_PAYLOAD_MALFORMED,
		    "Quick Mode before phase 1 is complete");
		break;
	case EARLY_QM_QUEUE:
		if (p->queued.len > 0) {
			discard(s, p, n, "phase 1 incomplete; the queue "
			    "(one message) is full");
			break;
		}
		/*
		 * Keep the packet number; the packet keeps its bytes, but
		 * the last fragment of a reassembled message does not.
		 */
		put_spi(numb, (uint32_t)n);
		if (buf_set(&p->queued, numb, sizeof(numb)) == IKE_OK &&
		    p->rx_reasm)
			(void)buf_add(&p->queued, m->p, m->len);
		discard(s, p, n, "phase 1 incomplete; queued until it is");
		break;
	}
}

/* Quick Mode message N at peer P. */
static void
recv_quick(struct sess *s, struct peer *p, int n, const struct buf *m,
    const struct pld_hdr *h)
{
	struct p1sa	*sa = &p->p1;
	struct qmx	*q;

	if (sa->st == P1_NONE || !sa->has_keys ||
	    memcmp(h->icookie, sa->icookie, 8) ||
	    memcmp(h->rcookie, sa->rcookie, 8)) {
		discard(s, p, n, "no ISAKMP SA for these cookies");
		return;
	}
	if (!(h->flags & IKE_FLAG_ENC)) {
		discard(s, p, n, "Quick Mode must be encrypted");
		return;
	}
	if (h->msgid == 0) {
		discard(s, p, n, "Quick Mode with message ID 0");
		return;
	}
	if (p->name == 'r' && sa->st == AM_R_SENT2) {
		r_early_qm(s, p, n, m);
		return;
	}
	if (sa->st != AM_R_DONE && sa->st != AM_I_DONE) {
		discard(s, p, n, "phase 1 is %s", sess_p1_state_name(sa->st));
		return;
	}
	q = qm_find(p, h->msgid);
	if (q != NULL && buf_eq(m, &q->last_rx)) {
		if (q->out.bytes.len > 0 && (q->st == QM_R_SENT2 ||
		    q->st == QM_I_DONE)) {
			if (p->name == 'r' && p->cfg.qm_dup_ignore) {
				discard(s, p, n, "duplicate QM1 ignored: this "
				    "peer resends QM2 only on its own timer "
				    "(qm-dup ignore)");
				return;
			}
			answer_dup(s, p, n, &q->dups, &q->out, p->name == 'r' ?
			    "QM1" : "QM2");
			return;
		}
		discard(s, p, n, "duplicate of a message already processed");
		return;
	}
	if (p->name == 'r' && q == NULL)
		r_recv_qm1(s, p, n, m, h);
	else if (p->name == 'r' && q->st == QM_R_SENT2)
		r_recv_qm3(s, p, n, m, h, q);
	else if (p->name == 'i' && q != NULL && q->st == QM_I_SENT1)
		i_recv_qm2(s, p, n, m, h, q);
	else if (q == NULL)
		discard(s, p, n, "no Quick Mode with message ID %08x",
		    h->msgid);
	else
		discard(s, p, n, "Quick Mode %08x is %s", h->msgid,
		    sess_qm_state_name(q->st));
}

/* React to a notify that peer P received (authenticated or not). */
static void
notify_received(struct sess *s, struct peer *p, int n, uint32_t msgid,
    const struct pld_notify *nt, bool authentic)
{
	struct tr_event	*ev;
	const char	*name = ike_notify_name(nt->type);
	struct qmx	*q;
	size_t		 k;

	if (name == NULL)
		name = "unknown notify";
	if (p->cfg.notify_ignore && !authentic) {
		discard(s, p, n, "unencrypted Informational (%s) ignored: it "
		    "cannot be authenticated (notify ignore)", name);
		return;
	}
	if (!authentic && p->p1.st == AM_I_SENT1 &&
	    nt->type == IKE_N_NO_PROPOSAL_CHOSEN) {
		ev = eng_eventf(s, TR_NOTIFY, p->name, n, rx_label(s, p, n),
		    "received %s (unencrypted): the responder refused every "
		    "proposal", name);
		if (ev != NULL) {
			ev->notify = nt->type;
			ev->msgid = msgid;
		}
		eng_timer_cancel(s, p, &p->p1.tm, "phase 1 failed");
		eng_p1_state(s, p, P1_FAILED, "responder sent %s", name);
		return;
	}
	if (authentic && (nt->type == IKE_N_NO_PROPOSAL_CHOSEN ||
	    nt->type == IKE_N_INVALID_ID_INFORMATION) &&
	    nt->spi_size == 4 && nt->spi != NULL && !p->cfg.notify_ignore) {
		for (k = 0; k < p->nqm; k++) {
			q = &p->qm[k];
			if (q->spi_i != be32(nt->spi) || q->st != QM_I_SENT1)
				continue;
			ev = eng_eventf(s, TR_NOTIFY, p->name, n, rx_label(s, p, n),
			    "received %s (encrypted) for Quick Mode %08x",
			    name, q->msgid);
			if (ev != NULL) {
				ev->notify = nt->type;
				ev->msgid = msgid;
			}
			eng_timer_cancel(s, p, &q->tm, "Quick Mode failed");
			eng_qm_state(s, p, q, QM_FAILED, "responder sent %s",
			    name);
			return;
		}
	}
	ev = eng_eventf(s, TR_NOTIFY, p->name, n, rx_label(s, p, n),
	    "received %s (%s); %s", name, authentic ? "encrypted" :
	    "unencrypted", !authentic ?
	    "it cannot be authenticated, so the state stays as it is" :
	    p->cfg.notify_ignore ? "ignored: this peer does not act on it "
	    "(notify ignore)" : "recorded");
	if (ev != NULL) {
		ev->notify = nt->type;
		ev->msgid = msgid;
	}
}

/*
 * A Delete payload arrived (RFC 2408 3.15). Only an authenticated one
 * is acted on: the ISAKMP SA named by its cookies, or the Quick Mode
 * whose SPI it names, is gone.
 */
static void
delete_received(struct sess *s, struct peer *p, int n,
    const struct pld_delete *d, bool authentic)
{
	struct p1sa	*sa = &p->p1;
	struct tr_event	*ev;
	const char	*label = rx_label(s, p, n);
	uint32_t	 spi;
	size_t		 k, j;
	bool		 found = false;

	if (!authentic) {
		discard(s, p, n, "unencrypted Delete ignored: it cannot be "
		    "authenticated");
		return;
	}
	if (d->proto == IKE_PROTO_ISAKMP && d->spi_size == 16 &&
	    d->count >= 1 && memcmp(d->spis, sa->icookie, 8) == 0 &&
	    memcmp(d->spis + 8, sa->rcookie, 8) == 0) {
		eng_timer_cancel(s, p, &sa->tm, "phase 1 deleted");
		eng_timer_cancel(s, p, &sa->life, "phase 1 deleted");
		for (k = 0; k < p->nqm; k++)
			eng_timer_cancel(s, p, &p->qm[k].tm, "phase 1 deleted");
		eng_eventf(s, TR_SA_DELETED, p->name, n, label,
		    "the peer deleted the ISAKMP SA");
		eng_p1_state(s, p, P1_DELETED, "the peer deleted phase 1");
		sa->has_keys = false;
		return;
	}
	if (d->proto == IKE_PROTO_ESP && d->spi_size == 4) {
		for (j = 0; j < d->count; j++) {
			spi = be32(d->spis + 4 * j);
			for (k = 0; k < p->nqm; k++) {
				if (p->qm[k].spi_i != spi &&
				    p->qm[k].spi_r != spi)
					continue;
				ev = eng_eventf(s, TR_SA_DELETED, p->name, n,
				    label, "the peer deleted IPsec SA %08x "
				    "(Quick Mode %08x)", spi, p->qm[k].msgid);
				if (ev != NULL)
					ev->spi = spi;
				found = true;
			}
		}
		if (found)
			return;
	}
	discard(s, p, n, "Delete for an SA this peer does not hold");
}

/* Informational message N at peer P (RFC 2409 5.7). */
static void
recv_info(struct sess *s, struct peer *p, int n, const struct buf *m,
    const struct pld_hdr *h)
{
	struct p1sa		*sa = &p->p1;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	struct pld_chain	*c;
	struct pld_notify	 nt;
	struct pld_delete	 del;
	struct buf		 plain = { 0 };
	const struct pld_ref	*np;
	uint8_t			 iv[CRYPTO_MAX_BLOCK], last[CRYPTO_MAX_BLOCK];
	char			 why[TR_TEXT_LEN];
	bool			 enc = (h->flags & IKE_FLAG_ENC) != 0;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return;
	if (enc) {
		if (!sa->has_keys || memcmp(h->icookie, sa->icookie, 8) ||
		    memcmp(h->rcookie, sa->rcookie, 8) ||
		    (sa->st != AM_I_DONE && sa->st != AM_R_DONE)) {
			discard(s, p, n, "encrypted Informational without an "
			    "ISAKMP SA to decrypt it");
			goto out;
		}
		if (keys_exch_iv(&sa->keys, sa->last_block, h->msgid, iv) ||
		    decrypt_parse(sa, iv, m, h, &plain, last, c, &dg) != IKE_OK)
			goto bad;
		keep_plain(s, n, &plain);
		if (!qm_hash_ok(sa, c, &plain, h->msgid, NULL, 1, &dg))
			goto bad;
	} else {
		/* Even unauthenticated, it must be about this peer's SA. */
		if (sa->st == P1_NONE ||
		    memcmp(h->icookie, sa->icookie, IKE_COOKIE_LEN) != 0) {
			discard(s, p, n, "unencrypted Informational for a phase "
			    "1 this peer does not have (initiator cookie "
			    "differs)");
			goto out;
		}
		if (pld_chain_parse(m->p + IKE_HDR_LEN, m->len - IKE_HDR_LEN,
		    IKE_HDR_LEN, h->next, c, &dg) != IKE_OK)
			goto bad;
	}
	if ((np = pld_find(c, IKE_PLD_N)) != NULL) {
		if (pld_notify_parse(np, &nt, &dg) != IKE_OK)
			goto bad;
		notify_received(s, p, n, h->msgid, &nt, enc);
	} else if ((np = pld_find(c, IKE_PLD_D)) != NULL) {
		if (pld_delete_parse(np, &del, &dg) != IKE_OK)
			goto bad;
		delete_received(s, p, n, &del, enc);
	} else
		discard(s, p, n, "Informational without N or D payload");
	goto out;
bad:
	diag_text(&dg, why, sizeof(why));
	discard(s, p, n, "Informational rejected: %s", why);
out:
	buf_free(&plain);
	free(c);
}

/*
 * Message M (header H) at peer P, from packet N labelled LABEL: whole
 * as it came, or reassembled from fragments (REASM; N is then the
 * fragment that completed it).
 */
static void
recv_msg(struct sess *s, struct peer *p, int n, const struct buf *m,
    const struct pld_hdr *h, const char *label, bool reasm)
{
	char	saved[TR_LABEL_LEN];
	bool	saved_reasm = p->rx_reasm;

	/* A queued message is processed inside another: restore after. */
	memcpy(saved, p->rx_label, sizeof(saved));
	snprintf(p->rx_label, sizeof(p->rx_label), "%s", label);
	p->rx_reasm = reasm;
	switch (h->exch) {
	case IKE_EXCH_AGGRESSIVE:
		recv_aggressive(s, p, n, m, h);
		break;
	case IKE_EXCH_QUICK:
		recv_quick(s, p, n, m, h);
		break;
	case IKE_EXCH_INFO:
		recv_info(s, p, n, m, h);
		break;
	default:
		discard(s, p, n, "exchange type %u is not supported here",
		    h->exch);
		break;
	}
	memcpy(p->rx_label, saved, sizeof(saved));
	p->rx_reasm = saved_reasm;
}

/*
 * Throw away the incomplete set of fragments that peer P holds, because
 * fragment F of another message (packet N) came: a discard event on
 * each fragment it held, saying why.
 */
static void
frag_drop_set(struct sess *s, struct peer *p, const struct frag *f, int n)
{
	struct frag_set	*set = &p->frag;
	struct pkt	*pk;
	char		 why[TR_TEXT_LEN];
	size_t		 k, held = frag_held(set);

	for (k = 0; k < FRAG_MAX; k++) {
		if (!(set->have & (1u << k)) ||
		    (pk = sess_pkt(s, set->pkt[k])) == NULL)
			continue;
		snprintf(why, sizeof(why), "incomplete fragments of ID %u "
		    "(%zu held) replaced by ID %u%s in #%d", set->id, held,
		    f->id, memcmp(f->icookie, set->icookie, IKE_COOKIE_LEN) ?
		    " of other cookies" : "", n);
		snprintf(pk->note, sizeof(pk->note), "%s", why);
		eng_eventf(s, TR_DISCARD, p->name, pk->num, pk->label, "%s",
		    why);
	}
	frag_clear(set);
}

/*
 * An IKE fragment (packet N, LABEL) at peer P. Every peer of ikelab
 * accepts fragments: they are collected by initiator cookie and
 * fragment ID, and once every number from 1 to the last is held the
 * message is processed as if it had come whole.
 */
static void
recv_frag(struct sess *s, struct peer *p, int n, const struct buf *m,
    const char *label)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	struct frag	f;
	struct pld_hdr	h;
	struct buf	whole = { 0 };
	char		why[TR_TEXT_LEN], wl[TR_LABEL_LEN];
	size_t		nf;
	int		rc;

	label_whole(label, wl);
	if (frag_parse(m->p, m->len, &f, &dg) != IKE_OK) {
		diag_text(&dg, why, sizeof(why));
		discard(s, p, n, "bad fragment: %s", why);
		return;
	}
	if ((rc = frag_copy_of(&p->frag, &f)) >= 0) {
		discard(s, p, n, "copy of fragment %u of ID %u (#%d), whose "
		    "message is reassembled already", f.num, f.id, rc);
		return;
	}
	if (frag_replaces(&p->frag, &f))
		frag_drop_set(s, p, &f, n);
	if ((rc = frag_add(&p->frag, &f, n, &dg)) < 0) {
		diag_text(&dg, why, sizeof(why));
		discard(s, p, n, "%s%s", rc == IKE_ESTATE ? "duplicate: " :
		    "bad fragment: ", why);
		return;
	}
	if (rc == FRAG_HELD)
		return;
	nf = p->frag.last;
	if (frag_take(&p->frag, &whole) != IKE_OK)
		goto out;
	eng_eventf(s, TR_REASSEMBLE, p->name, n, wl, "%zu fragment%s, %zu "
	    "bytes", nf, nf == 1 ? "" : "s", whole.len);
	if (pld_hdr_parse(whole.p, whole.len, &h, &dg) != IKE_OK) {
		/* Named after the whole message (peer_recv restores). */
		snprintf(p->rx_label, sizeof(p->rx_label), "%s", wl);
		diag_text(&dg, why, sizeof(why));
		discard(s, p, n, "reassembled message: bad ISAKMP header: %s",
		    why);
		goto out;
	}
	recv_msg(s, p, n, &whole, &h, wl, true);
out:
	buf_free(&whole);
}

void
peer_recv(struct sess *s, struct peer *p, struct pkt *pk)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct pld_hdr	 h;
	struct buf	 m = { 0 };
	char		 why[TR_TEXT_LEN], label[TR_LABEL_LEN];
	char		 saved[TR_LABEL_LEN];
	bool		 saved_reasm = p->rx_reasm;
	int		 n = pk->num;

	if (pk->is_esp) {
		esp_recv(s, p, pk);
		return;
	}
	/* Sending may move the packet array: work on a copy. */
	if (buf_copy(&m, &pk->bytes) != IKE_OK)
		return;
	/* This packet names what is received (see rx_label). */
	memcpy(saved, p->rx_label, sizeof(saved));
	snprintf(label, sizeof(label), "%s", pk->label);
	snprintf(p->rx_label, sizeof(p->rx_label), "%s", label);
	p->rx_reasm = false;
	/* strongSwan drops a copy of a datagram it is still handling. */
	if (p->cfg.busy_ms > 0 && buf_eq(&m, &p->last_in) &&
	    s->now_ms < p->last_in_ms + p->cfg.busy_ms) {
		discard(s, p, n, "ignored: a copy of the datagram this peer "
		    "is still handling (busy %u ms)", p->cfg.busy_ms);
		goto out;
	}
	(void)buf_copy(&p->last_in, &m);
	p->last_in_ms = s->now_ms;
	if (pld_hdr_parse(m.p, m.len, &h, &dg) != IKE_OK) {
		diag_text(&dg, why, sizeof(why));
		discard(s, p, n, "bad ISAKMP header: %s", why);
		goto out;
	}
	if (h.next == IKE_PLD_FRAG)
		recv_frag(s, p, n, &m, label);
	else
		recv_msg(s, p, n, &m, &h, label, false);
out:
	memcpy(p->rx_label, saved, sizeof(saved));
	p->rx_reasm = saved_reasm;
	buf_free(&m);
}

/* The half-open lifetime of P's phase 1 ended: delete it silently. */
static void
p1_expire(struct sess *s, struct peer *p)
{
	struct p1sa	*sa = &p->p1;
	size_t		 k;

	if (sa->st == AM_I_DONE || sa->st == AM_R_DONE)
		return;
	eng_timer_cancel(s, p, &sa->tm, "phase 1 deleted");
	for (k = 0; k < p->nqm; k++)
		eng_timer_cancel(s, p, &p->qm[k].tm, "phase 1 deleted");
	eng_eventf(s, TR_SA_DELETED, p->name, 0, "",
	    "%s phase 1 deleted after %u ms (half-open lifetime); nothing "
	    "is sent", sa->st == P1_FAILED ? "failed" : "unfinished",
	    p->cfg.half_open_ms);
	eng_p1_state(s, p, P1_DELETED, "half-open lifetime of %u ms ended",
	    p->cfg.half_open_ms);
	sa->has_keys = false;
	if (p->name != 'i' || p->cfg.rtx.give_up != GIVE_UP_RESTART)
		return;
	/* The first revival is at once; later ones wait (libreswan). */
	if (p->revivals++ > 0 && p->cfg.revive_ms > 0) {
		eng_timer_at(s, p, &sa->life, s->now_ms + p->cfg.revive_ms,
		    "phase 1", "revive delay before phase 1 starts again");
		return;
	}
	eng_eventf(s, TR_RESTART, p->name, 0, "",
	    "starting phase 1 again from scratch (give-up restart)");
	(void)peer_start_p1(s, p);
}

/* Quick Mode Q of initiator P gave up: what follows (qm-give-up). */
static void
qm_gave_up(struct sess *s, struct peer *p)
{
	if (p->name != 'i')
		return;
	switch (p->cfg.qm_give_up) {
	case QM_GIVE_UP_STOP:
		break;
	case QM_GIVE_UP_NEW_QM:
		eng_eventf(s, TR_RESTART, p->name, 0, "",
		    "a new Quick Mode on the same phase 1 (qm-give-up new-qm)");
		(void)peer_start_qm(s, p);
		break;
	case QM_GIVE_UP_RESTART:
		eng_eventf(s, TR_RESTART, p->name, 0, "",
		    "phase 1 again from scratch (qm-give-up restart)");
		(void)peer_start_p1(s, p);
		break;
	}
}

void
peer_timer(struct sess *s, struct peer *p, struct timer *t)
{
	struct stored_msg	*m;
	struct qmx		*q = NULL;
	struct tr_event		*ev;
	size_t			 k;

	if (t == &p->p1.life && p->p1.st == P1_DELETED) {
		eng_eventf(s, TR_RESTART, p->name, 0, "",
		    "starting phase 1 again from scratch after the revive "
		    "delay of %u ms", p->cfg.revive_ms);
		(void)peer_start_p1(s, p);
		return;
	}
	if (t == &p->p1.life) {
		p1_expire(s, p);
		return;
	}
	if (t == &p->p1.tm)
		m = &p->p1.out;
	else {
		for (k = 0; k < p->nqm && &p->qm[k].tm != t; k++)
			;
		if (k == p->nqm)
			return;
		q = &p->qm[k];
		m = &q->out;
	}
	if (!sess_timer_exhausted(p, t)) {
		eng_resend(s, peer_idx(p), m, (int)t->tries + 1, "timer");
		eng_timer_rearm(s, p, t);
		return;
	}
	ev = eng_eventf(s, TR_GIVE_UP, p->name, 0, t->what,
	    "no answer to %s after %u resend%s and %llu ms", t->what,
	    t->tries, t->tries == 1 ? "" : "s",
	    (unsigned long long)t->waited_ms);
	if (ev != NULL)
		ev->try_no = (int)t->tries;
	if (q != NULL) {
		eng_qm_state(s, p, q, QM_FAILED, "gave up on %s", t->what);
		qm_gave_up(s, p);
		return;
	}
	eng_p1_state(s, p, P1_FAILED, "gave up on %s", t->what);
	if (p->cfg.rtx.give_up == GIVE_UP_RESTART && p->name == 'i') {
		eng_eventf(s, TR_RESTART, p->name, 0, "",
		    "starting phase 1 again from scratch");
		(void)peer_start_p1(s, p);
	}
}
