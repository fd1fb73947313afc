/*
 * fuzz_esp.c: libFuzzer target for the ESP code (core/esp.c), which
 * reads ESP packets of real captures (`open`) as well as ikelab's own.
 *
 * Input: byte 0 picks the transform (ESP_AES 128, ESP_AES 256, ESP_3DES
 * times HMAC-MD5-96, HMAC-SHA1-96, HMAC-SHA2-256-128), the rest is D.
 *  1. D as an ESP packet: esp_peek, esp_dump, esp_open (through an SA
 *     with fixed keys: it stops at the SPI or the ICV), and D as an
 *     inner packet: esp_icmp_parse, esp_describe.
 *  2. D as the plaintext of a packet sealed here with the SA's keys (D
 *     padded with zeros to whole blocks, a valid ICV), so that esp_open
 *     gets past the ICV to the padding checks on bytes the fuzzer
 *     chose; what it returns must be the front of D.
 *  3. D as the inner packet of esp_build: esp_open must give D back,
 *     with the same sequence number and next header.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "esp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_SPI		0x11223344u
#define FZ_SEQ		7u

/* The transform and SA that byte SEL picks. */
static void
fz_sa(uint8_t sel, struct esp_sa *sa)
{
	static const struct {
		uint8_t		 id;
		uint16_t	 keylen;
	} encs[] = {
		{ IKE_ESP_AES, 128 }, { IKE_ESP_AES, 256 }, { IKE_ESP_3DES, 0 },
	};
	static const uint16_t auths[] = {
		IKE_ESP_AUTH_MD5, IKE_ESP_AUTH_SHA1, IKE_ESP_AUTH_SHA256,
	};
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct p2_prop	 p;
	uint8_t		 km[96];
	size_t		 k;

	memset(&p, 0, sizeof(p));
	p.esp_id = encs[sel % 3].id;
	p.keylen = encs[sel % 3].keylen;
	p.auth = auths[sel / 3 % 3];
	p.encap = IKE_ENCAP_TUNNEL;
	for (k = 0; k < sizeof(km); k++)
		km[k] = (uint8_t)(k * 13 + 5);
	if (esp_keymat_len(&p) > sizeof(km) ||
	    esp_sa_init(sa, FZ_SPI, &p, km, sizeof(km), &dg) != IKE_OK)
		abort();
}

/* Step 1: the bytes as they come. */
static void
as_is(const struct esp_sa *sa, const uint8_t *d, size_t n)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct esp_icmp	 e;
	struct esp_info	 info;
	struct buf	 out = { 0 }, inner = { 0 };
	uint32_t	 spi, seq;
	char		 line[200];

	(void)esp_peek(d, n, &spi, &seq, &dg);
	(void)esp_dump(d, n, sa->blen, sa->icv_len, NULL, 0, &out);
	buf_free(&out);
	(void)esp_open(sa, d, n, &inner, &info, &dg);
	buf_free(&inner);
	(void)esp_icmp_parse(d, n, &e);
	esp_describe(d, n, line, sizeof(line));
}

/* Is INNER the front of D followed by zeros? */
static bool
same_front(const struct buf *inner, const uint8_t *d, size_t n)
{
	size_t	 k;

	for (k = 0; k < inner->len; k++)
		if (inner->p[k] != (k < n ? d[k] : 0))
			return false;
	return true;
}

/* Step 2: D as plaintext under a valid ICV. */
static void
sealed(const struct esp_sa *sa, const uint8_t *d, size_t n)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct esp_info	 info;
	struct ciov	 v;
	struct buf	 pkt = { 0 }, inner = { 0 }, out = { 0 };
	uint8_t		 icv[CRYPTO_MAX_HASH];
	size_t		 ct_len, hlen;
	int		 rc;

	ct_len = (n + sa->blen - 1) / sa->blen * sa->blen;
	if (ct_len == 0)
		ct_len = sa->blen;
	hlen = ESP_HDR_LEN + sa->blen;
	if (buf_add_u32(&pkt, sa->spi) || buf_add_u32(&pkt, FZ_SEQ) ||
	    buf_add(&pkt, NULL, sa->blen) || buf_add(&pkt, d, n) ||
	    buf_add(&pkt, NULL, hlen + ct_len - pkt.len))
		abort();
	memset(pkt.p + ESP_HDR_LEN, 0x5c, sa->blen);	/* the IV */
	if (crypto_cbc(sa->enc, sa->ekey, sa->elen, pkt.p + ESP_HDR_LEN,
	    pkt.p + hlen, ct_len, pkt.p + hlen, true) != IKE_OK)
		abort();
	v.p = pkt.p;
	v.n = pkt.len;
	if (crypto_esp_hmac(sa->auth, sa->akey, sa->alen, &v, 1, icv,
	    NULL) != IKE_OK || buf_add(&pkt, icv, sa->icv_len))
		abort();

	rc = esp_open(sa, pkt.p, pkt.len, &inner, &info, &dg);
	if (rc == IKE_OK) {
		/* Inner packet, padding, pad length, next header. */
		if (inner.len + info.pad_len + 2 != ct_len ||
		    !same_front(&inner, d, n) ||
		    info.seq != FZ_SEQ || info.spi != sa->spi)
			abort();
		(void)esp_dump(pkt.p, pkt.len, sa->blen, sa->icv_len,
		    inner.p, inner.len, &out);
		buf_free(&out);
	} else if (rc != IKE_EMALFORMED)
		abort();	/* the ICV is right: only padding can fail */
	buf_free(&inner);
	buf_free(&pkt);
}

/* Step 3: esp_build, then esp_open gives the same bytes back. */
static void
round_trip(const struct esp_sa *sa, const uint8_t *d, size_t n)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct esp_info	 info;
	struct buf	 pkt = { 0 }, inner = { 0 };
	uint8_t		 iv[CRYPTO_MAX_BLOCK];
	uint8_t		 next = n > 0 ? d[0] : ESP_NEXT_IPV4;

	memset(iv, 0xa7, sizeof(iv));
	if (esp_build(sa, FZ_SEQ, iv, d, n, next, &pkt, &dg) != IKE_OK)
		abort();
	if (esp_open(sa, pkt.p, pkt.len, &inner, &info, &dg) != IKE_OK ||
	    inner.len != n || (n > 0 && memcmp(inner.p, d, n) != 0) ||
	    info.next_hdr != next || info.seq != FZ_SEQ)
		abort();
	buf_free(&inner);
	buf_free(&pkt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct esp_sa	 sa;

	if (size < 1 || size - 1 > PLD_MAX_MSG)
		return 0;
	fz_sa(data[0], &sa);
	as_is(&sa, data + 1, size - 1);
	sealed(&sa, data + 1, size - 1);
	round_trip(&sa, data + 1, size - 1);
	crypto_wipe(&sa, sizeof(sa));
	return 0;
}
