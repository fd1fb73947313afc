/*
 * esp.c: ESP packets (RFC 4303) through the SAs that Quick Mode set up.
 *
 * The first half works on bytes only (esp.h): build, check and open an
 * ESP packet, and the inner IPv4 / ICMP echo packets. The second half
 * is the engine's part: `ping` (sess_ping) puts an echo request on the
 * link from the initiator, and esp_recv checks what arrives and makes
 * the responder answer with an echo reply.
 *
 * Labels. Every ESP packet is labelled "ESP", with no instance number
 * and no resend letter (an ESP packet is never resent), so that `rule
 * drop ESP` and friends select them all; packet numbers tell them
 * apart.
 *
 * Sequence numbers. struct qmx has no ESP counters, so they are read
 * from the trace: a sender's next number on an SPI is one more than the
 * ESP packets it sent on that SPI (their `send` events carry the SPI),
 * and a receiver has seen a number when one of its `esp` events (one
 * per accepted packet) names a packet with that SPI and number. An
 * accepted packet passed its ICV, so its number is the one sent.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "esp.h"

#define IPV4_HDR	20
#define ICMP_HDR	8
#define IPPROTO_ICMP_NUM 1

/* The echo data of `ping`: 16 bytes a student can recognise in hex. */
static const uint8_t ping_data[16] = "ikelab ping 0123";

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t
esp_icv_len(unsigned int auth)
{
	switch (auth) {
	case IKE_ESP_AUTH_MD5:
	case IKE_ESP_AUTH_SHA1:
		return 12;
	case IKE_ESP_AUTH_SHA256:
		return 16;
	default:
		return 0;
	}
}

/* Integrity key length of IKE_ESP_AUTH_* (the HMAC's output length). */
static size_t
auth_key_len(unsigned int auth)
{
	switch (auth) {
	case IKE_ESP_AUTH_MD5:
		return 16;
	case IKE_ESP_AUTH_SHA1:
		return 20;
	case IKE_ESP_AUTH_SHA256:
		return 32;
	default:
		return 0;
	}
}

/* The phase 1 cipher number that does the same CBC as ESP_ID. */
static unsigned int
esp_enc(unsigned int esp_id)
{
	return esp_id == IKE_ESP_AES ? IKE_ENC_AES :
	    esp_id == IKE_ESP_3DES ? IKE_ENC_3DES : 0;
}

size_t
esp_keymat_len(const struct p2_prop *p)
{
	unsigned int	enc = esp_enc(p->esp_id);
	size_t		e, a;

	if (enc == 0)
		return 0;
	e = crypto_key_len(enc, p->keylen);
	a = auth_key_len(p->auth);
	return e == 0 || a == 0 ? 0 : e + a;
}

int
esp_sa_init(struct esp_sa *sa, uint32_t spi, const struct p2_prop *p,
    const uint8_t *km, size_t km_len, struct ike_diag *dg)
{
	memset(sa, 0, sizeof(*sa));
	sa->spi = spi;
	sa->enc = esp_enc(p->esp_id);
	sa->auth = p->auth;
	if (sa->enc == 0)
		return diag_set(dg, IKE_EUNSUPP, SIZE_MAX,
		    "ESP transform %u is not supported (ESP_3DES, ESP_AES are)",
		    p->esp_id);
	sa->blen = crypto_block_len(sa->enc);
	sa->elen = crypto_key_len(sa->enc, p->keylen);
	sa->alen = auth_key_len(p->auth);
	sa->icv_len = esp_icv_len(p->auth);
	if (sa->elen == 0)
		return diag_set(dg, IKE_EUNSUPP, SIZE_MAX,
		    "ESP key length %u bits is not supported", p->keylen);
	if (sa->alen == 0)
		return diag_set(dg, IKE_EUNSUPP, SIZE_MAX,
		    "ESP authentication algorithm %u is not supported "
		    "(HMAC-MD5, HMAC-SHA1, HMAC-SHA2-256 are)", p->auth);
	if (km_len < sa->elen + sa->alen)
		return diag_set(dg, IKE_ESHORT, SIZE_MAX,
		    "KEYMAT has %zu bytes; the transform needs %zu", km_len,
		    sa->elen + sa->alen);
	memcpy(sa->ekey, km, sa->elen);
	memcpy(sa->akey, km + sa->elen, sa->alen);
	return IKE_OK;
}

/* HMAC over P[0..N) into ICV (full length; the caller truncates). */
static int
esp_mac(const struct esp_sa *sa, const uint8_t *p, size_t n, uint8_t *icv)
{
	struct ciov	v = { p, n };

	return crypto_esp_hmac(sa->auth, sa->akey, sa->alen, &v, 1, icv,
	    NULL);
}

int
esp_build(const struct esp_sa *sa, uint32_t seq, const uint8_t *iv,
    const uint8_t *inner, size_t len, uint8_t next, struct buf *out,
    struct ike_diag *dg)
{
	uint8_t	 hdr[ESP_HDR_LEN], icv[CRYPTO_MAX_HASH];
	size_t	 pad, ptlen, ct_off = ESP_HDR_LEN + sa->blen, k;
	int	 rc;

	/* Pad so that inner | padding | pad length | next header fills
	 * whole blocks; the padding bytes count 1, 2, 3, ... */
	pad = (sa->blen - (len + 2) % sa->blen) % sa->blen;
	ptlen = len + pad + 2;
	put32(hdr, sa->spi);
	put32(hdr + 4, seq);
	out->len = 0;
	if (buf_add(out, hdr, sizeof(hdr)) || buf_add(out, iv, sa->blen) ||
	    buf_add(out, inner, len))
		return diag_set(dg, IKE_ENOMEM, SIZE_MAX, "out of memory");
	for (k = 1; k <= pad; k++)
		if (buf_add_u8(out, (uint8_t)k))
			return diag_set(dg, IKE_ENOMEM, SIZE_MAX,
			    "out of memory");
	if (buf_add_u8(out, (uint8_t)pad) || buf_add_u8(out, next))
		return diag_set(dg, IKE_ENOMEM, SIZE_MAX, "out of memory");
	rc = crypto_cbc(sa->enc, sa->ekey, sa->elen, iv, out->p + ct_off,
	    ptlen, out->p + ct_off, true);
	if (rc != IKE_OK)
		return diag_set(dg, rc, SIZE_MAX, "ESP encryption failed");
	if ((rc = esp_mac(sa, out->p, out->len, icv)) != IKE_OK)
		return diag_set(dg, rc, SIZE_MAX, "ESP ICV computation failed");
	rc = buf_add(out, icv, sa->icv_len);
	crypto_wipe(icv, sizeof(icv));
	if (rc != IKE_OK)
		return diag_set(dg, IKE_ENOMEM, SIZE_MAX, "out of memory");
	return IKE_OK;
}

int
esp_peek(const uint8_t *p, size_t len, uint32_t *spi, uint32_t *seq,
    struct ike_diag *dg)
{
	if (len < ESP_HDR_LEN)
		return diag_set(dg, IKE_ESHORT, len,
		    "ESP packet of %zu bytes has no room for SPI and "
		    "sequence number (8 bytes)", len);
	*spi = be32(p);
	*seq = be32(p + 4);
	return IKE_OK;
}

int
esp_open(const struct esp_sa *sa, const uint8_t *p, size_t len,
    struct buf *inner, struct esp_info *info, struct ike_diag *dg)
{
	struct esp_info	 in;
	struct buf	 pt = { 0 };
	uint8_t		 icv[CRYPTO_MAX_HASH];
	size_t		 min = ESP_HDR_LEN + 2 * sa->blen + sa->icv_len, k;
	int		 rc;

	memset(&in, 0, sizeof(in));
	if ((rc = esp_peek(p, len, &in.spi, &in.seq, dg)) != IKE_OK)
		return rc;
	if (len < min)
		return diag_set(dg, IKE_ESHORT, len,
		    "ESP packet of %zu bytes is shorter than SPI, sequence, "
		    "IV, one block and ICV (%zu bytes)", len, min);
	in.ct_off = ESP_HDR_LEN + sa->blen;
	in.icv_off = len - sa->icv_len;
	in.ct_len = in.icv_off - in.ct_off;
	if (in.ct_len % sa->blen != 0)
		return diag_set(dg, IKE_EMALFORMED, in.ct_off,
		    "ESP ciphertext of %zu bytes is not a multiple of the "
		    "%zu-byte block", in.ct_len, sa->blen);
	if (in.spi != sa->spi)
		return diag_set(dg, IKE_ENOENT, 0,
		    "SPI 0x%08x is not this SA's (0x%08x)", in.spi, sa->spi);
	if ((rc = esp_mac(sa, p, in.icv_off, icv)) != IKE_OK)
		return diag_set(dg, rc, SIZE_MAX, "ESP ICV computation failed");
	if (!crypto_equal(icv, p + in.icv_off, sa->icv_len)) {
		crypto_wipe(icv, sizeof(icv));
		return diag_set(dg, IKE_EAUTH, in.icv_off,
		    "ICV mismatch at offset %zu", in.icv_off);
	}
	if (buf_set(&pt, NULL, in.ct_len) != IKE_OK)
		return diag_set(dg, IKE_ENOMEM, SIZE_MAX, "out of memory");
	rc = crypto_cbc(sa->enc, sa->ekey, sa->elen, p + ESP_HDR_LEN,
	    p + in.ct_off, in.ct_len, pt.p, false);
	if (rc != IKE_OK) {
		buf_free(&pt);
		return diag_set(dg, rc, SIZE_MAX, "ESP decryption failed");
	}
	in.pad_len = pt.p[pt.len - 2];
	in.next_hdr = pt.p[pt.len - 1];
	if ((size_t)in.pad_len + 2 > pt.len) {
		rc = diag_set(dg, IKE_EMALFORMED, in.icv_off - 2,
		    "pad length %u at offset %zu is longer than the %zu "
		    "bytes before it", in.pad_len, in.icv_off - 2,
		    pt.len - 2);
		goto out;
	}
	for (k = 0; k < in.pad_len; k++) {
		size_t	at = pt.len - 2 - in.pad_len + k;

		if (pt.p[at] != (uint8_t)(k + 1)) {
			rc = diag_set(dg, IKE_EMALFORMED, in.ct_off + at,
			    "bad padding at offset %zu: 0x%02x, expected "
			    "0x%02x", in.ct_off + at, pt.p[at],
			    (unsigned int)(k + 1));
			goto out;
		}
	}
	if (buf_set(inner, pt.p, pt.len - 2 - in.pad_len) != IKE_OK) {
		rc = diag_set(dg, IKE_ENOMEM, SIZE_MAX, "out of memory");
		goto out;
	}
	if (info != NULL)
		*info = in;
	rc = IKE_OK;
out:
	buf_free(&pt);
	return rc;
}

/* The Internet checksum (RFC 1071) of N bytes, folded, not inverted. */
static uint16_t
inet_sum(const uint8_t *p, size_t n)
{
	uint32_t	sum = 0;
	size_t		k;

	for (k = 0; k + 1 < n; k += 2)
		sum += (uint32_t)(p[k] << 8 | p[k + 1]);
	if (n % 2 != 0)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

int
esp_icmp_build(struct buf *out, uint32_t src, uint32_t dst, bool reply,
    uint16_t id, uint16_t seq, const uint8_t *data, size_t data_len)
{
	uint8_t	 h[IPV4_HDR + ICMP_HDR];
	size_t	 total = sizeof(h) + data_len;

	if (total > 65535)
		return IKE_ELIMIT;
	memset(h, 0, sizeof(h));
	h[0] = 0x45;			/* IPv4, 5 words of header */
	put16(h + 2, (uint16_t)total);
	put16(h + 4, seq);		/* identification */
	h[8] = 64;			/* TTL */
	h[9] = IPPROTO_ICMP_NUM;
	put32(h + 12, src);
	put32(h + 16, dst);
	put16(h + 10, (uint16_t)~inet_sum(h, IPV4_HDR));
	h[20] = reply ? 0 : 8;		/* echo reply / echo request */
	put16(h + 24, id);
	put16(h + 26, seq);
	out->len = 0;
	if (buf_add(out, h, sizeof(h)) || buf_add(out, data, data_len))
		return IKE_ENOMEM;
	put16(out->p + 22, (uint16_t)~inet_sum(out->p + IPV4_HDR,
	    ICMP_HDR + data_len));
	return IKE_OK;
}

int
esp_icmp_parse(const uint8_t *p, size_t len, struct esp_icmp *e)
{
	size_t	hl, total;

	memset(e, 0, sizeof(*e));
	if (len < IPV4_HDR || p[0] >> 4 != 4)
		return IKE_EMALFORMED;
	hl = (size_t)(p[0] & 0x0f) * 4;
	total = be16(p + 2);
	if (hl < IPV4_HDR || total < hl + ICMP_HDR || total > len ||
	    p[9] != IPPROTO_ICMP_NUM || inet_sum(p, hl) != 0xffff)
		return IKE_EMALFORMED;
	if ((p[hl] != 0 && p[hl] != 8) || p[hl + 1] != 0 ||
	    inet_sum(p + hl, total - hl) != 0xffff)
		return IKE_EMALFORMED;
	e->reply = p[hl] == 0;
	e->src = be32(p + 12);
	e->dst = be32(p + 16);
	e->id = be16(p + hl + 4);
	e->seq = be16(p + hl + 6);
	e->data = p + hl + ICMP_HDR;
	e->data_len = total - hl - ICMP_HDR;
	return IKE_OK;
}

/* A dotted IPv4 address (host order) into OUT (16 bytes). */
static void
fmt_ip(uint32_t a, char *out)
{
	snprintf(out, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
}

void
esp_describe(const uint8_t *p, size_t len, char *out, size_t out_len)
{
	struct esp_icmp	e;
	char		a[16], b[16];

	if (esp_icmp_parse(p, len, &e) == IKE_OK) {
		fmt_ip(e.src, a);
		fmt_ip(e.dst, b);
		snprintf(out, out_len, "ICMP echo %s %s > %s",
		    e.reply ? "reply" : "request", a, b);
		return;
	}
	if (len >= IPV4_HDR && p[0] >> 4 == 4) {
		size_t	hl = (size_t)(p[0] & 0x0f) * 4;

		fmt_ip(be32(p + 12), a);
		fmt_ip(be32(p + 16), b);
		if (p[9] == IPPROTO_ICMP_NUM && hl >= IPV4_HDR &&
		    len >= hl + 2)
			snprintf(out, out_len, "ICMP type %u code %u %s > %s, "
			    "%zu bytes", p[hl], p[hl + 1], a, b, len);
		else if ((p[9] == 6 || p[9] == 17) && hl >= IPV4_HDR &&
		    len >= hl + 4)
			snprintf(out, out_len, "%s %s:%u > %s:%u, %zu bytes",
			    p[9] == 6 ? "TCP" : "UDP", a, be16(p + hl), b,
			    be16(p + hl + 2), len);
		else
			snprintf(out, out_len, "IPv4 %s > %s protocol %u, "
			    "%zu bytes", a, b, p[9], len);
		return;
	}
	snprintf(out, out_len, "%zu bytes, not an IPv4 packet", len);
}

/* Append printf-style text to B (cut at 255 bytes a call). */
static void IKE_PRINTF(2, 3)
bput(struct buf *b, const char *fmt, ...)
{
	char	t[256];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(t, sizeof(t), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	(void)buf_add(b, t, (size_t)n < sizeof(t) ? (size_t)n :
	    sizeof(t) - 1);
}

/* Up to 32 bytes of hex after a label; longer runs end in "...". */
static void
bhex(struct buf *b, const uint8_t *p, size_t n)
{
	size_t	k, show = n > 32 ? 32 : n;

	for (k = 0; k < show; k++)
		bput(b, "%02x", p[k]);
	if (show < n)
		bput(b, "...");
}

int
esp_dump(const uint8_t *p, size_t len, size_t blen, size_t icv_len,
    const uint8_t *inner, size_t inner_len, struct buf *out)
{
	char	t[96];

	bput(out, "ESP packet, %zu bytes (RFC 4303)\n", len);
	if (len < ESP_HDR_LEN) {
		bput(out, "  %zu bytes: too short for SPI and sequence number\n",
		    len);
		goto end;
	}
	bput(out, "  %4u  SPI              0x%08x\n", 0u, be32(p));
	bput(out, "  %4u  sequence number  %u\n", 4u, be32(p + 4));
	if (blen > 0 && len >= ESP_HDR_LEN + blen + icv_len) {
		bput(out, "  %4u  IV               ", 8u);
		bhex(out, p + ESP_HDR_LEN, blen);
		bput(out, "\n  %4zu  ciphertext       %zu bytes\n",
		    ESP_HDR_LEN + blen, len - ESP_HDR_LEN - blen - icv_len);
		bput(out, "  %4zu  ICV              ", len - icv_len);
		bhex(out, p + len - icv_len, icv_len);
		bput(out, "\n");
	} else
		bput(out, "  %4u  encrypted        %zu bytes (IV, data, ICV)\n",
		    8u, len - ESP_HDR_LEN);
	if (inner != NULL) {
		esp_describe(inner, inner_len, t, sizeof(t));
		bput(out, "  decrypted, %zu bytes: %s\n", inner_len, t);
	}
end:
	/* Keep the text NUL-terminated without counting the NUL. */
	if (buf_add_u8(out, 0) != IKE_OK)
		return IKE_ENOMEM;
	out->len--;
	return IKE_OK;
}

/*
 * The engine's part.
 */

/* An ESP packet's discard: the packet's note and a `discard` event. */
static void
esp_discard(struct sess *s, struct peer *p, struct pkt *pk, const char *why)
{
	snprintf(pk->note, sizeof(pk->note), "%s", why);
	eng_eventf(s, TR_DISCARD, p->name, pk->num, pk->label, "%s", why);
}

/* The next outbound sequence number of peer FROM on SPI (from 1). */
static uint32_t
esp_next_seq(const struct sess *s, int from, uint32_t spi)
{
	uint32_t	n = 1;
	size_t		k;

	for (k = 0; k < s->trace.n; k++) {
		const struct tr_event	*ev = &s->trace.ev[k];

		if (ev->kind == TR_SEND && ev->peer == s->peer[from].name &&
		    ev->spi == spi && strncmp(ev->label, "ESP", 3) == 0)
			n++;
	}
	return n;
}

/* Has peer P already accepted sequence number SEQ on SPI? */
static bool
esp_seen(const struct sess *s, const struct peer *p, uint32_t spi,
    uint32_t seq)
{
	size_t	k;

	for (k = 0; k < s->trace.n; k++) {
		const struct tr_event	*ev = &s->trace.ev[k];
		const struct pkt	*pk;

		if (ev->kind != TR_ESP || ev->peer != p->name ||
		    ev->spi != spi)
			continue;
		pk = sess_pkt_c(s, ev->pkt);
		if (pk != NULL && pk->bytes.len >= ESP_HDR_LEN &&
		    be32(pk->bytes.p + 4) == seq)
			return true;
	}
	return false;
}

/*
 * The SA of Quick Mode Q in the direction that leaves peer P (OUT) or
 * arrives at it: i>r uses the responder's SPI and KEYMAT i>r, r>i the
 * initiator's SPI and KEYMAT r>i.
 */
static int
esp_sa_of(const struct peer *p, const struct qmx *q, bool out,
    struct esp_sa *sa, struct ike_diag *dg)
{
	bool	ir = q->is_initiator == out;

	(void)p;

	if (ir)
		return esp_sa_init(sa, q->spi_r, &q->chosen, q->keymat_ir.p,
		    q->keymat_ir.len, dg);
	return esp_sa_init(sa, q->spi_i, &q->chosen, q->keymat_ri.p,
	    q->keymat_ri.len, dg);
}

/*
 * Peer FROM sends INNER through the outbound SA of its Quick Mode Q.
 * Returns the packet number or a negative ike_err.
 */
static int
esp_send(struct sess *s, int from, const struct qmx *q,
    const struct buf *inner, struct ike_diag *dg)
{
	struct peer	*p = &s->peer[from];
	struct esp_sa	 sa;
	struct buf	 pkt = { 0 };
	uint8_t		 iv[CRYPTO_MAX_BLOCK];
	uint32_t	 spi;
	size_t		 k;
	int		 n;

	if ((n = esp_sa_of(p, q, true, &sa, dg)) != IKE_OK)
		return n;
	spi = sa.spi;
	rng_bytes(&s->rng_crypto, iv, sa.blen);
	n = esp_build(&sa, esp_next_seq(s, from, sa.spi), iv, inner->p,
	    inner->len, ESP_NEXT_IPV4, &pkt, dg);
	crypto_wipe(&sa, sizeof(sa));
	if (n != IKE_OK) {
		buf_free(&pkt);
		return n;
	}
	n = eng_send(s, from, &pkt, "ESP", false, 0, NULL);
	buf_free(&pkt);
	if (n < 0)
		return diag_set(dg, n, SIZE_MAX,
		    "the session holds %d packets", SESS_MAX_PKTS);
	/* Rules ran inside eng_send: a copy a dup rule made is ESP too. */
	sess_pkt(s, n)->is_esp = true;
	for (k = (size_t)n; k < s->npkt; k++)
		if (s->pkts[k].copy_of == n)
			s->pkts[k].is_esp = true;
	/* Mark the send event with the SPI: it numbers the next packet. */
	for (k = s->trace.n; k > 0; k--) {
		struct tr_event	*ev = &s->trace.ev[k - 1];

		if (ev->kind == TR_SEND && ev->pkt == n) {
			ev->spi = spi;
			break;
		}
	}
	return n;
}

/* Does Quick Mode Q of a peer hold keys for both directions? */
static bool
qm_has_keys(const struct qmx *q)
{
	return q->keymat_ir.len > 0 && q->keymat_ri.len > 0;
}

int
sess_ping(struct sess *s, struct ike_diag *dg)
{
	struct peer		*i = &s->peer[PEER_I], *r = &s->peer[PEER_R];
	const struct qmx	*qi = NULL, *qr = NULL;
	struct buf		 inner = { 0 };
	size_t			 k;
	int			 rc;

	for (k = i->nqm; k > 0 && qi == NULL; k--)
		if (i->qm[k - 1].st == QM_I_DONE && qm_has_keys(&i->qm[k - 1]))
			qi = &i->qm[k - 1];
	if (qi == NULL)
		return diag_set(dg, IKE_ESTATE, SIZE_MAX,
		    "no Quick Mode is complete at the initiator yet "
		    "(see 'state')");
	for (k = 0; k < r->nqm; k++)
		if (r->qm[k].msgid == qi->msgid && r->qm[k].st == QM_R_DONE &&
		    qm_has_keys(&r->qm[k]))
			qr = &r->qm[k];
	if (qr == NULL)
		return diag_set(dg, IKE_ESTATE, SIZE_MAX,
		    "the responder has not completed Quick Mode "
		    "%08x yet (it waits for QM3; see 'state')", qi->msgid);
	rc = esp_icmp_build(&inner, i->cfg.addr, r->cfg.addr, false,
	    ESP_ICMP_ID, (uint16_t)esp_next_seq(s, PEER_I, qi->spi_r),
	    ping_data, sizeof(ping_data));
	if (rc == IKE_OK)
		rc = esp_send(s, PEER_I, qi, &inner, dg);
	else
		diag_set(dg, rc, SIZE_MAX, "out of memory");
	buf_free(&inner);
	return rc < 0 ? rc : IKE_OK;
}

void
esp_recv(struct sess *s, struct peer *p, struct pkt *pk)
{
	struct ike_diag		 dg = IKE_DIAG_INIT;
	struct esp_sa		 sa;
	struct esp_info		 info;
	struct esp_icmp		 e;
	struct buf		 inner = { 0 }, reply = { 0 };
	const struct qmx	*q = NULL;
	struct tr_event		*ev;
	char			 what[96], why[TR_TEXT_LEN];
	uint32_t		 spi = 0, seq = 0;
	size_t			 k;
	int			 n = pk->num, from = p->name == 'i' ? PEER_I :
				    PEER_R;

	pk->st = PKT_DELIVERED;
	if (esp_peek(pk->bytes.p, pk->bytes.len, &spi, &seq, &dg) != IKE_OK) {
		esp_discard(s, p, pk, dg.msg);
		return;
	}
	for (k = p->nqm; k > 0 && q == NULL; k--) {
		const struct qmx	*c = &p->qm[k - 1];
		bool			 i_side = c->is_initiator;

		if (!qm_has_keys(c))
			continue;
		if ((i_side ? c->spi_i : c->spi_r) == spi)
			q = c;
	}
	if (q == NULL) {
		snprintf(why, sizeof(why), "unknown SPI 0x%08x", spi);
		esp_discard(s, p, pk, why);
		return;
	}
	if (esp_sa_of(p, q, false, &sa, &dg) != IKE_OK ||
	    esp_open(&sa, pk->bytes.p, pk->bytes.len, &inner, &info,
	    &dg) != IKE_OK) {
		crypto_wipe(&sa, sizeof(sa));
		snprintf(why, sizeof(why), "SPI 0x%08x seq %u: %.120s", spi,
		    seq, dg.msg);
		esp_discard(s, p, pk, why);
		buf_free(&inner);
		return;
	}
	crypto_wipe(&sa, sizeof(sa));
	if (seq == 0 || esp_seen(s, p, spi, seq)) {
		snprintf(why, sizeof(why), "SPI 0x%08x: %s sequence number %u",
		    spi, seq == 0 ? "invalid" : "replayed", seq);
		esp_discard(s, p, pk, why);
		buf_free(&inner);
		return;
	}
	esp_describe(inner.p, inner.len, what, sizeof(what));
	ev = eng_eventf(s, TR_ESP, p->name, n, pk->label,
	    "%s, seq %u, ICV ok", what, seq);
	if (ev != NULL)
		ev->spi = spi;
	/* An echo request for this peer's own address gets its reply. */
	if (info.next_hdr == ESP_NEXT_IPV4 &&
	    esp_icmp_parse(inner.p, inner.len, &e) == IKE_OK && !e.reply &&
	    e.dst == p->cfg.addr &&
	    esp_icmp_build(&reply, e.dst, e.src, true, e.id, e.seq, e.data,
	    e.data_len) == IKE_OK &&
	    esp_send(s, from, q, &reply, &dg) < 0)
		eng_eventf(s, TR_DISCARD, p->name, 0, "ESP",
		    "cannot answer the echo request: %s", dg.msg);
	buf_free(&inner);
	buf_free(&reply);
}
