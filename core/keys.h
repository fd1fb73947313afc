/*
 * keys.h: the IKEv1 key chain and hashes for pre-shared keys
 * (RFC 2409 5, 5.4, 5.5, 5.7 and appendix B; ikev1-reference.md 6).
 */
#ifndef IKELAB_CORE_KEYS_H
#define IKELAB_CORE_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crypto.h"

/* Phase 1 keying material of one ISAKMP SA. */
struct p1_keys {
	unsigned int	 hash;		/* IKE_HASH_* used as prf */
	unsigned int	 enc;		/* IKE_ENC_* */
	size_t		 hlen;		/* prf output length */
	size_t		 klen;		/* Ka length */
	size_t		 blen;		/* cipher block length */
	uint8_t		 skeyid[CRYPTO_MAX_HASH];
	uint8_t		 skeyid_d[CRYPTO_MAX_HASH];
	uint8_t		 skeyid_a[CRYPTO_MAX_HASH];
	uint8_t		 skeyid_e[CRYPTO_MAX_HASH];
	uint8_t		 ka[CRYPTO_MAX_KEY];
	uint8_t		 iv0[CRYPTO_MAX_BLOCK];	/* hash(g^xi | g^xr) */
};

/* The inputs that phase 1 derivation needs. */
struct p1_inputs {
	const uint8_t	*psk;
	size_t		 psk_len;
	const uint8_t	*ni;		/* nonce bodies */
	size_t		 ni_len;
	const uint8_t	*nr;
	size_t		 nr_len;
	const uint8_t	*gxi;		/* KE bodies, prime length */
	const uint8_t	*gxr;
	const uint8_t	*gxy;		/* shared secret, prime length */
	size_t		 glen;
	const uint8_t	*icookie;
	const uint8_t	*rcookie;
};

/*
 * SKEYID = prf(PSK, Ni_b | Nr_b), then SKEYID_d/a/e, Ka (expanded
 * with appendix B when SKEYID_e is too short) and the phase 1 IV.
 * ENC and KEYLEN (bits) pick the cipher.
 */
int	keys_p1(unsigned int hash, unsigned int enc, unsigned int keylen,
	    const struct p1_inputs *in, struct p1_keys *k,
	    struct ike_diag *dg);

/*
 * SKEYID_d/a/e and Ka from K->skeyid (already set, with K->hash, hlen
 * and klen), for a caller that knows SKEYID rather than the PSK.
 */
int	keys_p1_chain(struct p1_keys *k, const struct p1_inputs *in);

/*
 * HASH_I (IS_I true) or HASH_R: prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R
 * | SAi_b | IDii_b), with the KE and cookie order swapped for HASH_R.
 * ID_B is IDii_b or IDir_b. OUT gets k->hlen bytes.
 */
int	keys_hash_ir(const struct p1_keys *k, const struct p1_inputs *in,
	    bool is_i, const uint8_t *sai_b, size_t sai_len,
	    const uint8_t *id_b, size_t id_len, uint8_t *out);

/* IV of a new exchange: hash(LAST | M-ID) cut to the block length. */
int	keys_exch_iv(const struct p1_keys *k, const uint8_t *last,
	    uint32_t msgid, uint8_t *iv);

/* HASH(1) (also the Informational hash): prf(SKEYID_a, M-ID | REST). */
int	keys_qm_hash1(const struct p1_keys *k, uint32_t msgid,
	    const uint8_t *rest, size_t rest_len, uint8_t *out);
/* HASH(2): prf(SKEYID_a, M-ID | Ni_b | REST). */
int	keys_qm_hash2(const struct p1_keys *k, uint32_t msgid,
	    const uint8_t *ni, size_t ni_len, const uint8_t *rest,
	    size_t rest_len, uint8_t *out);
/* HASH(3): prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). */
int	keys_qm_hash3(const struct p1_keys *k, uint32_t msgid,
	    const uint8_t *ni, size_t ni_len, const uint8_t *nr,
	    size_t nr_len, uint8_t *out);

/*
 * KEYMAT for one SA direction: K1 = prf(SKEYID_d, [g(qm)^xy |] PROTO |
 * SPI | Ni_b | Nr_b), Kn = prf(SKEYID_d, K(n-1) | ...), concatenated
 * to OUT_LEN bytes. GQM is NULL without PFS. SPI in network order.
 */
int	keys_keymat(const struct p1_keys *k, const uint8_t *gqm,
	    size_t gqm_len, uint8_t proto, uint32_t spi, const uint8_t *ni,
	    size_t ni_len, const uint8_t *nr, size_t nr_len, uint8_t *out,
	    size_t out_len);

/*
 * Encrypt the payload chain PLAIN (LEN bytes) with Ka and IV: zero
 * padding of 1..block bytes is appended (a full block when LEN is
 * already aligned, as strongSwan does). OUT gets the ciphertext; the
 * last ciphertext block is copied to LAST.
 */
int	keys_encrypt(const struct p1_keys *k, const uint8_t *iv,
	    const uint8_t *plain, size_t len, struct buf *out,
	    uint8_t *last);
/*
 * Decrypt LEN bytes (must be a non-zero multiple of the block) into
 * OUT (same length, padding kept: the payload lengths say where it
 * starts). LAST gets the last ciphertext block.
 */
int	keys_decrypt(const struct p1_keys *k, const uint8_t *iv,
	    const uint8_t *ct, size_t len, struct buf *out, uint8_t *last,
	    struct ike_diag *dg);

#endif /* IKELAB_CORE_KEYS_H */
