/*
 * keys.c: the IKEv1 key chain for pre-shared keys, built on the
 * primitives of crypto.c. Each function is one formula of RFC 2409
 * (sections 5, 5.5, 5.7 and appendix B), written out the same way in
 * ikev1-reference.md section 6.
 */
#include <string.h>

#include "keys.h"

/* Write V as 4 big-endian bytes, the way a M-ID or SPI is on the wire. */
static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * SKEYID_d, _a and _e (RFC 2409 5): each is prf(SKEYID, [previous |]
 * g^xy | CKY-I | CKY-R | n) with n = 0, 1, 2.
 */
static int
p1_skeyid_dae(struct p1_keys *k, const struct p1_inputs *in)
{
	uint8_t		*out[3] = { k->skeyid_d, k->skeyid_a, k->skeyid_e };
	uint8_t		 n;
	int		 rc;

	for (n = 0; n < 3; n++) {
		struct ciov v[] = {
			{ n > 0 ? out[n - 1] : NULL, n > 0 ? k->hlen : 0 },
			{ in->gxy, in->glen },
			{ in->icookie, IKE_COOKIE_LEN },
			{ in->rcookie, IKE_COOKIE_LEN },
			{ &n, 1 },
		};

		rc = crypto_prf(k->hash, k->skeyid, k->hlen, v, 5, out[n]);
		if (rc != IKE_OK)
			return rc;
	}
	return IKE_OK;
}

/*
 * Ka (RFC 2409 appendix B): the first klen bytes of SKEYID_e when it is
 * long enough; otherwise of K1 | K2 | ... with K1 = prf(SKEYID_e, 0)
 * and Kn = prf(SKEYID_e, K(n-1)). SKEYID_e itself is then not used.
 */
static int
p1_ka(struct p1_keys *k)
{
	uint8_t		 kn[CRYPTO_MAX_HASH], zero = 0;
	size_t		 have, take;
	int		 rc = IKE_OK;

	if (k->hlen >= k->klen) {
		memcpy(k->ka, k->skeyid_e, k->klen);
		return IKE_OK;
	}
	for (have = 0; have < k->klen; have += take) {
		struct ciov v = have == 0 ? (struct ciov){ &zero, 1 } :
		    (struct ciov){ kn, k->hlen };

		rc = crypto_prf(k->hash, k->skeyid_e, k->hlen, &v, 1, kn);
		if (rc != IKE_OK)
			break;
		take = k->klen - have < k->hlen ? k->klen - have : k->hlen;
		memcpy(k->ka + have, kn, take);
	}
	crypto_wipe(kn, sizeof(kn));
	return have < k->klen ? rc : IKE_OK;
}

int
keys_p1_chain(struct p1_keys *k, const struct p1_inputs *in)
{
	int	rc;

	if ((rc = p1_skeyid_dae(k, in)) != IKE_OK)
		return rc;
	return p1_ka(k);
}

int
keys_p1(unsigned int hash, unsigned int enc, unsigned int keylen,
    const struct p1_inputs *in, struct p1_keys *k, struct ike_diag *dg)
{
	struct ciov	 v[2];
	uint8_t		 iv[CRYPTO_MAX_HASH];
	int		 rc;

	memset(k, 0, sizeof(*k));
	k->hash = hash;
	k->enc = enc;
	if ((k->hlen = crypto_hash_len(hash)) == 0)
		return diag_set(dg, IKE_EUNSUPP, SIZE_MAX,
		    "hash algorithm %u is not supported (MD5, SHA1, SHA2-256 are)",
		    hash);
	if ((k->blen = crypto_block_len(enc)) == 0)
		return diag_set(dg, IKE_EUNSUPP, SIZE_MAX,
		    "encryption algorithm %u is not supported (3DES, AES are)",
		    enc);
	if ((k->klen = crypto_key_len(enc, keylen)) == 0)
		return diag_set(dg, IKE_EUNSUPP, SIZE_MAX,
		    "key length %u bits is not supported for encryption algorithm %u",
		    keylen, enc);

	/* SKEYID = prf(PSK, Ni_b | Nr_b) for pre-shared keys. */
	v[0] = (struct ciov){ in->ni, in->ni_len };
	v[1] = (struct ciov){ in->nr, in->nr_len };
	if ((rc = crypto_prf(hash, in->psk, in->psk_len, v, 2,
	    k->skeyid)) != IKE_OK ||
	    (rc = keys_p1_chain(k, in)) != IKE_OK)
		goto fail;

	/* IV0 = hash(g^xi | g^xr), cut to the block length. */
	v[0] = (struct ciov){ in->gxi, in->glen };
	v[1] = (struct ciov){ in->gxr, in->glen };
	if ((rc = crypto_hash(hash, v, 2, iv)) != IKE_OK)
		goto fail;
	memcpy(k->iv0, iv, k->blen);
	return IKE_OK;
fail:
	crypto_wipe(k, sizeof(*k));
	return diag_set(dg, rc, SIZE_MAX,
	    "OpenSSL failed while deriving the phase 1 keys");
}

int
keys_hash_ir(const struct p1_keys *k, const struct p1_inputs *in, bool is_i,
    const uint8_t *sai_b, size_t sai_len, const uint8_t *id_b, size_t id_len,
    uint8_t *out)
{
	/* HASH_R swaps both the KE order and the cookie order. */
	struct ciov	 v[] = {
		{ is_i ? in->gxi : in->gxr, in->glen },
		{ is_i ? in->gxr : in->gxi, in->glen },
		{ is_i ? in->icookie : in->rcookie, IKE_COOKIE_LEN },
		{ is_i ? in->rcookie : in->icookie, IKE_COOKIE_LEN },
		{ sai_b, sai_len },
		{ id_b, id_len },
	};

	return crypto_prf(k->hash, k->skeyid, k->hlen, v, 6, out);
}

int
keys_exch_iv(const struct p1_keys *k, const uint8_t *last, uint32_t msgid,
    uint8_t *iv)
{
	uint8_t		 mid[4], h[CRYPTO_MAX_HASH];
	struct ciov	 v[] = { { last, k->blen }, { mid, sizeof(mid) } };
	int		 rc;

	put_be32(mid, msgid);
	if ((rc = crypto_hash(k->hash, v, 2, h)) != IKE_OK)
		return rc;
	memcpy(iv, h, k->blen);
	return IKE_OK;
}

int
keys_qm_hash1(const struct p1_keys *k, uint32_t msgid, const uint8_t *rest,
    size_t rest_len, uint8_t *out)
{
	uint8_t		 mid[4];
	struct ciov	 v[] = { { mid, sizeof(mid) }, { rest, rest_len } };

	put_be32(mid, msgid);
	return crypto_prf(k->hash, k->skeyid_a, k->hlen, v, 2, out);
}

int
keys_qm_hash2(const struct p1_keys *k, uint32_t msgid, const uint8_t *ni,
    size_t ni_len, const uint8_t *rest, size_t rest_len, uint8_t *out)
{
	uint8_t		 mid[4];
	struct ciov	 v[] = {
		{ mid, sizeof(mid) }, { ni, ni_len }, { rest, rest_len },
	};

	put_be32(mid, msgid);
	return crypto_prf(k->hash, k->skeyid_a, k->hlen, v, 3, out);
}

int
keys_qm_hash3(const struct p1_keys *k, uint32_t msgid, const uint8_t *ni,
    size_t ni_len, const uint8_t *nr, size_t nr_len, uint8_t *out)
{
	uint8_t		 zero = 0, mid[4];
	struct ciov	 v[] = {
		{ &zero, 1 }, { mid, sizeof(mid) }, { ni, ni_len },
		{ nr, nr_len },
	};

	put_be32(mid, msgid);
	return crypto_prf(k->hash, k->skeyid_a, k->hlen, v, 4, out);
}

int
keys_keymat(const struct p1_keys *k, const uint8_t *gqm, size_t gqm_len,
    uint8_t proto, uint32_t spi, const uint8_t *ni, size_t ni_len,
    const uint8_t *nr, size_t nr_len, uint8_t *out, size_t out_len)
{
	uint8_t		 kn[CRYPTO_MAX_HASH], spi_b[4];
	size_t		 have, take;
	int		 rc = IKE_OK;

	put_be32(spi_b, spi);
	for (have = 0; have < out_len; have += take) {
		/* K1 has no previous block; Kn starts with K(n-1). */
		struct ciov v[] = {
			{ kn, have > 0 ? k->hlen : 0 },
			{ gqm, gqm != NULL ? gqm_len : 0 },
			{ &proto, 1 },
			{ spi_b, sizeof(spi_b) },
			{ ni, ni_len },
			{ nr, nr_len },
		};

		rc = crypto_prf(k->hash, k->skeyid_d, k->hlen, v, 6, kn);
		if (rc != IKE_OK)
			break;
		take = out_len - have < k->hlen ? out_len - have : k->hlen;
		memcpy(out + have, kn, take);
	}
	crypto_wipe(kn, sizeof(kn));
	return rc;
}

int
keys_encrypt(const struct p1_keys *k, const uint8_t *iv, const uint8_t *plain,
    size_t len, struct buf *out, uint8_t *last)
{
	/*
	 * Always 1..blen zero bytes: a full block when already aligned.
	 * PLAIN must not point into OUT, which is rewritten from the start.
	 */
	size_t		 pad = k->blen - len % k->blen;
	int		 rc;

	out->len = 0;
	if ((rc = buf_add(out, plain, len)) != IKE_OK ||
	    (rc = buf_add(out, NULL, pad)) != IKE_OK)
		return rc;
	rc = crypto_cbc(k->enc, k->ka, k->klen, iv, out->p, out->len,
	    out->p, true);
	if (rc != IKE_OK)
		return rc;
	memcpy(last, out->p + out->len - k->blen, k->blen);
	return IKE_OK;
}

int
keys_decrypt(const struct p1_keys *k, const uint8_t *iv, const uint8_t *ct,
    size_t len, struct buf *out, uint8_t *last, struct ike_diag *dg)
{
	uint8_t		 iv_copy[CRYPTO_MAX_BLOCK], next[CRYPTO_MAX_BLOCK];
	int		 rc;

	if (len == 0 || len % k->blen != 0)
		return diag_set(dg, IKE_EMALFORMED, SIZE_MAX,
		    "encrypted part of %zu bytes is not a non-zero multiple of the %zu-byte cipher block",
		    len, k->blen);
	/* IV and LAST may be the same array (the exchange's IV state). */
	memcpy(iv_copy, iv, k->blen);
	memcpy(next, ct + len - k->blen, k->blen);
	if ((rc = buf_set(out, NULL, len)) != IKE_OK)
		return diag_set(dg, rc, SIZE_MAX, "out of memory");
	rc = crypto_cbc(k->enc, k->ka, k->klen, iv_copy, ct, len, out->p,
	    false);
	if (rc != IKE_OK)
		return diag_set(dg, rc, SIZE_MAX,
		    "OpenSSL failed to decrypt %zu bytes", len);
	memcpy(last, next, k->blen);
	return IKE_OK;
}
