/*
 * pld.h: the ISAKMP codec. Parses headers and payload chains out of
 * untrusted bytes (every error is a value naming payload and offset)
 * and builds messages payload by payload.
 *
 * Layouts: RFC 2408 3.1-3.15, RFC 2407 4.6, ikev1-reference.md 1-3.
 */
#ifndef IKELAB_CORE_PLD_H
#define IKELAB_CORE_PLD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ike.h"

/* Caps: a message or SA that exceeds them is refused (IKE_ELIMIT). */
#define PLD_MAX_CHAIN	32	/* payloads in one message */
#define PLD_MAX_PROPS	4	/* proposals in one SA payload */
#define PLD_MAX_XFORMS	8	/* transforms in one proposal */
#define PLD_MAX_ATTRS	16	/* attributes in one transform */
#define PLD_MAX_MSG	65535	/* bytes in one message */

/* The ISAKMP header in host order (RFC 2408 3.1). */
struct pld_hdr {
	uint8_t		 icookie[IKE_COOKIE_LEN];
	uint8_t		 rcookie[IKE_COOKIE_LEN];
	uint8_t		 next;
	uint8_t		 version;
	uint8_t		 exch;
	uint8_t		 flags;
	uint32_t	 msgid;
	uint32_t	 len;
};

/* One payload of a parsed chain. BODY points into the parsed bytes. */
struct pld_ref {
	uint8_t		 type;
	size_t		 off;		/* of the generic header, in the message */
	size_t		 len;		/* declared length, header included */
	const uint8_t	*body;		/* len - 4 bytes */
	size_t		 body_len;
};

struct pld_chain {
	size_t		 n;
	struct pld_ref	 p[PLD_MAX_CHAIN];
	size_t		 end;		/* message offset just after the last */
};

/* A data attribute (RFC 2408 3.3). */
struct pld_attr {
	uint16_t	 type;		/* without the AF bit */
	bool		 tv;		/* basic (TV) form */
	uint32_t	 val;		/* TV value, or TLV value of 1..4 bytes */
	const uint8_t	*data;		/* TLV value bytes (NULL for TV) */
	size_t		 len;		/* TLV value length */
	size_t		 off;
};

struct pld_xform {
	uint8_t		 num;
	uint8_t		 id;
	size_t		 nattr;
	struct pld_attr	 attr[PLD_MAX_ATTRS];
	size_t		 off;
};

struct pld_prop {
	uint8_t		 num;
	uint8_t		 proto;
	uint8_t		 spi_size;
	uint8_t		 spi[16];
	size_t		 nxf;
	struct pld_xform xf[PLD_MAX_XFORMS];
	size_t		 off;
};

struct pld_sa {
	uint32_t	 doi;
	uint32_t	 sit;
	size_t		 nprop;
	struct pld_prop	 prop[PLD_MAX_PROPS];
};

struct pld_id {
	uint8_t		 type;
	uint8_t		 proto;
	uint16_t	 port;
	const uint8_t	*data;
	size_t		 len;
};

struct pld_notify {
	uint32_t	 doi;
	uint8_t		 proto;
	uint8_t		 spi_size;
	uint16_t	 type;
	const uint8_t	*spi;
	const uint8_t	*data;
	size_t		 data_len;
};

struct pld_delete {
	uint32_t	 doi;
	uint8_t		 proto;
	uint8_t		 spi_size;
	uint16_t	 count;
	const uint8_t	*spis;		/* spi_size * count bytes */
};

/* A phase 1 transform as ikelab configures and negotiates it. */
struct p1_prop {
	uint16_t	 enc;		/* IKE_ENC_* */
	uint16_t	 keylen;	/* bits; 0 for fixed-size ciphers */
	uint16_t	 hash;		/* IKE_HASH_* */
	uint16_t	 auth;		/* IKE_AUTH_PSK */
	uint16_t	 group;		/* MODP group number */
	uint32_t	 life;		/* seconds, 0 to omit */
};

/* A phase 2 (ESP) transform. */
struct p2_prop {
	uint8_t		 esp_id;	/* IKE_ESP_* */
	uint16_t	 keylen;	/* bits; 0 for 3DES */
	uint16_t	 auth;		/* IKE_ESP_AUTH_* */
	uint16_t	 group;		/* PFS group, 0 without PFS */
	uint16_t	 encap;		/* IKE_ENCAP_* */
	uint32_t	 life;		/* seconds, 0 to omit */
};

/*
 * Parse and check the 28-byte header of a datagram of LEN bytes: the
 * version must be 1.x, undefined flag bits clear, and the header's
 * length equal to LEN.
 */
int	pld_hdr_parse(const uint8_t *msg, size_t len, struct pld_hdr *h,
	    struct ike_diag *dg);

/*
 * Walk a payload chain of LEN bytes starting with payload type FIRST.
 * BASE is the message offset of P[0] (28 after the header). Bytes after
 * the last payload are allowed (encryption padding); C->end says where
 * the chain stopped. Unknown payload types are kept in the chain.
 */
int	pld_chain_parse(const uint8_t *p, size_t len, size_t base,
	    uint8_t first, struct pld_chain *c, struct ike_diag *dg);

/*
 * Fill DG for a parse error: CODE, offset OFF, payload name PLD, the
 * notify type a peer would answer with, and the message FMT with AP.
 * Returns CODE. (Every parser of untrusted bytes reports this way.)
 */
int	pld_vfail(struct ike_diag *dg, enum ike_err code, size_t off,
	    const char *pld, uint16_t notify, const char *fmt, va_list ap);

/* First payload of TYPE in C, or NULL. */
const struct pld_ref *pld_find(const struct pld_chain *c, uint8_t type);

/* Body decoders. Each checks the payload's fixed part and lengths. */
int	pld_sa_parse(const struct pld_ref *r, struct pld_sa *sa,
	    struct ike_diag *dg);
int	pld_id_parse(const struct pld_ref *r, struct pld_id *id,
	    struct ike_diag *dg);
int	pld_notify_parse(const struct pld_ref *r, struct pld_notify *n,
	    struct ike_diag *dg);
int	pld_delete_parse(const struct pld_ref *r, struct pld_delete *d,
	    struct ike_diag *dg);

/* Read a phase 1 / phase 2 transform's attributes into a proposal. */
int	pld_p1_from_xform(const struct pld_xform *xf, struct p1_prop *p,
	    struct ike_diag *dg);
int	pld_p2_from_xform(const struct pld_xform *xf, struct p2_prop *p,
	    struct ike_diag *dg);

/*
 * Building. A writer appends payloads to B and links each one into the
 * Next Payload byte of the one before (at NEXT_AT, initially the
 * ISAKMP header's byte 16).
 */
struct pld_wr {
	struct buf	*b;
	size_t		 next_at;
};

/* Append a 28-byte header from H (its len is patched by pld_wr_done). */
int	pld_wr_hdr(struct pld_wr *w, struct buf *b, const struct pld_hdr *h);
/* Set the header's length field to the buffer's length. */
void	pld_wr_done(struct pld_wr *w);
/* A payload whose body is opaque bytes (KE, NONCE, HASH, VID...). */
int	pld_add_raw(struct pld_wr *w, uint8_t type, const uint8_t *body,
	    size_t len);
/* SA with one proposal (#1, PROTO_ISAKMP) and N transforms. */
int	pld_add_sa_p1(struct pld_wr *w, const struct p1_prop *props,
	    size_t n);
/* SA with one ESP proposal (#1) carrying SPI and N transforms. */
int	pld_add_sa_p2(struct pld_wr *w, uint32_t spi,
	    const struct p2_prop *props, size_t n);
int	pld_add_id(struct pld_wr *w, const struct pld_id *id);
int	pld_add_notify(struct pld_wr *w, const struct pld_notify *n);
int	pld_add_delete(struct pld_wr *w, const struct pld_delete *d);

/*
 * Print a message as an indented tree with offsets into OUT (text,
 * one line per field, NUL-terminated). PLAIN, when not NULL, is the
 * decrypted body (PLAIN_LEN bytes, the bytes after the header) of an
 * encrypted message, shown in place of the ciphertext. Parse errors
 * are printed at the point they happen; this never fails on input.
 */
int	pld_dump(const uint8_t *msg, size_t len, const uint8_t *plain,
	    size_t plain_len, struct buf *out);

/* Hex dump in 16-byte rows with message offsets, into OUT. */
int	pld_hexdump(const uint8_t *p, size_t len, size_t base,
	    struct buf *out);

#endif /* IKELAB_CORE_PLD_H */
