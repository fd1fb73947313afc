/*
 * crypto.h: everything ikelab computes with OpenSSL, behind ikelab's
 * own types. All OpenSSL calls of the project live in crypto.c; the
 * IKE key formulas (RFC 2409 5, appendix B) live in keys.c on top.
 */
#ifndef IKELAB_CORE_CRYPTO_H
#define IKELAB_CORE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike.h"

#define CRYPTO_MAX_HASH		32	/* SHA2-256 */
#define CRYPTO_MAX_KEY		32	/* AES-256 */
#define CRYPTO_MAX_BLOCK	16	/* AES */
#define CRYPTO_MAX_PRIME	256	/* MODP 2048 */
#define CRYPTO_DH_PRIV_LEN	32	/* 256-bit private values */

/* One piece of a concatenated input: hash(a | b | c). */
struct ciov {
	const void	*p;
	size_t		 n;
};

/* Byte length of a MODP group's prime (1, 2, 5, 14), 0 if unknown. */
size_t	crypto_group_len(unsigned int group);
/* Output length of IKE_HASH_* (MD5, SHA1, SHA2-256), 0 if unknown. */
size_t	crypto_hash_len(unsigned int hash);
/* Block size of IKE_ENC_* (AES, 3DES), 0 if unknown. */
size_t	crypto_block_len(unsigned int enc);
/*
 * Key length in bytes of IKE_ENC_* with KEYLEN bits (AES 128/192/256,
 * 3DES 0 or 192). 0 if the combination is not supported.
 */
size_t	crypto_key_len(unsigned int enc, unsigned int keylen);

/*
 * DH public value g^PRIV mod p of GROUP, left-padded to the prime's
 * length, into PUB (crypto_group_len bytes).
 */
int	crypto_dh_pub(unsigned int group, const uint8_t *priv,
	    size_t priv_len, uint8_t *pub, struct ike_diag *dg);
/*
 * Shared secret PEER^PRIV mod p into OUT (prime length, left-padded).
 * PEER must be exactly the prime's length and 1 < PEER < p-1.
 */
int	crypto_dh_shared(unsigned int group, const uint8_t *priv,
	    size_t priv_len, const uint8_t *peer, size_t peer_len,
	    uint8_t *out, struct ike_diag *dg);

/* Plain hash of the concatenation of V[0..N). OUT: hash_len bytes. */
int	crypto_hash(unsigned int hash, const struct ciov *v, size_t n,
	    uint8_t *out);
/* HMAC with HASH over the concatenation of V[0..N). */
int	crypto_prf(unsigned int hash, const uint8_t *key, size_t key_len,
	    const struct ciov *v, size_t n, uint8_t *out);

/*
 * CBC over N bytes (a multiple of the block size; no padding is added
 * or removed). IN and OUT may be the same buffer.
 */
int	crypto_cbc(unsigned int enc, const uint8_t *key, size_t key_len,
	    const uint8_t *iv, const uint8_t *in, size_t n, uint8_t *out,
	    bool encrypt);

/* HMAC for ESP integrity (IKE_ESP_AUTH_*), full output into OUT. */
int	crypto_esp_hmac(unsigned int auth, const uint8_t *key,
	    size_t key_len, const struct ciov *v, size_t n, uint8_t *out,
	    size_t *out_len);

/* Constant-time comparison of N bytes. */
bool	crypto_equal(const void *a, const void *b, size_t n);
/* Wipe N bytes so the compiler cannot drop it. */
void	crypto_wipe(void *p, size_t n);

#endif /* IKELAB_CORE_CRYPTO_H */
