/*
 * esp.h: ESP packets (RFC 4303) over bytes: building one through an SA,
 * checking and opening one, and the small inner IPv4 / ICMP echo
 * packets that `ping` carries. No session state is needed here, so the
 * same code serves `ping` (esp.c's engine part) and `open` (a real
 * capture's ESP packets).
 *
 * Layout (ikev1-reference.md 2.6), offsets from the SPI:
 *
 *     0  SPI (4)
 *     4  sequence number (4), from 1
 *     8  IV (cipher block: 16 for AES, 8 for 3DES)
 *     8+B  ciphertext of [inner packet | padding 1, 2, 3, ... |
 *          pad length (1) | next header (1)], a multiple of B
 *     end-ICV  ICV: HMAC over SPI .. end of ciphertext, cut to 12 bytes
 *          (HMAC-MD5-96, HMAC-SHA1-96) or 16 (HMAC-SHA2-256-128)
 */
#ifndef IKELAB_CORE_ESP_H
#define IKELAB_CORE_ESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crypto.h"
#include "ike.h"
#include "pld.h"

#define ESP_HDR_LEN	8	/* SPI and sequence number */
#define ESP_MAX_ICV	16
#define ESP_NEXT_IPV4	4	/* next header: an IPv4 packet (tunnel) */
#define ESP_ICMP_ID	0x696b	/* ICMP echo identifier of `ping` ("ik") */

/* One direction of an ESP SA: SPI, transform and its two keys. */
struct esp_sa {
	uint32_t	 spi;
	unsigned int	 enc;		/* IKE_ENC_AES or IKE_ENC_3DES */
	unsigned int	 auth;		/* IKE_ESP_AUTH_* */
	size_t		 blen;		/* cipher block = IV length */
	size_t		 icv_len;	/* truncated ICV */
	uint8_t		 ekey[CRYPTO_MAX_KEY];
	size_t		 elen;
	uint8_t		 akey[CRYPTO_MAX_HASH];
	size_t		 alen;
};

/* What esp_open found in a packet. */
struct esp_info {
	uint32_t	 spi;
	uint32_t	 seq;
	size_t		 ct_off;	/* ciphertext starts here */
	size_t		 ct_len;
	size_t		 icv_off;	/* the ICV starts here */
	uint8_t		 pad_len;
	uint8_t		 next_hdr;
};

/* An inner IPv4 packet carrying an ICMP echo request or reply. */
struct esp_icmp {
	bool		 reply;		/* type 0, else type 8 (request) */
	uint32_t	 src;		/* IPv4 addresses, host order */
	uint32_t	 dst;
	uint16_t	 id;		/* ICMP identifier and sequence */
	uint16_t	 seq;
	const uint8_t	*data;		/* echo data, inside the packet */
	size_t		 data_len;
};

/* Key bytes a transform needs from KEYMAT: encryption, then integrity. */
size_t	esp_keymat_len(const struct p2_prop *p);
/* ICV length of IKE_ESP_AUTH_* (12 or 16), 0 if unknown. */
size_t	esp_icv_len(unsigned int auth);

/*
 * Set SA up for SPI and transform P from KEYMAT (KM_LEN bytes, at least
 * esp_keymat_len(P)): the encryption key first, then the integrity key.
 */
int	esp_sa_init(struct esp_sa *sa, uint32_t spi, const struct p2_prop *p,
	    const uint8_t *km, size_t km_len, struct ike_diag *dg);

/*
 * Build the ESP packet of INNER (LEN bytes, next header NEXT) with
 * sequence number SEQ and IV (sa->blen bytes) into OUT (replaced).
 */
int	esp_build(const struct esp_sa *sa, uint32_t seq, const uint8_t *iv,
	    const uint8_t *inner, size_t len, uint8_t next, struct buf *out,
	    struct ike_diag *dg);

/* Read the SPI and sequence number of an ESP packet (no keys needed). */
int	esp_peek(const uint8_t *p, size_t len, uint32_t *spi, uint32_t *seq,
	    struct ike_diag *dg);

/*
 * Check and open an ESP packet through SA: the lengths, the SPI, the
 * ICV (constant time; "ICV mismatch at offset N" with N the ICV's
 * offset, IKE_EAUTH), then decrypt and check the padding (1, 2, 3,
 * ...). INNER gets the inner packet; INFO (may be NULL) the fields.
 */
int	esp_open(const struct esp_sa *sa, const uint8_t *p, size_t len,
	    struct buf *inner, struct esp_info *info, struct ike_diag *dg);

/*
 * An IPv4 packet SRC > DST (host order) holding an ICMP echo request
 * (or REPLY) with ID, SEQ and DATA, checksums filled in, into OUT.
 */
int	esp_icmp_build(struct buf *out, uint32_t src, uint32_t dst,
	    bool reply, uint16_t id, uint16_t seq, const uint8_t *data,
	    size_t data_len);
/* Parse P as IPv4 + ICMP echo (checksums checked); 0 if it is one. */
int	esp_icmp_parse(const uint8_t *p, size_t len, struct esp_icmp *e);

/*
 * One line on an inner packet: "ICMP echo request 192.0.2.1 >
 * 192.0.2.2", "IPv4 10.1.0.1 > 10.2.0.1 protocol 6, 60 bytes", ...
 */
void	esp_describe(const uint8_t *p, size_t len, char *out, size_t out_len);

/*
 * Print an ESP packet as a tree with offsets into OUT (text), and, when
 * INNER is not NULL, the inner packet it decrypted to. Never fails on
 * input.
 */
int	esp_dump(const uint8_t *p, size_t len, size_t blen, size_t icv_len,
	    const uint8_t *inner, size_t inner_len, struct buf *out);

#endif /* IKELAB_CORE_ESP_H */
