/*
 * test_pld.c: the ISAKMP codec. Round trips through the builders, the
 * reference SA body of the strongSwan capture, sweeps of truncated and
 * corrupted messages, a catalogue of crafted malformed inputs (code,
 * offset and notify checked exactly) and the tree dump.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pld.h"

/* Lengths of the AG1-like test message. */
#define AG1_SA_LEN	48
#define AG1_KE_LEN	(4 + 256)
#define AG1_NONCE_LEN	(4 + 32)
#define AG1_ID_LEN	(4 + 4 + 4)
#define AG1_LEN		(28 + AG1_SA_LEN + AG1_KE_LEN + AG1_NONCE_LEN + \
			    AG1_ID_LEN)

static const struct p1_prop ag1_prop = {
	.enc = IKE_ENC_AES, .keylen = 128, .hash = IKE_HASH_SHA1,
	.auth = IKE_AUTH_PSK, .group = 14, .life = 0,
};

static const uint8_t ag1_addr[4] = { 192, 0, 2, 1 };

static void
fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/* HDR, SA, KE, NONCE, ID: the shape of Aggressive Mode's first message. */
static void
build_ag1(struct buf *b)
{
	struct pld_wr	 w;
	struct pld_hdr	 h;
	struct pld_id	 id;
	uint8_t		 ke[256], nonce[32];

	memset(&h, 0, sizeof(h));
	fill(h.icookie, sizeof(h.icookie), 1);
	h.version = IKE_VERSION_1_0;
	h.exch = IKE_EXCH_AGGRESSIVE;
	fill(ke, sizeof(ke), 3);
	fill(nonce, sizeof(nonce), 5);
	memset(&id, 0, sizeof(id));
	id.type = IKE_ID_IPV4_ADDR;
	id.data = ag1_addr;
	id.len = sizeof(ag1_addr);

	assert_int_equal(pld_wr_hdr(&w, b, &h), 0);
	assert_int_equal(pld_add_sa_p1(&w, &ag1_prop, 1), 0);
	assert_int_equal(pld_add_raw(&w, IKE_PLD_KE, ke, sizeof(ke)), 0);
	assert_int_equal(pld_add_raw(&w, IKE_PLD_NONCE, nonce,
	    sizeof(nonce)), 0);
	assert_int_equal(pld_add_id(&w, &id), 0);
	pld_wr_done(&w);
}

/* A header for a hand-made body: length and first payload filled in. */
static size_t
craft(uint8_t *out, uint8_t first, const uint8_t *body, size_t n)
{
	size_t	 len = IKE_HDR_LEN + n;

	memset(out, 0, IKE_HDR_LEN);
	fill(out, 8, 1);
	out[16] = first;
	out[17] = IKE_VERSION_1_0;
	out[18] = IKE_EXCH_AGGRESSIVE;
	out[24] = (uint8_t)(len >> 24);
	out[25] = (uint8_t)(len >> 16);
	out[26] = (uint8_t)(len >> 8);
	out[27] = (uint8_t)len;
	if (n > 0)
		memcpy(out + IKE_HDR_LEN, body, n);
	return len;
}

/* Header + chain parse of a whole message, as a receiver does it. */
static int
parse_msg(const uint8_t *m, size_t len, struct pld_chain *c,
    struct ike_diag *dg)
{
	struct pld_hdr	 h;
	int		 rc;

	if ((rc = pld_hdr_parse(m, len, &h, dg)) != IKE_OK)
		return rc;
	return pld_chain_parse(m + IKE_HDR_LEN, len - IKE_HDR_LEN,
	    IKE_HDR_LEN, h.next, c, dg);
}

static void
assert_diag(const struct ike_diag *dg, int code, size_t off,
    uint16_t notify, const char *pld)
{
	assert_int_equal(dg->code, code);
	assert_int_equal(dg->off, off);
	assert_int_equal(dg->notify, notify);
	assert_string_equal(dg->pld, pld);
	assert_true(dg->msg[0] != '\0');
}

/*
 * Round trip
 */

static void
pld_ag1_round_trip_keeps_every_field(void **state)
{
	struct buf		 b = { 0 };
	struct pld_hdr		 h;
	struct pld_chain	 c;
	struct pld_sa		 sa;
	struct pld_id		 id;
	struct p1_prop		 p;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	uint8_t			 ke[256], nonce[32], ck[8];
	const struct pld_ref	*r;

	(void)state;
	build_ag1(&b);
	assert_int_equal(b.len, AG1_LEN);

	assert_int_equal(pld_hdr_parse(b.p, b.len, &h, &dg), 0);
	fill(ck, sizeof(ck), 1);
	assert_memory_equal(h.icookie, ck, 8);
	memset(ck, 0, sizeof(ck));
	assert_memory_equal(h.rcookie, ck, 8);
	assert_int_equal(h.next, IKE_PLD_SA);
	assert_int_equal(h.version, 0x10);
	assert_int_equal(h.exch, IKE_EXCH_AGGRESSIVE);
	assert_int_equal(h.flags, 0);
	assert_int_equal(h.msgid, 0);
	assert_int_equal(h.len, AG1_LEN);

	assert_int_equal(pld_chain_parse(b.p + 28, b.len - 28, 28, h.next,
	    &c, &dg), 0);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.end, AG1_LEN);
	assert_int_equal(c.p[0].type, IKE_PLD_SA);
	assert_int_equal(c.p[0].off, 28);
	assert_int_equal(c.p[0].len, AG1_SA_LEN);
	assert_int_equal(c.p[1].type, IKE_PLD_KE);
	assert_int_equal(c.p[1].off, 28 + 48);
	assert_int_equal(c.p[1].len, AG1_KE_LEN);
	assert_int_equal(c.p[2].type, IKE_PLD_NONCE);
	assert_int_equal(c.p[2].off, 28 + 48 + 260);
	assert_int_equal(c.p[2].body_len, 32);
	assert_int_equal(c.p[3].type, IKE_PLD_ID);
	assert_int_equal(c.p[3].off, 28 + 48 + 260 + 36);
	assert_int_equal(c.p[3].len, AG1_ID_LEN);

	fill(ke, sizeof(ke), 3);
	r = pld_find(&c, IKE_PLD_KE);
	assert_non_null(r);
	assert_int_equal(r->body_len, 256);
	assert_memory_equal(r->body, ke, 256);
	fill(nonce, sizeof(nonce), 5);
	r = pld_find(&c, IKE_PLD_NONCE);
	assert_memory_equal(r->body, nonce, 32);
	assert_null(pld_find(&c, IKE_PLD_HASH));

	assert_int_equal(pld_sa_parse(&c.p[0], &sa, &dg), 0);
	assert_int_equal(sa.doi, 1);
	assert_int_equal(sa.sit, 1);
	assert_int_equal(sa.nprop, 1);
	assert_int_equal(sa.prop[0].num, 1);
	assert_int_equal(sa.prop[0].proto, IKE_PROTO_ISAKMP);
	assert_int_equal(sa.prop[0].spi_size, 0);
	assert_int_equal(sa.prop[0].off, 40);
	assert_int_equal(sa.prop[0].nxf, 1);
	assert_int_equal(sa.prop[0].xf[0].num, 1);
	assert_int_equal(sa.prop[0].xf[0].id, IKE_KEY_IKE);
	assert_int_equal(sa.prop[0].xf[0].off, 48);
	assert_int_equal(sa.prop[0].xf[0].nattr, 5);
	assert_int_equal(sa.prop[0].xf[0].attr[0].type, IKE_ATTR_ENC);
	assert_true(sa.prop[0].xf[0].attr[0].tv);
	assert_int_equal(sa.prop[0].xf[0].attr[0].off, 56);
	assert_int_equal(sa.prop[0].xf[0].attr[4].type, IKE_ATTR_AUTH);
	assert_int_equal(sa.prop[0].xf[0].attr[4].off, 72);

	assert_int_equal(pld_p1_from_xform(&sa.prop[0].xf[0], &p, &dg), 0);
	assert_int_equal(p.enc, 7);
	assert_int_equal(p.keylen, 128);
	assert_int_equal(p.hash, 2);
	assert_int_equal(p.auth, 1);
	assert_int_equal(p.group, 14);
	assert_int_equal(p.life, 0);

	assert_int_equal(pld_id_parse(&c.p[3], &id, &dg), 0);
	assert_int_equal(id.type, IKE_ID_IPV4_ADDR);
	assert_int_equal(id.proto, 0);
	assert_int_equal(id.port, 0);
	assert_int_equal(id.len, 4);
	assert_memory_equal(id.data, ag1_addr, 4);
	buf_free(&b);
}

/* ikev1-reference.md 2.1-2.5, laid out by hand. */
static void
pld_sa_p1_bytes_follow_reference_layout(void **state)
{
	static const uint8_t want[AG1_SA_LEN] = {
		0x04, 0x00, 0x00, 0x30,		/* next KE, length 48 */
		0x00, 0x00, 0x00, 0x01,		/* DOI IPsec */
		0x00, 0x00, 0x00, 0x01,		/* SIT_IDENTITY_ONLY */
		0x00, 0x00, 0x00, 0x24,		/* P: last, length 36 */
		0x01, 0x01, 0x00, 0x01,		/* #1 ISAKMP spi 0, 1 xf */
		0x00, 0x00, 0x00, 0x1c,		/* T: last, length 28 */
		0x01, 0x01, 0x00, 0x00,		/* #1 KEY_IKE */
		0x80, 0x01, 0x00, 0x07,		/* ENC AES-CBC */
		0x80, 0x0e, 0x00, 0x80,		/* KEYLEN 128 */
		0x80, 0x02, 0x00, 0x02,		/* HASH SHA */
		0x80, 0x04, 0x00, 0x0e,		/* GROUP 14 */
		0x80, 0x03, 0x00, 0x01,		/* AUTH PSK */
	};
	struct buf	 b = { 0 };

	(void)state;
	build_ag1(&b);
	assert_memory_equal(b.p + 28, want, sizeof(want));
	/* The header links to SA, the ID is last. */
	assert_int_equal(b.p[16], IKE_PLD_SA);
	assert_int_equal(b.p[AG1_LEN - AG1_ID_LEN], IKE_PLD_NONE);
	assert_int_equal(be32(b.p + 24), AG1_LEN);
	buf_free(&b);
}

static void
pld_sa_p1_life_uses_tv_or_tlv_by_size(void **state)
{
	static const uint8_t tv[] = {
		0x80, 0x0b, 0x00, 0x01, 0x80, 0x0c, 0x70, 0x80,
	};
	static const uint8_t tlv[] = {
		0x80, 0x0b, 0x00, 0x01, 0x00, 0x0c, 0x00, 0x04,
		0x00, 0x01, 0x51, 0x80,
	};
	struct p1_prop		 pp[2] = { ag1_prop, ag1_prop };
	struct p1_prop		 got;
	struct pld_hdr		 h;
	struct pld_wr		 w;
	struct buf		 b = { 0 };
	struct pld_chain	 c;
	struct pld_sa		 sa;
	struct ike_diag		 dg = IKE_DIAG_INIT;

	(void)state;
	pp[0].life = 28800;
	pp[1].life = 86400;
	pp[1].enc = IKE_ENC_3DES;
	pp[1].keylen = 0;
	memset(&h, 0, sizeof(h));
	assert_int_equal(pld_wr_hdr(&w, &b, &h), 0);
	assert_int_equal(w.next_at, 16);
	assert_int_equal(pld_add_sa_p1(&w, pp, 2), 0);
	pld_wr_done(&w);
	/* T1 at 48: 8 + 5 attrs + 2 life attrs = 36 bytes. */
	assert_int_equal(b.p[48], IKE_PLD_T);
	assert_int_equal(be16(b.p + 50), 36);
	assert_memory_equal(b.p + 48 + 28, tv, sizeof(tv));
	/* T2 at 84, no key length: 8 + 16 + 12 = 36 bytes. */
	assert_int_equal(b.p[84], IKE_PLD_NONE);
	assert_int_equal(b.p[88], 2);
	assert_int_equal(be16(b.p + 86), 36);
	assert_memory_equal(b.p + 84 + 24, tlv, sizeof(tlv));

	assert_int_equal(parse_msg(b.p, b.len, &c, &dg), 0);
	assert_int_equal(pld_sa_parse(&c.p[0], &sa, &dg), 0);
	assert_int_equal(sa.prop[0].nxf, 2);
	assert_int_equal(pld_p1_from_xform(&sa.prop[0].xf[0], &got, &dg), 0);
	assert_int_equal(got.life, 28800);
	assert_int_equal(pld_p1_from_xform(&sa.prop[0].xf[1], &got, &dg), 0);
	assert_int_equal(got.life, 86400);
	assert_int_equal(got.enc, IKE_ENC_3DES);
	assert_int_equal(got.keylen, 0);
	assert_int_equal(sa.prop[0].xf[1].attr[5].len, 4);
	assert_false(sa.prop[0].xf[1].attr[5].tv);
	buf_free(&b);
}

static void
pld_sa_p2_bytes_and_round_trip(void **state)
{
	static const uint8_t want[] = {
		0x00, 0x00, 0x00, 0x38,		/* SA, length 56 */
		0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x2c,		/* P, length 44 */
		0x01, 0x03, 0x04, 0x01,		/* #1 ESP spi 4, 1 xf */
		0xed, 0xb4, 0xf7, 0xf9,		/* SPI */
		0x00, 0x00, 0x00, 0x20,		/* T, length 32 */
		0x01, 0x0c, 0x00, 0x00,		/* #1 ESP_AES */
		0x80, 0x01, 0x00, 0x01,		/* life type seconds */
		0x80, 0x02, 0x70, 0x80,		/* 28800 s */
		0x80, 0x03, 0x00, 0x0e,		/* PFS group 14 */
		0x80, 0x04, 0x00, 0x01,		/* tunnel */
		0x80, 0x05, 0x00, 0x02,		/* HMAC-SHA */
		0x80, 0x06, 0x00, 0x80,		/* key length 128 */
	};
	const struct p2_prop	 pp = {
		.esp_id = IKE_ESP_AES, .keylen = 128,
		.auth = IKE_ESP_AUTH_SHA1, .group = 14,
		.encap = IKE_ENCAP_TUNNEL, .life = 28800,
	};
	struct p2_prop		 got;
	struct pld_hdr		 h;
	struct pld_wr		 w;
	struct buf		 b = { 0 };
	struct pld_chain	 c;
	struct pld_sa		 sa;
	struct ike_diag		 dg = IKE_DIAG_INIT;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.exch = IKE_EXCH_QUICK;
	assert_int_equal(pld_wr_hdr(&w, &b, &h), 0);
	assert_int_equal(pld_add_sa_p2(&w, 0xedb4f7f9, &pp, 1), 0);
	pld_wr_done(&w);
	assert_int_equal(b.len, 28 + sizeof(want));
	assert_memory_equal(b.p + 28, want, sizeof(want));

	assert_int_equal(parse_msg(b.p, b.len, &c, &dg), 0);
	assert_int_equal(pld_sa_parse(&c.p[0], &sa, &dg), 0);
	assert_int_equal(sa.prop[0].spi_size, 4);
	assert_memory_equal(sa.prop[0].spi, want + 20, 4);
	assert_int_equal(pld_p2_from_xform(&sa.prop[0].xf[0], &got, &dg), 0);
	assert_int_equal(got.esp_id, IKE_ESP_AES);
	assert_int_equal(got.keylen, 128);
	assert_int_equal(got.auth, IKE_ESP_AUTH_SHA1);
	assert_int_equal(got.group, 14);
	assert_int_equal(got.encap, IKE_ENCAP_TUNNEL);
	assert_int_equal(got.life, 28800);
	buf_free(&b);
}

static void
pld_notify_and_delete_round_trip(void **state)
{
	static const uint8_t spis[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t data[3] = { 0xaa, 0xbb, 0xcc };
	struct pld_notify	 n = { 0 }, gn;
	struct pld_delete	 d = { 0 }, gd;
	struct pld_hdr		 h;
	struct pld_wr		 w;
	struct buf		 b = { 0 };
	struct pld_chain	 c;
	struct ike_diag		 dg = IKE_DIAG_INIT;

	(void)state;
	n.doi = 1;
	n.proto = IKE_PROTO_ESP;
	n.spi_size = 4;
	n.type = IKE_N_RESPONDER_LIFETIME;
	n.spi = spis;
	n.data = data;
	n.data_len = sizeof(data);
	d.doi = 1;
	d.proto = IKE_PROTO_ESP;
	d.spi_size = 4;
	d.count = 2;
	d.spis = spis;
	memset(&h, 0, sizeof(h));
	h.exch = IKE_EXCH_INFO;
	assert_int_equal(pld_wr_hdr(&w, &b, &h), 0);
	assert_int_equal(pld_add_notify(&w, &n), 0);
	assert_int_equal(pld_add_delete(&w, &d), 0);
	pld_wr_done(&w);
	assert_int_equal(b.len, 28 + 19 + 20);

	assert_int_equal(parse_msg(b.p, b.len, &c, &dg), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(pld_notify_parse(&c.p[0], &gn, &dg), 0);
	assert_int_equal(gn.doi, 1);
	assert_int_equal(gn.proto, IKE_PROTO_ESP);
	assert_int_equal(gn.type, IKE_N_RESPONDER_LIFETIME);
	assert_int_equal(gn.spi_size, 4);
	assert_memory_equal(gn.spi, spis, 4);
	assert_int_equal(gn.data_len, 3);
	assert_memory_equal(gn.data, data, 3);
	assert_int_equal(pld_delete_parse(&c.p[1], &gd, &dg), 0);
	assert_int_equal(gd.count, 2);
	assert_int_equal(gd.spi_size, 4);
	assert_memory_equal(gd.spis, spis, 8);
	buf_free(&b);
}

/* SAi_b from ikev1-reference.md 10, with a generic header in front. */
static void
pld_sa_parses_strongswan_sai_b(void **state)
{
	static const uint8_t sa_pld[4 + 52] = {
		0x00, 0x00, 0x00, 0x38,
		0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x2c, 0x01, 0x01, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x24, 0x01, 0x01, 0x00, 0x00,
		0x80, 0x01, 0x00, 0x07, 0x80, 0x0e, 0x00, 0x80,
		0x80, 0x02, 0x00, 0x02, 0x80, 0x04, 0x00, 0x0e,
		0x80, 0x03, 0x00, 0x01, 0x80, 0x0b, 0x00, 0x01,
		0x80, 0x0c, 0x00, 0x00,
	};
	struct pld_chain	 c;
	struct pld_sa		 sa;
	struct p1_prop		 p;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	const struct pld_xform	*xf;

	(void)state;
	assert_int_equal(pld_chain_parse(sa_pld, sizeof(sa_pld), 28,
	    IKE_PLD_SA, &c, &dg), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.p[0].body_len, 52);
	assert_int_equal(pld_sa_parse(&c.p[0], &sa, &dg), 0);
	assert_int_equal(sa.nprop, 1);
	assert_int_equal(sa.prop[0].nxf, 1);
	xf = &sa.prop[0].xf[0];
	assert_int_equal(xf->nattr, 7);
	assert_int_equal(xf->attr[5].type, IKE_ATTR_LIFE_TYPE);
	assert_int_equal(xf->attr[5].val, 1);
	assert_int_equal(xf->attr[6].type, IKE_ATTR_LIFE_DUR);
	assert_true(xf->attr[6].tv);
	assert_int_equal(xf->attr[6].val, 0);
	assert_int_equal(pld_p1_from_xform(xf, &p, &dg), 0);
	assert_int_equal(p.enc, 7);
	assert_int_equal(p.keylen, 128);
	assert_int_equal(p.hash, 2);
	assert_int_equal(p.group, 14);
	assert_int_equal(p.auth, 1);
	assert_int_equal(p.life, 0);
}

/*
 * Sweeps
 */

static void
pld_every_truncation_fails_cleanly(void **state)
{
	struct buf		 b = { 0 };
	struct pld_chain	 c;
	size_t			 n;
	int			 rc;

	(void)state;
	build_ag1(&b);
	for (n = 0; n < b.len; n++) {
		struct ike_diag	 dg = IKE_DIAG_INIT;
		uint8_t		*cut = malloc(n ? n : 1);

		/* A copy of exactly N bytes, so ASan sees any overread. */
		assert_non_null(cut);
		memcpy(cut, b.p, n);
		rc = parse_msg(cut, n, &c, &dg);
		assert_true(rc == IKE_ESHORT || rc == IKE_EMALFORMED);
		assert_int_equal(dg.code, rc);
		assert_true(dg.off < 28);
		free(cut);
	}
	/* With the header's length fixed up, the chain is what breaks. */
	for (n = 28; n < b.len; n++) {
		struct ike_diag	 dg = IKE_DIAG_INIT;
		uint8_t		*cut = malloc(n);

		assert_non_null(cut);
		memcpy(cut, b.p, n);
		cut[24] = 0;
		cut[25] = 0;
		cut[26] = (uint8_t)(n >> 8);
		cut[27] = (uint8_t)n;
		rc = parse_msg(cut, n, &c, &dg);
		assert_true(rc == IKE_ESHORT || rc == IKE_EMALFORMED);
		assert_true(dg.off >= 28 && dg.off <= n);
		free(cut);
	}
	buf_free(&b);
}

/* Run every decoder over a (possibly corrupt) message; check the codes. */
static void
decode_all(const uint8_t *m, size_t len)
{
	struct pld_chain	 c;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	struct pld_sa		 sa;
	struct pld_id		 id;
	struct pld_notify	 n;
	struct pld_delete	 d;
	struct p1_prop		 p1;
	struct p2_prop		 p2;
	struct buf		 out = { 0 };
	size_t			 i;
	int			 rc;

	rc = parse_msg(m, len, &c, &dg);
	assert_true(rc == 0 || rc == IKE_ESHORT || rc == IKE_EMALFORMED ||
	    rc == IKE_EUNSUPP || rc == IKE_ELIMIT);
	if (rc != 0)
		assert_true(dg.off <= len);
	for (i = 0; rc == 0 && i < c.n; i++) {
		dg = (struct ike_diag)IKE_DIAG_INIT;
		switch (c.p[i].type) {
		case IKE_PLD_SA:
			if (pld_sa_parse(&c.p[i], &sa, &dg) == 0 &&
			    sa.nprop > 0) {
				(void)pld_p1_from_xform(&sa.prop[0].xf[0],
				    &p1, &dg);
				(void)pld_p2_from_xform(&sa.prop[0].xf[0],
				    &p2, &dg);
			}
			break;
		case IKE_PLD_ID:
			(void)pld_id_parse(&c.p[i], &id, &dg);
			break;
		case IKE_PLD_N:
			(void)pld_notify_parse(&c.p[i], &n, &dg);
			break;
		case IKE_PLD_D:
			(void)pld_delete_parse(&c.p[i], &d, &dg);
			break;
		default:
			break;
		}
		if (dg.code != IKE_OK)
			assert_true(dg.off >= c.p[i].off &&
			    dg.off < c.p[i].off + c.p[i].len);
	}
	assert_int_equal(pld_dump(m, len, NULL, 0, &out), 0);
	assert_int_equal(strlen((char *)out.p), out.len);
	buf_free(&out);
}

static void
pld_bit_flips_never_crash(void **state)
{
	struct buf	 b = { 0 };
	uint8_t		*m;
	size_t		 i;
	int		 bit;

	(void)state;
	build_ag1(&b);
	m = malloc(b.len);
	assert_non_null(m);
	for (i = 0; i < b.len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(m, b.p, b.len);
			m[i] ^= (uint8_t)(1u << bit);
			decode_all(m, b.len);
		}
	}
	free(m);
	buf_free(&b);
}

/*
 * Crafted catalogue: each malformed input has one exact diagnosis.
 */

static void
pld_hdr_rejects_bad_header_fields(void **state)
{
	uint8_t		 m[64];
	struct pld_hdr	 h;
	struct ike_diag	 dg = IKE_DIAG_INIT;
	size_t		 len;

	(void)state;
	len = craft(m, 0, NULL, 0);
	assert_int_equal(pld_hdr_parse(m, len, &h, &dg), 0);

	assert_int_equal(pld_hdr_parse(m, 27, &h, &dg), IKE_ESHORT);
	assert_diag(&dg, IKE_ESHORT, 0, IKE_N_PAYLOAD_MALFORMED, "HDR");

	m[17] = 0x20;
	assert_int_equal(pld_hdr_parse(m, len, &h, &dg), IKE_EUNSUPP);
	assert_diag(&dg, IKE_EUNSUPP, 17, IKE_N_INVALID_MAJOR_VERSION, "HDR");
	m[17] = 0x11;	/* minor versions are accepted */
	assert_int_equal(pld_hdr_parse(m, len, &h, &dg), 0);

	m[19] = 0x08;
	assert_int_equal(pld_hdr_parse(m, len, &h, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 19, IKE_N_INVALID_FLAGS, "HDR");
	m[19] = 0x07;
	assert_int_equal(pld_hdr_parse(m, len, &h, &dg), 0);
}

static void
pld_hdr_rejects_length_unlike_datagram(void **state)
{
	uint8_t		 m[64];
	struct pld_hdr	 h;
	struct ike_diag	 dg = IKE_DIAG_INIT;
	size_t		 len;

	(void)state;
	len = craft(m, 0, NULL, 0);
	m[27] = 29;
	assert_int_equal(pld_hdr_parse(m, len, &h, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 24, 30, "HDR");
	assert_non_null(strstr(dg.msg, "29"));
	assert_non_null(strstr(dg.msg, "28"));
}

/* VID (8 bytes) at 28, then a NONCE at 36 with length L. */
static void
pld_generic_rejects_length_below_header(void **state)
{
	uint8_t			 body[16] = {
		IKE_PLD_NONCE, 0, 0, 8, 0xde, 0xad, 0xbe, 0xef,
		0, 0, 0, 0, 1, 2, 3, 4,
	};
	uint8_t			 m[64];
	struct pld_chain	 c;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	size_t			 len;
	uint8_t			 l;

	(void)state;
	for (l = 0; l < 4; l++) {
		body[11] = l;
		len = craft(m, IKE_PLD_VID, body, sizeof(body));
		assert_int_equal(parse_msg(m, len, &c, &dg), IKE_EMALFORMED);
		assert_diag(&dg, IKE_EMALFORMED, 36, IKE_N_PAYLOAD_MALFORMED,
		    "NONCE");
		/* The payload before the bad one was read. */
		assert_int_equal(c.n, 1);
	}
}

static void
pld_generic_rejects_length_past_end(void **state)
{
	uint8_t			 body[8 + 12] = {
		IKE_PLD_NONCE, 0, 0, 8, 0xde, 0xad, 0xbe, 0xef,
		0, 0, 0, 13,
	};
	uint8_t			 m[64];
	struct pld_chain	 c;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	size_t			 len;

	(void)state;
	len = craft(m, IKE_PLD_VID, body, sizeof(body));
	assert_int_equal(parse_msg(m, len, &c, &dg), IKE_ESHORT);
	assert_diag(&dg, IKE_ESHORT, 36, IKE_N_PAYLOAD_MALFORMED, "NONCE");
	/* Exactly fitting is fine. */
	body[11] = 12;
	len = craft(m, IKE_PLD_VID, body, sizeof(body));
	assert_int_equal(parse_msg(m, len, &c, &dg), 0);
	assert_int_equal(c.n, 2);
	/* A chain cut inside a generic header is short too. */
	len = craft(m, IKE_PLD_VID, body, 10);
	assert_int_equal(parse_msg(m, len, &c, &dg), IKE_ESHORT);
	assert_diag(&dg, IKE_ESHORT, 36, IKE_N_PAYLOAD_MALFORMED, "NONCE");
}

/* A payload of TYPE whose total length is LEN (body zeros), at 28. */
static int
one_payload(uint8_t type, size_t plen, struct pld_chain *c,
    struct ike_diag *dg)
{
	uint8_t	 body[300], m[400];
	size_t	 len;

	memset(body, 0, sizeof(body));
	body[2] = (uint8_t)(plen >> 8);
	body[3] = (uint8_t)plen;
	len = craft(m, type, body, plen);
	return parse_msg(m, len, c, dg);
}

static void
pld_chain_checks_fixed_part_minimums(void **state)
{
	struct pld_chain	 c;
	struct ike_diag		 dg = IKE_DIAG_INIT;

	(void)state;
	assert_int_equal(one_payload(IKE_PLD_ID, 7, &c, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 28, IKE_N_PAYLOAD_MALFORMED, "ID");
	assert_int_equal(one_payload(IKE_PLD_ID, 8, &c, &dg), 0);
	assert_int_equal(one_payload(IKE_PLD_N, 11, &c, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 28, IKE_N_PAYLOAD_MALFORMED, "N");
	assert_int_equal(one_payload(IKE_PLD_N, 12, &c, &dg), 0);
	assert_int_equal(one_payload(IKE_PLD_D, 11, &c, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 28, IKE_N_PAYLOAD_MALFORMED, "D");
	assert_int_equal(one_payload(IKE_PLD_SA, 11, &c, &dg),
	    IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 28, IKE_N_PAYLOAD_MALFORMED, "SA");
	assert_int_equal(one_payload(IKE_PLD_KE, 4, &c, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 28, IKE_N_PAYLOAD_MALFORMED, "KE");
	assert_int_equal(one_payload(IKE_PLD_HASH, 4, &c, &dg),
	    IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 28, IKE_N_PAYLOAD_MALFORMED, "HASH");
	assert_int_equal(one_payload(IKE_PLD_HASH, 5, &c, &dg), 0);
}

static void
pld_nonce_must_be_8_to_256_bytes(void **state)
{
	struct pld_chain	 c;
	struct ike_diag		 dg = IKE_DIAG_INIT;

	(void)state;
	assert_int_equal(one_payload(IKE_PLD_NONCE, 4 + 7, &c, &dg),
	    IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 28, IKE_N_PAYLOAD_MALFORMED,
	    "NONCE");
	assert_non_null(strstr(dg.msg, "11"));
	assert_int_equal(one_payload(IKE_PLD_NONCE, 4 + 257, &c, &dg),
	    IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 28, IKE_N_PAYLOAD_MALFORMED,
	    "NONCE");
	assert_non_null(strstr(dg.msg, "261"));
	assert_int_equal(one_payload(IKE_PLD_NONCE, 4 + 8, &c, &dg), 0);
	assert_int_equal(one_payload(IKE_PLD_NONCE, 4 + 256, &c, &dg), 0);
	assert_int_equal(c.p[0].body_len, 256);
}

static void
pld_chain_rejects_undefined_and_keeps_private_types(void **state)
{
	uint8_t			 body[12] = {
		IKE_PLD_NONE, 0, 0, 8, 1, 2, 3, 4,
	};
	uint8_t			 vid_then[12] = {
		50, 0, 0, 4, 0, 0, 0, 4,
	};
	uint8_t			 m[64];
	struct pld_chain	 c;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	size_t			 len;

	(void)state;
	len = craft(m, 200, body, 8);
	assert_int_equal(parse_msg(m, len, &c, &dg), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.p[0].type, 200);
	assert_int_equal(c.p[0].body_len, 4);
	assert_memory_equal(c.p[0].body, body + 4, 4);

	len = craft(m, IKE_PLD_VID, vid_then, 8);
	assert_int_equal(parse_msg(m, len, &c, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 32, IKE_N_INVALID_PAYLOAD_TYPE,
	    "type 50");

	/* Proposal and Transform live only inside an SA. */
	len = craft(m, IKE_PLD_P, body, 8);
	assert_int_equal(parse_msg(m, len, &c, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 28, IKE_N_INVALID_PAYLOAD_TYPE, "P");
}

static void
pld_chain_caps_payload_count(void **state)
{
	uint8_t			 body[33 * 4];
	uint8_t			 m[28 + sizeof(body)];
	struct pld_chain	 c;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	size_t			 i, len;

	(void)state;
	for (i = 0; i < 33; i++) {
		body[i * 4] = i < 32 ? IKE_PLD_VID : IKE_PLD_NONE;
		body[i * 4 + 1] = 0;
		body[i * 4 + 2] = 0;
		body[i * 4 + 3] = 4;
	}
	len = craft(m, IKE_PLD_VID, body, sizeof(body));
	assert_int_equal(parse_msg(m, len, &c, &dg), IKE_ELIMIT);
	assert_diag(&dg, IKE_ELIMIT, 28 + 32 * 4, IKE_N_PAYLOAD_MALFORMED,
	    "VID");
	/* 32 payloads are fine. */
	body[31 * 4] = IKE_PLD_NONE;
	len = craft(m, IKE_PLD_VID, body, 32 * 4);
	assert_int_equal(parse_msg(m, len, &c, &dg), 0);
	assert_int_equal(c.n, 32);
}

/* Parse BODY as the body of a payload of TYPE sitting at offset 28. */
static struct pld_ref
ref_of(uint8_t type, const uint8_t *body, size_t n)
{
	struct pld_ref	 r;

	r.type = type;
	r.off = 28;
	r.len = n + 4;
	r.body = body;
	r.body_len = n;
	return r;
}

static void
pld_delete_spi_bytes_must_match_count(void **state)
{
	uint8_t		 b[8 + 8] = {
		0, 0, 0, 1, IKE_PROTO_ESP, 4, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8,
	};
	struct pld_ref	 r;
	struct pld_delete d;
	struct ike_diag	 dg = IKE_DIAG_INIT;

	(void)state;
	r = ref_of(IKE_PLD_D, b, 16);
	assert_int_equal(pld_delete_parse(&r, &d, &dg), 0);
	r = ref_of(IKE_PLD_D, b, 12);
	assert_int_equal(pld_delete_parse(&r, &d, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 37, IKE_N_PAYLOAD_MALFORMED, "D");
	/* Largest product: 255 * 65535 bytes announced, 8 present. */
	b[5] = 255;
	b[6] = 0xff;
	b[7] = 0xff;
	r = ref_of(IKE_PLD_D, b, 16);
	assert_int_equal(pld_delete_parse(&r, &d, &dg), IKE_EMALFORMED);
	assert_int_equal(dg.off, 37);
	r = ref_of(IKE_PLD_D, b, 7);
	assert_int_equal(pld_delete_parse(&r, &d, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 28, IKE_N_PAYLOAD_MALFORMED, "D");
}

static void
pld_id_and_notify_check_their_fixed_parts(void **state)
{
	uint8_t			 b[12] = {
		IKE_ID_IPV4_ADDR, 0, 0, 0, 10, 0, 0, 1, 0, 0, 0, 0,
	};
	uint8_t			 nb[10] = {
		0, 0, 0, 1, IKE_PROTO_ISAKMP, 16, 0x60, 0x02, 0, 0,
	};
	struct pld_ref		 r;
	struct pld_id		 id;
	struct pld_notify	 n;
	struct ike_diag		 dg = IKE_DIAG_INIT;

	(void)state;
	r = ref_of(IKE_PLD_ID, b, 3);
	assert_int_equal(pld_id_parse(&r, &id, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 28, IKE_N_PAYLOAD_MALFORMED, "ID");
	r = ref_of(IKE_PLD_ID, b, 9);
	assert_int_equal(pld_id_parse(&r, &id, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 32, IKE_N_INVALID_ID_INFORMATION,
	    "ID");
	r = ref_of(IKE_PLD_ID, b, 8);
	assert_int_equal(pld_id_parse(&r, &id, &dg), 0);

	r = ref_of(IKE_PLD_N, nb, 7);
	assert_int_equal(pld_notify_parse(&r, &n, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 28, IKE_N_PAYLOAD_MALFORMED, "N");
	/* SPI size 16 but 2 bytes follow. */
	r = ref_of(IKE_PLD_N, nb, 10);
	assert_int_equal(pld_notify_parse(&r, &n, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 37, IKE_N_PAYLOAD_MALFORMED, "N");
	nb[5] = 0;
	assert_int_equal(pld_notify_parse(&r, &n, &dg), 0);
	assert_int_equal(n.type, IKE_N_INITIAL_CONTACT);
	assert_int_equal(n.data_len, 2);
}

/*
 * An SA body to corrupt: DOI, situation, one proposal (at 40) with one
 * transform (at 48) holding ENC at 56 and a TLV Life Duration at 60.
 */
static const uint8_t sa_tpl[] = {
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x1c, 0x01, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x14, 0x01, 0x01, 0x00, 0x00,
	0x80, 0x01, 0x00, 0x07,
	0x00, 0x0c, 0x00, 0x04, 0x00, 0x01, 0x51, 0x80,
};

static int
sa_try(const uint8_t *b, size_t n, struct ike_diag *dg)
{
	struct pld_ref	 r = ref_of(IKE_PLD_SA, b, n);
	struct pld_sa	 sa;

	*dg = (struct ike_diag)IKE_DIAG_INIT;
	return pld_sa_parse(&r, &sa, dg);
}

static void
pld_sa_rejects_bad_structure(void **state)
{
	uint8_t		 b[sizeof(sa_tpl) + 8];
	struct ike_diag	 dg;

	(void)state;
	memcpy(b, sa_tpl, sizeof(sa_tpl));
	assert_int_equal(sa_try(b, sizeof(sa_tpl), &dg), 0);

	/* No proposal at all. */
	assert_int_equal(sa_try(b, 8, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 40, IKE_N_BAD_PROPOSAL_SYNTAX, "SA");

	/* DOI 2, situation 2. */
	b[3] = 2;
	assert_int_equal(sa_try(b, sizeof(sa_tpl), &dg), IKE_EUNSUPP);
	assert_diag(&dg, IKE_EUNSUPP, 32, IKE_N_DOI_NOT_SUPPORTED, "SA");
	b[3] = 1;
	b[7] = 2;
	assert_int_equal(sa_try(b, sizeof(sa_tpl), &dg), IKE_EUNSUPP);
	assert_diag(&dg, IKE_EUNSUPP, 36, IKE_N_SITUATION_NOT_SUPPORTED,
	    "SA");
	b[7] = 1;

	/* The proposal claims 2 transforms, holds 1. */
	b[15] = 2;
	assert_int_equal(sa_try(b, sizeof(sa_tpl), &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 47, IKE_N_BAD_PROPOSAL_SYNTAX, "SA");
	b[15] = 1;

	/* Bytes left after the last proposal. */
	memset(b + sizeof(sa_tpl), 0, 4);
	assert_int_equal(sa_try(b, sizeof(sa_tpl) + 4, &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 32 + sizeof(sa_tpl),
	    IKE_N_PAYLOAD_MALFORMED, "SA");

	/* Proposal length past the SA; below its 8-byte minimum. */
	b[11] = 0x1d;
	assert_int_equal(sa_try(b, sizeof(sa_tpl), &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 40, IKE_N_PAYLOAD_MALFORMED, "SA");
	b[11] = 7;
	assert_int_equal(sa_try(b, sizeof(sa_tpl), &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 40, IKE_N_PAYLOAD_MALFORMED, "SA");
	b[11] = 0x1c;

	/* SPI size 17. */
	b[14] = 17;
	assert_int_equal(sa_try(b, sizeof(sa_tpl), &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 46, IKE_N_PAYLOAD_MALFORMED, "SA");
	b[14] = 0;

	/* The proposal announces another one that is not there. */
	b[8] = IKE_PLD_P;
	assert_int_equal(sa_try(b, sizeof(sa_tpl), &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 40, IKE_N_BAD_PROPOSAL_SYNTAX, "SA");
	b[8] = 0;

	/* The transform announces another that is not there. */
	b[16] = IKE_PLD_T;
	assert_int_equal(sa_try(b, sizeof(sa_tpl), &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 48, IKE_N_BAD_PROPOSAL_SYNTAX, "SA");
	b[16] = 0;
}

static void
pld_sa_rejects_bad_attribute_lengths(void **state)
{
	uint8_t		 b[sizeof(sa_tpl)];
	struct ike_diag	 dg;

	(void)state;
	memcpy(b, sa_tpl, sizeof(sa_tpl));
	b[30] = 0;
	b[31] = 0;
	assert_int_equal(sa_try(b, sizeof(b), &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 60, IKE_N_PAYLOAD_MALFORMED, "SA");
	b[30] = 0xff;
	b[31] = 0xff;
	assert_int_equal(sa_try(b, sizeof(b), &dg), IKE_EMALFORMED);
	assert_diag(&dg, IKE_EMALFORMED, 60, IKE_N_PAYLOAD_MALFORMED, "SA");
	/* One byte too many: runs past the transform by one. */
	b[30] = 0;
	b[31] = 5;
	assert_int_equal(sa_try(b, sizeof(b), &dg), IKE_EMALFORMED);
	assert_int_equal(dg.off, 60);
}

static void
pld_xform_readers_refuse_unknown_attributes(void **state)
{
	struct pld_xform	 xf;
	struct p1_prop		 p1;
	struct p2_prop		 p2;
	struct ike_diag		 dg = IKE_DIAG_INIT;

	(void)state;
	memset(&xf, 0, sizeof(xf));
	xf.id = IKE_KEY_IKE;
	xf.off = 48;
	xf.nattr = 2;
	xf.attr[0] = (struct pld_attr){ IKE_ATTR_ENC, true, 7, NULL, 0, 56 };
	xf.attr[1] = (struct pld_attr){ IKE_ATTR_PRF, true, 1, NULL, 0, 60 };
	assert_int_equal(pld_p1_from_xform(&xf, &p1, &dg), IKE_EUNSUPP);
	assert_diag(&dg, IKE_EUNSUPP, 60, IKE_N_ATTRIBUTES_NOT_SUPPORTED,
	    "SA");
	/* Life Duration before Life Type. */
	xf.attr[1] = (struct pld_attr){ IKE_ATTR_LIFE_DUR, true, 9, NULL, 0,
	    60 };
	assert_int_equal(pld_p1_from_xform(&xf, &p1, &dg), IKE_EMALFORMED);
	assert_int_equal(dg.off, 60);
	xf.id = 2;
	assert_int_equal(pld_p1_from_xform(&xf, &p1, &dg), IKE_EUNSUPP);
	assert_diag(&dg, IKE_EUNSUPP, 53, IKE_N_INVALID_TRANSFORM_ID, "SA");

	xf.id = IKE_ESP_AES;
	xf.nattr = 1;
	xf.attr[0] = (struct pld_attr){ 7, true, 1, NULL, 0, 56 };
	assert_int_equal(pld_p2_from_xform(&xf, &p2, &dg), IKE_EUNSUPP);
	assert_diag(&dg, IKE_EUNSUPP, 56, IKE_N_ATTRIBUTES_NOT_SUPPORTED,
	    "SA");
}

/*
 * Dump
 */

static void
pld_dump_shows_ag1_tree_with_offsets(void **state)
{
	struct buf	 b = { 0 }, out = { 0 };
	const char	*t;

	(void)state;
	build_ag1(&b);
	assert_int_equal(pld_dump(b.p, b.len, NULL, 0, &out), 0);
	t = (const char *)out.p;
	assert_int_equal(strlen(t), out.len);
	assert_non_null(strstr(t, "   0    initiator cookie "
	    "01080f161d242b32\n"));
	assert_non_null(strstr(t, "  18    exchange Aggressive (4)\n"));
	assert_non_null(strstr(t, "  24    length 384\n"));
	assert_non_null(strstr(t, "  28  SA  len 48\n"));
	assert_non_null(strstr(t, "  40    proposal #1\n"));
	assert_non_null(strstr(t, "  56          Encryption Algorithm = "
	    "AES-CBC (7)\n"));
	assert_non_null(strstr(t, "  60          Key Length = 128\n"));
	assert_non_null(strstr(t, "  68          Group Description = "
	    "MODP-2048 (14)\n"));
	assert_non_null(strstr(t, "  76  KE  len 260\n"));
	assert_non_null(strstr(t, " 336  NONCE  len 36\n"));
	assert_non_null(strstr(t, " 380    address 192.0.2.1\n"));
	/* Every line starts with an offset. */
	for (; *t != '\0'; t = strchr(t, '\n') + 1)
		assert_true(t[3] >= '0' && t[3] <= '9');
	buf_free(&out);
	buf_free(&b);
}

static void
pld_dump_escapes_packet_text(void **state)
{
	static const char evil[] = "\x1b[2J%s%n\\";
	struct pld_id	 id = { IKE_ID_FQDN, 0, 0,
	    (const uint8_t *)evil, sizeof(evil) - 1 };
	struct pld_hdr	 h;
	struct pld_wr	 w;
	struct buf	 b = { 0 }, out = { 0 };

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_int_equal(pld_wr_hdr(&w, &b, &h), 0);
	assert_int_equal(pld_add_id(&w, &id), 0);
	pld_wr_done(&w);
	assert_int_equal(pld_dump(b.p, b.len, NULL, 0, &out), 0);
	assert_null(memchr(out.p, 0x1b, out.len));
	assert_non_null(strstr((char *)out.p,
	    "  36    name \"\\x1b[2J%s%n\\x5c\"\n"));
	buf_free(&out);
	buf_free(&b);
}

static void
pld_dump_encrypted_body_with_and_without_plaintext(void **state)
{
	static const uint8_t plain[32] = {
		0, 0, 0, 24,		/* HASH, 20 bytes */
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		17, 18, 19, 20,
	};
	uint8_t		 m[28 + 32];
	struct buf	 out = { 0 };
	size_t		 len;

	(void)state;
	len = craft(m, IKE_PLD_HASH, plain, sizeof(plain));
	m[19] = IKE_FLAG_ENC;
	assert_int_equal(pld_dump(m, len, NULL, 0, &out), 0);
	assert_non_null(strstr((char *)out.p,
	    "  28  encrypted body: 32 bytes\n"));
	assert_null(strstr((char *)out.p, "HASH  len"));
	out.len = 0;
	assert_int_equal(pld_dump(m, len, plain, sizeof(plain), &out), 0);
	assert_non_null(strstr((char *)out.p, "  28  HASH  len 24\n"));
	assert_non_null(strstr((char *)out.p, "  32      01 02 03 04"));
	assert_non_null(strstr((char *)out.p, "  52  padding: 8 bytes\n"));
	buf_free(&out);
}

static void
pld_dump_prints_errors_at_their_offset(void **state)
{
	uint8_t		 body[12] = {
		IKE_PLD_NONCE, 0, 0, 8, 1, 2, 3, 4, 0, 0, 0, 2,
	};
	uint8_t		 m[64];
	struct buf	 out = { 0 };
	size_t		 len;

	(void)state;
	len = craft(m, IKE_PLD_VID, body, sizeof(body));
	assert_int_equal(pld_dump(m, len, NULL, 0, &out), 0);
	assert_non_null(strstr((char *)out.p, "  28  VID  len 8\n"));
	assert_non_null(strstr((char *)out.p, "  36  error: length 2 is "
	    "below the 4-byte generic header (malformed, a peer would "
	    "answer PAYLOAD-MALFORMED)\n"));
	buf_free(&out);
}

static uint32_t
xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
pld_dump_survives_random_garbage(void **state)
{
	uint32_t	 seed = 0x1234567;
	uint8_t		*m;
	size_t		 len, i;
	int		 round;

	(void)state;
	for (round = 0; round < 2000; round++) {
		len = xorshift(&seed) % 600;
		m = malloc(len ? len : 1);
		assert_non_null(m);
		for (i = 0; i < len; i++)
			m[i] = (uint8_t)xorshift(&seed);
		/* Half the time, a valid header so the chain gets walked. */
		if (len >= 28 && round % 2 == 0) {
			m[17] = 0x10;
			m[19] &= 0x06;
			m[24] = 0;
			m[25] = 0;
			m[26] = (uint8_t)(len >> 8);
			m[27] = (uint8_t)len;
			m[16] = (uint8_t)(1 + xorshift(&seed) % 13);
		}
		decode_all(m, len);
		free(m);
	}
}

static void
pld_hexdump_formats_rows(void **state)
{
	static const uint8_t p[18] = {
		'A', 'B', 'C', 0, '%', 's', 0x7f, 0x1b, 8, 9, 10, 11, 12, 13,
		14, 15, 'x', 'y',
	};
	static const char want[] =
	    "0010  41 42 43 00 25 73 7f 1b 08 09 0a 0b 0c 0d 0e 0f"
	    "  |ABC.%s..........|\n"
	    "0020  78 79                                          "
	    "  |xy|\n";
	struct buf	 out = { 0 };

	(void)state;
	assert_int_equal(pld_hexdump(p, sizeof(p), 0x10, &out), 0);
	assert_int_equal(out.len, strlen(want));
	assert_string_equal((char *)out.p, want);
	buf_free(&out);
}

static void
ike_names_follow_the_rfcs(void **state)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;

	(void)state;
	assert_string_equal(ike_pld_name(IKE_PLD_NONCE), "NONCE");
	assert_string_equal(ike_pld_name(IKE_PLD_NAT_D), "NAT-D");
	assert_string_equal(ike_pld_name(132), "FRAG");
	assert_null(ike_pld_name(50));
	assert_string_equal(ike_exch_name(IKE_EXCH_QUICK), "Quick Mode");
	assert_string_equal(ike_exch_name(5), "Informational");
	assert_string_equal(ike_notify_name(16), "PAYLOAD-MALFORMED");
	assert_string_equal(ike_notify_name(23), "INVALID-HASH-INFORMATION");
	assert_string_equal(ike_notify_name(30), "UNEQUAL-PAYLOAD-LENGTHS");
	assert_string_equal(ike_notify_name(24578), "INITIAL-CONTACT");
	assert_null(ike_notify_name(31));
	assert_string_equal(ike_err_name(IKE_ELIMIT), "limit exceeded");
	assert_int_equal(diag_set(NULL, IKE_EAUTH, 3, "x"), IKE_EAUTH);
	assert_int_equal(diag_set(&dg, IKE_EMALFORMED, 7, "n=%d", 5),
	    IKE_EMALFORMED);
	assert_string_equal(dg.msg, "n=5");
	assert_int_equal(dg.off, 7);
	diag_pld(&dg, "ABCDEFGHIJKLMNOP");
	assert_string_equal(dg.pld, "ABCDEFGHIJK");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pld_ag1_round_trip_keeps_every_field),
		cmocka_unit_test(pld_sa_p1_bytes_follow_reference_layout),
		cmocka_unit_test(pld_sa_p1_life_uses_tv_or_tlv_by_size),
		cmocka_unit_test(pld_sa_p2_bytes_and_round_trip),
		cmocka_unit_test(pld_notify_and_delete_round_trip),
		cmocka_unit_test(pld_sa_parses_strongswan_sai_b),
		cmocka_unit_test(pld_every_truncation_fails_cleanly),
		cmocka_unit_test(pld_bit_flips_never_crash),
		cmocka_unit_test(pld_hdr_rejects_bad_header_fields),
		cmocka_unit_test(pld_hdr_rejects_length_unlike_datagram),
		cmocka_unit_test(pld_generic_rejects_length_below_header),
		cmocka_unit_test(pld_generic_rejects_length_past_end),
		cmocka_unit_test(pld_chain_checks_fixed_part_minimums),
		cmocka_unit_test(pld_nonce_must_be_8_to_256_bytes),
		cmocka_unit_test(
		    pld_chain_rejects_undefined_and_keeps_private_types),
		cmocka_unit_test(pld_chain_caps_payload_count),
		cmocka_unit_test(pld_delete_spi_bytes_must_match_count),
		cmocka_unit_test(pld_id_and_notify_check_their_fixed_parts),
		cmocka_unit_test(pld_sa_rejects_bad_structure),
		cmocka_unit_test(pld_sa_rejects_bad_attribute_lengths),
		cmocka_unit_test(pld_xform_readers_refuse_unknown_attributes),
		cmocka_unit_test(pld_dump_shows_ag1_tree_with_offsets),
		cmocka_unit_test(pld_dump_escapes_packet_text),
		cmocka_unit_test(
		    pld_dump_encrypted_body_with_and_without_plaintext),
		cmocka_unit_test(pld_dump_prints_errors_at_their_offset),
		cmocka_unit_test(pld_dump_survives_random_garbage),
		cmocka_unit_test(pld_hexdump_formats_rows),
		cmocka_unit_test(ike_names_follow_the_rfcs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
