/*
 * crypto.c: the only file of ikelab that calls OpenSSL. MODP
 * Diffie-Hellman (RFC 2409 6, RFC 3526), hashes, HMAC as the IKE prf
 * and for ESP integrity, and raw CBC encryption.
 *
 * Only OpenSSL 3 interfaces that are not deprecated are used: EVP for
 * digests and ciphers, BIGNUM for the modular exponentiations (see the
 * note above crypto_dh_pub).
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto.h"

/* HMAC block size of MD5, SHA1 and SHA2-256 (RFC 2104, FIPS 180-4). */
#define HMAC_BLOCK	64

/* The prime of MODP GROUP as a new BIGNUM, NULL if unknown or no memory. */
static BIGNUM *
group_prime(unsigned int group)
{
	switch (group) {
	case 1:
		return BN_get_rfc2409_prime_768(NULL);
	case 2:
		return BN_get_rfc2409_prime_1024(NULL);
	case 5:
		return BN_get_rfc3526_prime_1536(NULL);
	case 14:
		return BN_get_rfc3526_prime_2048(NULL);
	default:
		return NULL;
	}
}

/* The OpenSSL digest behind IKE_HASH_*, NULL if unknown. */
static const EVP_MD *
hash_md(unsigned int hash)
{
	switch (hash) {
	case IKE_HASH_MD5:
		return EVP_md5();
	case IKE_HASH_SHA1:
		return EVP_sha1();
	case IKE_HASH_SHA256:
		return EVP_sha256();
	default:
		return NULL;
	}
}

/* The OpenSSL CBC cipher for IKE_ENC_* with a key of KEY_LEN bytes. */
static const EVP_CIPHER *
cbc_cipher(unsigned int enc, size_t key_len)
{
	if (enc == IKE_ENC_3DES && key_len == 24)
		return EVP_des_ede3_cbc();
	if (enc != IKE_ENC_AES)
		return NULL;
	switch (key_len) {
	case 16:
		return EVP_aes_128_cbc();
	case 24:
		return EVP_aes_192_cbc();
	case 32:
		return EVP_aes_256_cbc();
	default:
		return NULL;
	}
}

size_t
crypto_group_len(unsigned int group)
{
	switch (group) {
	case 1:
		return 96;
	case 2:
		return 128;
	case 5:
		return 192;
	case 14:
		return 256;
	default:
		return 0;
	}
}

size_t
crypto_hash_len(unsigned int hash)
{
	switch (hash) {
	case IKE_HASH_MD5:
		return 16;
	case IKE_HASH_SHA1:
		return 20;
	case IKE_HASH_SHA256:
		return 32;
	default:
		return 0;
	}
}

size_t
crypto_block_len(unsigned int enc)
{
	switch (enc) {
	case IKE_ENC_AES:
		return 16;
	case IKE_ENC_3DES:
		return 8;
	default:
		return 0;
	}
}

size_t
crypto_key_len(unsigned int enc, unsigned int keylen)
{
	if (enc == IKE_ENC_3DES)
		return keylen == 0 || keylen == 192 ? 24 : 0;
	if (enc != IKE_ENC_AES)
		return 0;
	switch (keylen) {
	case 128:
	case 192:
	case 256:
		return keylen / 8;
	default:
		return 0;
	}
}

/*
 * R = BASE^PRIV mod P, written left-padded into OUT (prime length).
 * Exponentiation goes through BIGNUM rather than EVP_PKEY: the private
 * value comes from ikelab's seeded stream, and OpenSSL 3.0 cannot derive
 * the public value of an imported private key (ikev1-reference.md 6).
 * The constant-time variant keeps the secret exponent out of timing.
 */
static int
dh_modexp(const BIGNUM *p, const BIGNUM *base, const uint8_t *priv,
    size_t priv_len, uint8_t *out, size_t out_len, struct ike_diag *dg)
{
	BN_CTX	*ctx = NULL;
	BIGNUM	*x = NULL, *r = NULL;
	int	 rc = IKE_ECRYPTO;

	if (priv_len == 0 || priv_len > out_len)
		return diag_set(dg, IKE_ECRYPTO, SIZE_MAX,
		    "DH private value of %zu bytes (need 1..%zu)", priv_len,
		    out_len);
	if ((ctx = BN_CTX_new()) == NULL || (x = BN_new()) == NULL ||
	    (r = BN_new()) == NULL) {
		rc = diag_set(dg, IKE_ENOMEM, SIZE_MAX, "out of memory in DH");
		goto out;
	}
	BN_set_flags(x, BN_FLG_CONSTTIME);
	if (BN_bin2bn(priv, (int)priv_len, x) == NULL)
		goto fail;
	if (BN_is_zero(x)) {
		rc = diag_set(dg, IKE_ECRYPTO, SIZE_MAX,
		    "DH private value is zero");
		goto out;
	}
	if (!BN_mod_exp_mont_consttime(r, base, x, p, ctx, NULL))
		goto fail;
	if (BN_bn2binpad(r, out, (int)out_len) < 0)
		goto fail;
	rc = IKE_OK;
	goto out;
fail:
	rc = diag_set(dg, IKE_ECRYPTO, SIZE_MAX,
	    "OpenSSL failed in a DH exponentiation");
out:
	BN_clear_free(x);
	BN_clear_free(r);
	BN_CTX_free(ctx);
	return rc;
}

int
crypto_dh_pub(unsigned int group, const uint8_t *priv, size_t priv_len,
    uint8_t *pub, struct ike_diag *dg)
{
	size_t	 plen = crypto_group_len(group);
	BIGNUM	*p, *g;
	int	 rc;

	if (plen == 0)
		return diag_set(dg, IKE_EUNSUPP, SIZE_MAX,
		    "MODP group %u is not supported (1, 2, 5, 14 are)", group);
	p = group_prime(group);
	g = BN_new();
	if (p == NULL || g == NULL || !BN_set_word(g, 2)) {
		BN_free(p);
		BN_free(g);
		return diag_set(dg, IKE_ENOMEM, SIZE_MAX,
		    "out of memory in DH");
	}
	rc = dh_modexp(p, g, priv, priv_len, pub, plen, dg);
	BN_free(p);
	BN_free(g);
	return rc;
}

/* Check 1 < Y < p-1 (RFC 2409 6 groups; SP 800-56A range check). */
static int
dh_check_peer(const BIGNUM *p, const BIGNUM *y, struct ike_diag *dg)
{
	BIGNUM	*pm1;
	int	 rc = IKE_OK;

	if (BN_is_zero(y) || BN_is_one(y)) {
		rc = diag_set(dg, IKE_ECRYPTO, SIZE_MAX,
		    "peer's DH public value is %s; it must be above 1",
		    BN_is_zero(y) ? "0" : "1");
		goto out;
	}
	if ((pm1 = BN_dup(p)) == NULL || !BN_sub_word(pm1, 1)) {
		BN_free(pm1);
		return diag_set(dg, IKE_ENOMEM, SIZE_MAX,
		    "out of memory in DH");
	}
	if (BN_cmp(y, pm1) >= 0)
		rc = diag_set(dg, IKE_ECRYPTO, SIZE_MAX,
		    "peer's DH public value is %s; it must be below p-1",
		    BN_cmp(y, pm1) == 0 ? "p-1" : "p-1 or more");
	BN_free(pm1);
out:
	if (rc != IKE_OK && dg != NULL)
		dg->notify = IKE_N_INVALID_KEY_INFORMATION;
	return rc;
}

int
crypto_dh_shared(unsigned int group, const uint8_t *priv, size_t priv_len,
    const uint8_t *peer, size_t peer_len, uint8_t *out, struct ike_diag *dg)
{
	size_t	 plen = crypto_group_len(group);
	BIGNUM	*p = NULL, *y = NULL;
	int	 rc;

	if (plen == 0)
		return diag_set(dg, IKE_EUNSUPP, SIZE_MAX,
		    "MODP group %u is not supported (1, 2, 5, 14 are)", group);
	if (peer_len != plen) {
		rc = diag_set(dg, IKE_ECRYPTO, SIZE_MAX,
		    "peer's DH public value has %zu bytes; group %u needs %zu",
		    peer_len, group, plen);
		if (dg != NULL)
			dg->notify = IKE_N_INVALID_KEY_INFORMATION;
		return rc;
	}
	if ((p = group_prime(group)) == NULL ||
	    (y = BN_bin2bn(peer, (int)peer_len, NULL)) == NULL) {
		rc = diag_set(dg, IKE_ENOMEM, SIZE_MAX, "out of memory in DH");
		goto out;
	}
	if ((rc = dh_check_peer(p, y, dg)) != IKE_OK)
		goto out;
	rc = dh_modexp(p, y, priv, priv_len, out, plen, dg);
out:
	BN_free(p);
	BN_free(y);
	return rc;
}

/* Feed the pieces V[0..N) into a running digest. */
static int
digest_iov(EVP_MD_CTX *ctx, const struct ciov *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].n > 0 && !EVP_DigestUpdate(ctx, v[i].p, v[i].n))
			return IKE_ECRYPTO;
	return IKE_OK;
}

int
crypto_hash(unsigned int hash, const struct ciov *v, size_t n, uint8_t *out)
{
	const EVP_MD	*md = hash_md(hash);
	EVP_MD_CTX	*ctx;
	int		 rc = IKE_ECRYPTO;

	if (md == NULL)
		return IKE_EUNSUPP;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return IKE_ENOMEM;
	if (EVP_DigestInit_ex(ctx, md, NULL) &&
	    digest_iov(ctx, v, n) == IKE_OK &&
	    EVP_DigestFinal_ex(ctx, out, NULL))
		rc = IKE_OK;
	EVP_MD_CTX_free(ctx);
	return rc;
}

/*
 * HMAC (RFC 2104) assembled from two digests:
 *   H((K ^ opad) | H((K ^ ipad) | text)).
 * Built on EVP_MD rather than OpenSSL's HMAC()/EVP_MAC because those
 * look the MAC implementation up on every call; the prf runs for every
 * key and hash, and this way costs about a third of HMAC().
 */
static int
hmac_iov(const EVP_MD *md, const uint8_t *key, size_t key_len,
    const struct ciov *v, size_t n, uint8_t *out)
{
	EVP_MD_CTX	*ctx;
	uint8_t		 k[HMAC_BLOCK], pad[HMAC_BLOCK];
	uint8_t		 inner[EVP_MAX_MD_SIZE];
	unsigned int	 ilen = 0;
	int		 rc = IKE_ECRYPTO;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return IKE_ENOMEM;
	memset(k, 0, sizeof(k));
	if (key_len > HMAC_BLOCK) {
		/* Long keys are replaced by their hash (RFC 2104 2). */
		if (!EVP_Digest(key, key_len, k, NULL, md, NULL))
			goto out;
	} else if (key_len > 0)
		memcpy(k, key, key_len);

	for (size_t i = 0; i < HMAC_BLOCK; i++)
		pad[i] = (uint8_t)(k[i] ^ 0x36);
	if (!EVP_DigestInit_ex(ctx, md, NULL) ||
	    !EVP_DigestUpdate(ctx, pad, sizeof(pad)) ||
	    digest_iov(ctx, v, n) != IKE_OK ||
	    !EVP_DigestFinal_ex(ctx, inner, &ilen))
		goto out;

	for (size_t i = 0; i < HMAC_BLOCK; i++)
		pad[i] = (uint8_t)(k[i] ^ 0x5c);
	if (!EVP_DigestInit_ex(ctx, md, NULL) ||
	    !EVP_DigestUpdate(ctx, pad, sizeof(pad)) ||
	    !EVP_DigestUpdate(ctx, inner, ilen) ||
	    !EVP_DigestFinal_ex(ctx, out, NULL))
		goto out;
	rc = IKE_OK;
out:
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(pad, sizeof(pad));
	OPENSSL_cleanse(inner, sizeof(inner));
	EVP_MD_CTX_free(ctx);
	return rc;
}

int
crypto_prf(unsigned int hash, const uint8_t *key, size_t key_len,
    const struct ciov *v, size_t n, uint8_t *out)
{
	const EVP_MD	*md = hash_md(hash);

	if (md == NULL)
		return IKE_EUNSUPP;
	return hmac_iov(md, key, key_len, v, n, out);
}

int
crypto_cbc(unsigned int enc, const uint8_t *key, size_t key_len,
    const uint8_t *iv, const uint8_t *in, size_t n, uint8_t *out,
    bool encrypt)
{
	const EVP_CIPHER	*c = cbc_cipher(enc, key_len);
	size_t			 blen = crypto_block_len(enc);
	EVP_CIPHER_CTX		*ctx;
	int			 outl = 0, rc = IKE_ECRYPTO;

	if (c == NULL)
		return IKE_EUNSUPP;
	if (n % blen != 0 || n > INT32_MAX)
		return IKE_EMALFORMED;
	if (n == 0)
		return IKE_OK;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return IKE_ENOMEM;
	if (EVP_CipherInit_ex(ctx, c, NULL, key, iv, encrypt ? 1 : 0) &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	    EVP_CipherUpdate(ctx, out, &outl, in, (int)n) &&
	    (size_t)outl == n)
		rc = IKE_OK;
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int
crypto_esp_hmac(unsigned int auth, const uint8_t *key, size_t key_len,
    const struct ciov *v, size_t n, uint8_t *out, size_t *out_len)
{
	unsigned int	 hash;
	int		 rc;

	switch (auth) {
	case IKE_ESP_AUTH_MD5:
		hash = IKE_HASH_MD5;
		break;
	case IKE_ESP_AUTH_SHA1:
		hash = IKE_HASH_SHA1;
		break;
	case IKE_ESP_AUTH_SHA256:
		hash = IKE_HASH_SHA256;
		break;
	default:
		return IKE_EUNSUPP;
	}
	if ((rc = crypto_prf(hash, key, key_len, v, n, out)) != IKE_OK)
		return rc;
	if (out_len != NULL)
		*out_len = crypto_hash_len(hash);
	return IKE_OK;
}

bool
crypto_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void
crypto_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}
