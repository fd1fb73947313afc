/*
 * pld.c: the ISAKMP codec. Parsing reads untrusted bytes only through
 * struct ike_rd (STYLE.md B.6); every error says which payload, at which
 * message offset, and which notify a real peer would send back.
 *
 * One rule for the two "length" errors: IKE_ESHORT means the datagram
 * itself ended inside a field; a length that overruns its container
 * (a proposal longer than its SA, an attribute longer than its
 * transform) is a contradiction between two fields, IKE_EMALFORMED.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pld.h"

/* Fixed parts (after the generic header) of RFC 2408 3.4-3.6. */
#define SA_FIXED	8	/* DOI + situation */
#define PROP_FIXED	4	/* #, protocol, SPI size, #transforms */
#define XFORM_FIXED	4	/* #, id, reserved2 */
#define NONCE_MIN	8	/* RFC 2409 5 */
#define NONCE_MAX	256

/*
 * Fill DG with code, offset, payload name and notify type at once, the
 * way every parse error in this file is reported.
 */
static int
fail(struct ike_diag *dg, enum ike_err code, size_t off, const char *pld,
    uint16_t notify, const char *fmt, ...) IKE_PRINTF(6, 7);

int
pld_vfail(struct ike_diag *dg, enum ike_err code, size_t off,
    const char *pld, uint16_t notify, const char *fmt, va_list ap)
{
	char	 msg[sizeof(dg->msg)];

	if (dg == NULL)
		return code;
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	diag_set(dg, code, off, "%s", msg);
	diag_pld(dg, pld);
	dg->notify = notify;
	return code;
}

static int
fail(struct ike_diag *dg, enum ike_err code, size_t off, const char *pld,
    uint16_t notify, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	(void)pld_vfail(dg, code, off, pld, notify, fmt, ap);
	va_end(ap);
	return code;
}

/*
 * Header
 */

/* Parse and check the ISAKMP header (RFC 2408 3.1). */
int
pld_hdr_parse(const uint8_t *msg, size_t len, struct pld_hdr *h,
    struct ike_diag *dg)
{
	struct ike_rd	 rd = RD_INIT(msg, len);

	if (len < IKE_HDR_LEN)
		return fail(dg, IKE_ESHORT, 0, "HDR", IKE_N_PAYLOAD_MALFORMED,
		    "message of %zu bytes is shorter than the %d-byte "
		    "ISAKMP header", len, IKE_HDR_LEN);
	/* Cannot fail: 28 bytes are there. */
	(void)rd_bytes(&rd, h->icookie, IKE_COOKIE_LEN);
	(void)rd_bytes(&rd, h->rcookie, IKE_COOKIE_LEN);
	(void)rd_u8(&rd, &h->next);
	(void)rd_u8(&rd, &h->version);
	(void)rd_u8(&rd, &h->exch);
	(void)rd_u8(&rd, &h->flags);
	(void)rd_u32(&rd, &h->msgid);
	(void)rd_u32(&rd, &h->len);

	/* RFC 2408 5.1: a larger major version must be refused. */
	if (h->version >> 4 != 1)
		return fail(dg, IKE_EUNSUPP, 17, "HDR",
		    IKE_N_INVALID_MAJOR_VERSION,
		    "major version %u (version byte 0x%02x); IKEv1 is 1",
		    h->version >> 4, h->version);
	if (h->flags & ~(IKE_FLAG_ENC | IKE_FLAG_COMMIT | IKE_FLAG_AUTHONLY))
		return fail(dg, IKE_EMALFORMED, 19, "HDR", IKE_N_INVALID_FLAGS,
		    "flags 0x%02x set undefined bits 3-7", h->flags);
	/* RFC 2408 5.1: the header's length must equal what arrived. */
	if (h->len != len)
		return fail(dg, IKE_EMALFORMED, 24, "HDR",
		    IKE_N_UNEQUAL_PAYLOAD_LENGTHS,
		    "header says %u bytes but the datagram has %zu",
		    h->len, len);
	if (len > PLD_MAX_MSG)
		return fail(dg, IKE_ELIMIT, 24, "HDR", IKE_N_PAYLOAD_MALFORMED,
		    "message of %zu bytes exceeds the cap of %d", len,
		    PLD_MAX_MSG);
	return IKE_OK;
}

/*
 * Payload chain
 */

/*
 * Length limits of the payloads ikelab knows, header included (0 = no
 * upper limit). Types not listed here but in 128..255 are private use
 * and are kept unchecked.
 */
struct pld_limit {
	uint8_t		 type;
	size_t		 min;
	size_t		 max;
	const char	*why;
};

static const struct pld_limit pld_limits[] = {
	{ IKE_PLD_SA,	  12, 0, "DOI and situation need 8 bytes" },
	{ IKE_PLD_KE,	   5, 0, "the key exchange data is empty" },
	{ IKE_PLD_ID,	   8, 0, "ID type, protocol and port need 4 bytes" },
	{ IKE_PLD_CERT,	   5, 0, "the certificate encoding byte is missing" },
	{ IKE_PLD_CR,	   5, 0, "the certificate type byte is missing" },
	{ IKE_PLD_HASH,	   5, 0, "the hash is empty" },
	{ IKE_PLD_SIG,	   5, 0, "the signature is empty" },
	{ IKE_PLD_NONCE, 4 + NONCE_MIN, 4 + NONCE_MAX,
	    "RFC 2409 5 wants 8..256 nonce bytes" },
	{ IKE_PLD_N,	  12, 0, "the fixed part needs 8 bytes" },
	{ IKE_PLD_D,	  12, 0, "the fixed part needs 8 bytes" },
	{ IKE_PLD_VID,	   4, 0, "" },
	{ IKE_PLD_NAT_D,   5, 0, "the hash is empty" },
	{ IKE_PLD_NAT_OA,  8, 0, "ID type and reserved bytes need 4 bytes" },
	{ IKE_PLD_FRAG,	   8, 0, "fragment ID, number and flags need 4 bytes" },
};

/* The limits of TYPE, or NULL for a type ikelab does not know. */
static const struct pld_limit *
pld_limit(uint8_t type)
{
	size_t	 i;

	for (i = 0; i < sizeof(pld_limits) / sizeof(pld_limits[0]); i++)
		if (pld_limits[i].type == type)
			return &pld_limits[i];
	return NULL;
}

/* Payload name for diagnostics: "NONCE", or "type 50". */
static void
type_label(uint8_t type, char *s, size_t n)
{
	const char	*name = ike_pld_name(type);

	if (name != NULL)
		(void)snprintf(s, n, "%s", name);
	else
		(void)snprintf(s, n, "type %u", type);
}

/*
 * Walk a chain of generic payload headers (RFC 2408 3.2). On failure C
 * still holds the payloads read before the bad one, so a dump can show
 * them.
 */
int
pld_chain_parse(const uint8_t *p, size_t len, size_t base, uint8_t first,
    struct pld_chain *c, struct ike_diag *dg)
{
	struct ike_rd		 rd = RD_INIT(p, len);
	struct ike_rd		 body;
	const struct pld_limit	*lim;
	struct pld_ref		*r;
	char			 name[12];
	uint8_t			 type = first, next, reserved;
	uint16_t		 plen;
	size_t			 start;

	rd.base = base;
	c->n = 0;
	c->end = base;
	while (type != IKE_PLD_NONE) {
		start = rd_pos(&rd);
		type_label(type, name, sizeof(name));
		lim = pld_limit(type);
		/* P and T only ever live inside an SA payload. */
		if (type == IKE_PLD_P || type == IKE_PLD_T)
			return fail(dg, IKE_EMALFORMED, start, name,
			    IKE_N_INVALID_PAYLOAD_TYPE, "payload type %u "
			    "(%s) may only appear inside an SA payload",
			    type, name);
		/*
		 * ISAKMP has no "critical" bit: a type that is neither
		 * known nor private use cannot be skipped safely.
		 */
		if (lim == NULL && type < 128)
			return fail(dg, IKE_EMALFORMED, start, name,
			    IKE_N_INVALID_PAYLOAD_TYPE,
			    "payload type %u is not defined", type);
		if (c->n == PLD_MAX_CHAIN)
			return fail(dg, IKE_ELIMIT, start, name,
			    IKE_N_PAYLOAD_MALFORMED,
			    "more than %d payloads in one message",
			    PLD_MAX_CHAIN);
		if (rd_u8(&rd, &next) || rd_u8(&rd, &reserved) ||
		    rd_u16(&rd, &plen))
			return fail(dg, IKE_ESHORT, start, name,
			    IKE_N_PAYLOAD_MALFORMED, "generic header needs "
			    "4 bytes, %zu left", len - (start - base));
		if (plen < IKE_GENERIC_LEN)
			return fail(dg, IKE_EMALFORMED, start, name,
			    IKE_N_PAYLOAD_MALFORMED, "length %u is below "
			    "the 4-byte generic header", plen);
		/* Safe: plen >= IKE_GENERIC_LEN was checked just above. */
		if (rd_sub(&rd, (size_t)plen - IKE_GENERIC_LEN, &body))
			return fail(dg, IKE_ESHORT, start, name,
			    IKE_N_PAYLOAD_MALFORMED, "length %u runs past "
			    "the end (%zu bytes left)", plen,
			    len - (start - base));
		if (lim != NULL && plen < lim->min)
			return fail(dg, IKE_EMALFORMED, start, name,
			    IKE_N_PAYLOAD_MALFORMED, "length %u is below "
			    "the minimum of %zu: %s", plen, lim->min,
			    lim->why);
		if (lim != NULL && lim->max != 0 && plen > lim->max)
			return fail(dg, IKE_EMALFORMED, start, name,
			    IKE_N_PAYLOAD_MALFORMED, "length %u is above "
			    "the maximum of %zu: %s", plen, lim->max,
			    lim->why);
		r = &c->p[c->n++];
		r->type = type;
		r->off = start;
		r->len = plen;
		r->body = body.buf;
		r->body_len = body.len;
		c->end = rd_pos(&rd);
		type = next;
	}
	return IKE_OK;
}

/* First payload of TYPE in C, or NULL. */
const struct pld_ref *
pld_find(const struct pld_chain *c, uint8_t type)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		if (c->p[i].type == type)
			return &c->p[i];
	return NULL;
}

/* A reader over R's body, with offsets counting from the message start. */
static void
body_reader(const struct pld_ref *r, struct ike_rd *rd)
{
	rd->buf = r->body;
	rd->len = r->body_len;
	rd->off = 0;
	rd->base = r->off + IKE_GENERIC_LEN;
}

/*
 * SA payload
 */

/* Read the data attributes (RFC 2408 3.3) that fill the rest of RD. */
static int
attrs_parse(struct ike_rd *rd, struct pld_xform *xf, struct ike_diag *dg)
{
	struct pld_attr	*a;
	uint16_t	 t, v;
	size_t		 start, i;

	xf->nattr = 0;
	while (rd_left(rd) > 0) {
		start = rd_pos(rd);
		if (xf->nattr == PLD_MAX_ATTRS)
			return fail(dg, IKE_ELIMIT, start, "SA",
			    IKE_N_PAYLOAD_MALFORMED, "more than %d attributes "
			    "in transform #%u", PLD_MAX_ATTRS, xf->num);
		if (rd_u16(rd, &t) || rd_u16(rd, &v))
			return fail(dg, IKE_EMALFORMED, start, "SA",
			    IKE_N_PAYLOAD_MALFORMED, "attribute header needs "
			    "4 bytes, transform #%u has %zu left", xf->num,
			    rd_left(rd));
		a = &xf->attr[xf->nattr];
		memset(a, 0, sizeof(*a));
		a->off = start;
		a->type = t & 0x7fff;
		if (t & 0x8000) {
			/* Basic (TV) form: the value is the second half. */
			a->tv = true;
			a->val = v;
		} else {
			if (v == 0)
				return fail(dg, IKE_EMALFORMED, start, "SA",
				    IKE_N_PAYLOAD_MALFORMED, "attribute %u "
				    "has a variable-length value of 0 bytes",
				    a->type);
			if (rd_ptr(rd, &a->data, v))
				return fail(dg, IKE_EMALFORMED, start, "SA",
				    IKE_N_PAYLOAD_MALFORMED, "attribute %u "
				    "value of %u bytes runs past transform "
				    "#%u (%zu bytes left)", a->type, v,
				    xf->num, rd_left(rd));
			a->len = v;
			if (v <= 4)
				for (i = 0; i < v; i++)
					a->val = a->val << 8 | a->data[i];
		}
		xf->nattr++;
	}
	return IKE_OK;
}

/* Read the transforms (RFC 2408 3.6) that fill the rest of RD. */
static int
xforms_parse(struct ike_rd *rd, struct pld_prop *pr, uint8_t declared,
    size_t decl_off, struct ike_diag *dg)
{
	struct ike_rd	 body;
	struct pld_xform *xf;
	uint8_t		 next = IKE_PLD_T, reserved;
	uint16_t	 tlen, reserved2;
	size_t		 start;
	int		 rc;

	pr->nxf = 0;
	while (next == IKE_PLD_T && rd_left(rd) > 0) {
		start = rd_pos(rd);
		if (pr->nxf == PLD_MAX_XFORMS)
			return fail(dg, IKE_ELIMIT, start, "SA",
			    IKE_N_PAYLOAD_MALFORMED, "more than %d transforms "
			    "in proposal #%u", PLD_MAX_XFORMS, pr->num);
		if (rd_u8(rd, &next) || rd_u8(rd, &reserved) ||
		    rd_u16(rd, &tlen))
			return fail(dg, IKE_EMALFORMED, start, "SA",
			    IKE_N_PAYLOAD_MALFORMED, "transform header needs "
			    "4 bytes, proposal #%u has %zu left", pr->num,
			    rd_left(rd));
		if (next != IKE_PLD_T && next != IKE_PLD_NONE)
			return fail(dg, IKE_EMALFORMED, start, "SA",
			    IKE_N_BAD_PROPOSAL_SYNTAX, "transform's next "
			    "payload is %u; only 3 (T) or 0 may follow", next);
		if (tlen < IKE_GENERIC_LEN + XFORM_FIXED)
			return fail(dg, IKE_EMALFORMED, start, "SA",
			    IKE_N_PAYLOAD_MALFORMED, "transform length %u is "
			    "below the 8-byte minimum", tlen);
		if (rd_sub(rd, (size_t)tlen - IKE_GENERIC_LEN, &body))
			return fail(dg, IKE_EMALFORMED, start, "SA",
			    IKE_N_PAYLOAD_MALFORMED, "transform length %u runs "
			    "past proposal #%u (%zu bytes left)", tlen,
			    pr->num, rd_left(rd) + IKE_GENERIC_LEN);
		xf = &pr->xf[pr->nxf];
		xf->off = start;
		(void)rd_u8(&body, &xf->num);
		(void)rd_u8(&body, &xf->id);
		(void)rd_u16(&body, &reserved2);
		if ((rc = attrs_parse(&body, xf, dg)) != IKE_OK)
			return rc;
		pr->nxf++;
	}
	if (rd_left(rd) > 0)
		return fail(dg, IKE_EMALFORMED, rd_pos(rd), "SA",
		    IKE_N_PAYLOAD_MALFORMED, "%zu bytes after the last "
		    "transform of proposal #%u", rd_left(rd), pr->num);
	if (next == IKE_PLD_T && pr->nxf > 0)
		return fail(dg, IKE_EMALFORMED, pr->xf[pr->nxf - 1].off,
		    "SA", IKE_N_BAD_PROPOSAL_SYNTAX, "last transform of "
		    "proposal #%u announces another, but the proposal ends",
		    pr->num);
	if (pr->nxf != declared)
		return fail(dg, IKE_EMALFORMED, decl_off, "SA",
		    IKE_N_BAD_PROPOSAL_SYNTAX, "proposal #%u says %u "
		    "transforms but holds %zu", pr->num, declared, pr->nxf);
	return IKE_OK;
}

/* Decode an SA payload: DOI, situation, proposals, transforms, attributes. */
int
pld_sa_parse(const struct pld_ref *r, struct pld_sa *sa,
    struct ike_diag *dg)
{
	struct ike_rd	 rd, body;
	struct pld_prop	*pr;
	uint8_t		 next = IKE_PLD_P, reserved, ntrans;
	uint16_t	 plen;
	size_t		 start = 0;
	int		 rc;

	memset(sa, 0, sizeof(*sa));
	body_reader(r, &rd);
	if (rd_u32(&rd, &sa->doi) || rd_u32(&rd, &sa->sit))
		return fail(dg, IKE_EMALFORMED, r->off, "SA",
		    IKE_N_PAYLOAD_MALFORMED, "SA body of %zu bytes is "
		    "shorter than DOI and situation (8)", r->body_len);
	/* RFC 2407 4.2: ikelab speaks only the IPsec DOI. */
	if (sa->doi != IKE_DOI_IPSEC)
		return fail(dg, IKE_EUNSUPP, rd.base, "SA",
		    IKE_N_DOI_NOT_SUPPORTED, "DOI %u; only 1 (IPsec) is "
		    "supported", sa->doi);
	if (sa->sit != IKE_SIT_IDENTITY_ONLY)
		return fail(dg, IKE_EUNSUPP, rd.base + 4, "SA",
		    IKE_N_SITUATION_NOT_SUPPORTED, "situation 0x%08x; only "
		    "SIT_IDENTITY_ONLY (1) is supported", sa->sit);
	if (rd_left(&rd) == 0)
		return fail(dg, IKE_EMALFORMED, rd_pos(&rd), "SA",
		    IKE_N_BAD_PROPOSAL_SYNTAX, "SA payload holds no proposal");

	while (next == IKE_PLD_P && rd_left(&rd) > 0) {
		start = rd_pos(&rd);
		if (sa->nprop == PLD_MAX_PROPS)
			return fail(dg, IKE_ELIMIT, start, "SA",
			    IKE_N_PAYLOAD_MALFORMED, "more than %d proposals",
			    PLD_MAX_PROPS);
		if (rd_u8(&rd, &next) || rd_u8(&rd, &reserved) ||
		    rd_u16(&rd, &plen))
			return fail(dg, IKE_EMALFORMED, start, "SA",
			    IKE_N_PAYLOAD_MALFORMED, "proposal header needs "
			    "4 bytes, the SA has %zu left", rd_left(&rd));
		if (next != IKE_PLD_P && next != IKE_PLD_NONE)
			return fail(dg, IKE_EMALFORMED, start, "SA",
			    IKE_N_BAD_PROPOSAL_SYNTAX, "proposal's next "
			    "payload is %u; only 2 (P) or 0 may follow", next);
		if (plen < IKE_GENERIC_LEN + PROP_FIXED)
			return fail(dg, IKE_EMALFORMED, start, "SA",
			    IKE_N_PAYLOAD_MALFORMED, "proposal length %u is "
			    "below the 8-byte minimum", plen);
		if (rd_sub(&rd, (size_t)plen - IKE_GENERIC_LEN, &body))
			return fail(dg, IKE_EMALFORMED, start, "SA",
			    IKE_N_PAYLOAD_MALFORMED, "proposal length %u runs "
			    "past the SA payload (%zu bytes left)", plen,
			    rd_left(&rd) + IKE_GENERIC_LEN);
		pr = &sa->prop[sa->nprop];
		pr->off = start;
		(void)rd_u8(&body, &pr->num);
		(void)rd_u8(&body, &pr->proto);
		(void)rd_u8(&body, &pr->spi_size);
		(void)rd_u8(&body, &ntrans);
		/* RFC 2408 4.2: proposal numbers never go down. */
		if (sa->nprop > 0 && pr->num < sa->prop[sa->nprop - 1].num)
			return fail(dg, IKE_EMALFORMED, start + 4, "SA",
			    IKE_N_BAD_PROPOSAL_SYNTAX, "proposal #%u follows "
			    "#%u; numbers must not decrease", pr->num,
			    sa->prop[sa->nprop - 1].num);
		if (pr->spi_size > sizeof(pr->spi))
			return fail(dg, IKE_EMALFORMED, start + 6, "SA",
			    IKE_N_PAYLOAD_MALFORMED, "SPI size %u is above 16",
			    pr->spi_size);
		if (rd_bytes(&body, pr->spi, pr->spi_size))
			return fail(dg, IKE_EMALFORMED, start + 6, "SA",
			    IKE_N_PAYLOAD_MALFORMED, "SPI of %u bytes runs "
			    "past proposal #%u", pr->spi_size, pr->num);
		if (ntrans == 0)
			return fail(dg, IKE_EMALFORMED, start + 7, "SA",
			    IKE_N_BAD_PROPOSAL_SYNTAX, "proposal #%u has no "
			    "transforms", pr->num);
		if (ntrans > PLD_MAX_XFORMS)
			return fail(dg, IKE_ELIMIT, start + 7, "SA",
			    IKE_N_PAYLOAD_MALFORMED, "proposal #%u has %u "
			    "transforms, more than %d", pr->num, ntrans,
			    PLD_MAX_XFORMS);
		rc = xforms_parse(&body, pr, ntrans, start + 7, dg);
		if (rc != IKE_OK)
			return rc;
		sa->nprop++;
	}
	if (rd_left(&rd) > 0)
		return fail(dg, IKE_EMALFORMED, rd_pos(&rd), "SA",
		    IKE_N_PAYLOAD_MALFORMED, "%zu bytes after the last "
		    "proposal", rd_left(&rd));
	if (next == IKE_PLD_P)
		return fail(dg, IKE_EMALFORMED, start, "SA",
		    IKE_N_BAD_PROPOSAL_SYNTAX, "last proposal announces "
		    "another one, but the SA payload ends");
	return IKE_OK;
}

/*
 * Attribute value for a transform; only values of up to 4 bytes are
 * numbers ikelab can use.
 */
static int
attr_num(const struct pld_attr *a, uint32_t *v, struct ike_diag *dg)
{
	if (!a->tv && a->len > 4)
		return fail(dg, IKE_EUNSUPP, a->off, "SA",
		    IKE_N_ATTRIBUTES_NOT_SUPPORTED, "attribute %u has a "
		    "%zu-byte value; ikelab reads up to 4", a->type, a->len);
	*v = a->val;
	return IKE_OK;
}

/* Attributes RFC 2409 appendix A and RFC 2407 4.5 require in TV form. */
static int
attr_basic(const struct pld_attr *a, uint16_t *v, struct ike_diag *dg)
{
	if (!a->tv)
		return fail(dg, IKE_EMALFORMED, a->off, "SA",
		    IKE_N_PAYLOAD_MALFORMED, "attribute %u must use the "
		    "basic (TV) form", a->type);
	*v = (uint16_t)a->val;
	return IKE_OK;
}

/*
 * Life Type then Life Duration (RFC 2409 appendix A, RFC 2407 4.5): a
 * duration counts in the unit of the type before it.
 */
static int
attr_life(const struct pld_attr *a, bool is_type, uint16_t *type,
    uint32_t *life, struct ike_diag *dg)
{
	uint32_t	 v = 0;
	int		 rc;

	if (is_type) {
		if ((rc = attr_basic(a, type, dg)) != IKE_OK)
			return rc;
		/* XXX: only lifetimes in seconds; kilobytes are refused. */
		if (*type != IKE_LIFE_SECONDS)
			return fail(dg, IKE_EUNSUPP, a->off, "SA",
			    IKE_N_ATTRIBUTES_NOT_SUPPORTED, "life type %u; "
			    "ikelab supports only seconds (1)", *type);
		return IKE_OK;
	}
	if (*type == 0)
		return fail(dg, IKE_EMALFORMED, a->off, "SA",
		    IKE_N_BAD_PROPOSAL_SYNTAX, "life duration without a "
		    "life type before it");
	if ((rc = attr_num(a, &v, dg)) != IKE_OK)
		return rc;
	*life = v;
	return IKE_OK;
}

/* Read a phase 1 (KEY_IKE) transform into P (RFC 2409 appendix A). */
int
pld_p1_from_xform(const struct pld_xform *xf, struct p1_prop *p,
    struct ike_diag *dg)
{
	const struct pld_attr	*a;
	uint16_t		 ltype = 0;
	size_t			 i;
	int			 rc;

	memset(p, 0, sizeof(*p));
	if (xf->id != IKE_KEY_IKE)
		return fail(dg, IKE_EUNSUPP, xf->off + 5, "SA",
		    IKE_N_INVALID_TRANSFORM_ID, "phase 1 transform ID %u; "
		    "expected KEY_IKE (1)", xf->id);
	for (i = 0; i < xf->nattr; i++) {
		a = &xf->attr[i];
		switch (a->type) {
		case IKE_ATTR_ENC:
			rc = attr_basic(a, &p->enc, dg);
			break;
		case IKE_ATTR_KEYLEN:
			rc = attr_basic(a, &p->keylen, dg);
			break;
		case IKE_ATTR_HASH:
			rc = attr_basic(a, &p->hash, dg);
			break;
		case IKE_ATTR_AUTH:
			rc = attr_basic(a, &p->auth, dg);
			break;
		case IKE_ATTR_GROUP:
			rc = attr_basic(a, &p->group, dg);
			break;
		case IKE_ATTR_LIFE_TYPE:
		case IKE_ATTR_LIFE_DUR:
			rc = attr_life(a, a->type == IKE_ATTR_LIFE_TYPE,
			    &ltype, &p->life, dg);
			break;
		default:
			/* XXX: no PRF, group type or custom groups. */
			rc = fail(dg, IKE_EUNSUPP, a->off, "SA",
			    IKE_N_ATTRIBUTES_NOT_SUPPORTED, "phase 1 "
			    "attribute %u is not supported", a->type);
			break;
		}
		if (rc != IKE_OK)
			return rc;
	}
	return IKE_OK;
}

/* Read a phase 2 (ESP) transform into P (RFC 2407 4.5). */
int
pld_p2_from_xform(const struct pld_xform *xf, struct p2_prop *p,
    struct ike_diag *dg)
{
	const struct pld_attr	*a;
	uint16_t		 ltype = 0;
	size_t			 i;
	int			 rc;

	memset(p, 0, sizeof(*p));
	p->esp_id = xf->id;
	for (i = 0; i < xf->nattr; i++) {
		a = &xf->attr[i];
		switch (a->type) {
		case IKE_P2_LIFE_TYPE:
		case IKE_P2_LIFE_DUR:
			rc = attr_life(a, a->type == IKE_P2_LIFE_TYPE,
			    &ltype, &p->life, dg);
			break;
		case IKE_P2_GROUP:
			rc = attr_basic(a, &p->group, dg);
			break;
		case IKE_P2_ENCAP:
			rc = attr_basic(a, &p->encap, dg);
			break;
		case IKE_P2_AUTH:
			rc = attr_basic(a, &p->auth, dg);
			break;
		case IKE_P2_KEYLEN:
			rc = attr_basic(a, &p->keylen, dg);
			break;
		default:
			/* XXX: no key rounds or compression attributes. */
			rc = fail(dg, IKE_EUNSUPP, a->off, "SA",
			    IKE_N_ATTRIBUTES_NOT_SUPPORTED, "phase 2 "
			    "attribute %u is not supported", a->type);
			break;
		}
		if (rc != IKE_OK)
			return rc;
	}
	return IKE_OK;
}

/*
 * ID, N, D
 */

/* Decode an ID payload (RFC 2407 4.6.2); DATA points into R's body. */
int
pld_id_parse(const struct pld_ref *r, struct pld_id *id,
    struct ike_diag *dg)
{
	struct ike_rd	 rd;
	size_t		 need = 0;

	memset(id, 0, sizeof(*id));
	body_reader(r, &rd);
	if (rd_u8(&rd, &id->type) || rd_u8(&rd, &id->proto) ||
	    rd_u16(&rd, &id->port))
		return fail(dg, IKE_EMALFORMED, r->off, "ID",
		    IKE_N_PAYLOAD_MALFORMED, "ID body of %zu bytes is "
		    "shorter than its 4-byte fixed part", r->body_len);
	id->len = rd_left(&rd);
	(void)rd_ptr(&rd, &id->data, id->len);
	switch (id->type) {
	case IKE_ID_IPV4_ADDR:
		need = 4;
		break;
	case IKE_ID_IPV4_ADDR_SUBNET:
		need = 8;
		break;
	default:
		break;
	}
	if (need != 0 && id->len != need)
		return fail(dg, IKE_EMALFORMED, rd.base, "ID",
		    IKE_N_INVALID_ID_INFORMATION, "ID type %u carries %zu "
		    "bytes; it needs %zu", id->type, id->len, need);
	if (id->len == 0)
		return fail(dg, IKE_EMALFORMED, rd.base, "ID",
		    IKE_N_INVALID_ID_INFORMATION, "ID type %u carries no "
		    "identification data", id->type);
	return IKE_OK;
}

/* Decode a Notification payload (RFC 2408 3.14). */
int
pld_notify_parse(const struct pld_ref *r, struct pld_notify *n,
    struct ike_diag *dg)
{
	struct ike_rd	 rd;

	memset(n, 0, sizeof(*n));
	body_reader(r, &rd);
	if (rd_u32(&rd, &n->doi) || rd_u8(&rd, &n->proto) ||
	    rd_u8(&rd, &n->spi_size) || rd_u16(&rd, &n->type))
		return fail(dg, IKE_EMALFORMED, r->off, "N",
		    IKE_N_PAYLOAD_MALFORMED, "N body of %zu bytes is "
		    "shorter than its 8-byte fixed part", r->body_len);
	if (rd_ptr(&rd, &n->spi, n->spi_size))
		return fail(dg, IKE_EMALFORMED, rd.base + 5, "N",
		    IKE_N_PAYLOAD_MALFORMED, "SPI size %u but only %zu "
		    "bytes follow", n->spi_size, rd_left(&rd));
	n->data_len = rd_left(&rd);
	(void)rd_ptr(&rd, &n->data, n->data_len);
	return IKE_OK;
}

/* Decode a Delete payload (RFC 2408 3.15); SPIS points into R's body. */
int
pld_delete_parse(const struct pld_ref *r, struct pld_delete *d,
    struct ike_diag *dg)
{
	struct ike_rd	 rd;
	size_t		 want;

	memset(d, 0, sizeof(*d));
	body_reader(r, &rd);
	if (rd_u32(&rd, &d->doi) || rd_u8(&rd, &d->proto) ||
	    rd_u8(&rd, &d->spi_size) || rd_u16(&rd, &d->count))
		return fail(dg, IKE_EMALFORMED, r->off, "D",
		    IKE_N_PAYLOAD_MALFORMED, "D body of %zu bytes is "
		    "shorter than its 8-byte fixed part", r->body_len);
	/* At most 255 * 65535: no size_t can wrap here. */
	want = (size_t)d->spi_size * d->count;
	if (want != rd_left(&rd))
		return fail(dg, IKE_EMALFORMED, rd.base + 5, "D",
		    IKE_N_PAYLOAD_MALFORMED, "%u SPIs of %u bytes need %zu "
		    "bytes, but %zu follow", d->count, d->spi_size, want,
		    rd_left(&rd));
	(void)rd_ptr(&rd, &d->spis, want);
	return IKE_OK;
}

/*
 * Building
 */

/* Append a 28-byte header from H; B should be empty (version 0 = 1.0). */
int
pld_wr_hdr(struct pld_wr *w, struct buf *b, const struct pld_hdr *h)
{
	w->b = b;
	w->next_at = b->len + 16;
	if (buf_add(b, h->icookie, IKE_COOKIE_LEN) ||
	    buf_add(b, h->rcookie, IKE_COOKIE_LEN) ||
	    buf_add_u8(b, IKE_PLD_NONE) ||
	    buf_add_u8(b, h->version ? h->version : IKE_VERSION_1_0) ||
	    buf_add_u8(b, h->exch) ||
	    buf_add_u8(b, h->flags) ||
	    buf_add_u32(b, h->msgid) ||
	    buf_add_u32(b, 0))
		return IKE_ENOMEM;
	return IKE_OK;
}

/* Set the header's length field to the buffer's length. */
void
pld_wr_done(struct pld_wr *w)
{
	if (w->b->len >= IKE_HDR_LEN)
		buf_put_u32(w->b, 24, (uint32_t)w->b->len);
}

/* Where a payload under construction started, to patch or undo it. */
struct wr_mark {
	size_t		 start;
	size_t		 prev_next_at;
	uint8_t		 prev_next;
};

/* Start a payload of TYPE: generic header, linked into the chain. */
static int
wr_begin(struct pld_wr *w, uint8_t type, struct wr_mark *m)
{
	m->start = w->b->len;
	m->prev_next_at = w->next_at;
	m->prev_next = w->b->p[w->next_at];
	if (buf_add_u32(w->b, 0))
		return IKE_ENOMEM;
	w->b->p[w->next_at] = type;
	w->next_at = m->start;
	return IKE_OK;
}

/* Finish the payload begun at M (fill in its length), or undo it. */
static int
wr_end(struct pld_wr *w, const struct wr_mark *m, int rc)
{
	size_t	 len = w->b->len - m->start;

	if (rc == IKE_OK && len > UINT16_MAX)
		rc = IKE_ELIMIT;
	if (rc != IKE_OK) {
		/* Leave the message as it was before this payload. */
		if (w->b->len > m->start) {
			memset(w->b->p + m->start, 0, w->b->len - m->start);
			w->b->len = m->start;
		}
		w->b->p[m->prev_next_at] = m->prev_next;
		w->next_at = m->prev_next_at;
		return rc;
	}
	buf_put_u16(w->b, m->start + 2, (uint16_t)len);
	return IKE_OK;
}

/* Append a payload whose body is opaque bytes (BODY may be NULL: zeros). */
int
pld_add_raw(struct pld_wr *w, uint8_t type, const uint8_t *body, size_t len)
{
	struct wr_mark	 m;
	int		 rc;

	if (len > UINT16_MAX - IKE_GENERIC_LEN)
		return IKE_ELIMIT;
	if ((rc = wr_begin(w, type, &m)) != IKE_OK)
		return rc;
	return wr_end(w, &m, buf_add(w->b, body, len));
}

/* A TV attribute (RFC 2408 3.3). */
static int
attr_tv(struct buf *b, uint16_t type, uint16_t val)
{
	if (buf_add_u16(b, (uint16_t)(0x8000 | type)) || buf_add_u16(b, val))
		return IKE_ENOMEM;
	return IKE_OK;
}

/* A life duration: TV if it fits 16 bits, else a 4-byte TLV (2.4). */
static int
attr_dur(struct buf *b, uint16_t type, uint32_t life)
{
	if (life <= UINT16_MAX)
		return attr_tv(b, type, (uint16_t)life);
	if (buf_add_u16(b, type) || buf_add_u16(b, 4) || buf_add_u32(b, life))
		return IKE_ENOMEM;
	return IKE_OK;
}

/* Start a transform; *START is where its length goes. */
static int
xform_begin(struct buf *b, bool last, uint8_t num, uint8_t id,
    size_t *start)
{
	*start = b->len;
	if (buf_add_u8(b, last ? IKE_PLD_NONE : IKE_PLD_T) ||
	    buf_add_u8(b, 0) || buf_add_u16(b, 0) ||
	    buf_add_u8(b, num) || buf_add_u8(b, id) || buf_add_u16(b, 0))
		return IKE_ENOMEM;
	return IKE_OK;
}

/* Write the SA fixed part and the proposal header; *START for its length. */
static int
sa_begin(struct buf *b, uint8_t proto, uint8_t spi_size, uint32_t spi,
    size_t n, size_t *start)
{
	if (buf_add_u32(b, IKE_DOI_IPSEC) ||
	    buf_add_u32(b, IKE_SIT_IDENTITY_ONLY))
		return IKE_ENOMEM;
	*start = b->len;
	if (buf_add_u8(b, IKE_PLD_NONE) || buf_add_u8(b, 0) ||
	    buf_add_u16(b, 0) || buf_add_u8(b, 1) || buf_add_u8(b, proto) ||
	    buf_add_u8(b, spi_size) || buf_add_u8(b, (uint8_t)n))
		return IKE_ENOMEM;
	if (spi_size == 4 && buf_add_u32(b, spi))
		return IKE_ENOMEM;
	return IKE_OK;
}

/* Append one KEY_IKE transform with attributes in ikelab's fixed order. */
static int
xform_p1(struct buf *b, const struct p1_prop *p, uint8_t num, bool last)
{
	size_t	 start;
	int	 rc;

	if ((rc = xform_begin(b, last, num, IKE_KEY_IKE, &start)) != IKE_OK)
		return rc;
	if (attr_tv(b, IKE_ATTR_ENC, p->enc) ||
	    (p->keylen != 0 && attr_tv(b, IKE_ATTR_KEYLEN, p->keylen)) ||
	    attr_tv(b, IKE_ATTR_HASH, p->hash) ||
	    attr_tv(b, IKE_ATTR_GROUP, p->group) ||
	    attr_tv(b, IKE_ATTR_AUTH, p->auth))
		return IKE_ENOMEM;
	if (p->life != 0 &&
	    (attr_tv(b, IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS) ||
	    attr_dur(b, IKE_ATTR_LIFE_DUR, p->life)))
		return IKE_ENOMEM;
	buf_put_u16(b, start + 2, (uint16_t)(b->len - start));
	return IKE_OK;
}

/* Append one ESP transform (RFC 2407 4.5). */
static int
xform_p2(struct buf *b, const struct p2_prop *p, uint8_t num, bool last)
{
	size_t	 start;
	int	 rc;

	if ((rc = xform_begin(b, last, num, p->esp_id, &start)) != IKE_OK)
		return rc;
	if (p->life != 0 &&
	    (attr_tv(b, IKE_P2_LIFE_TYPE, IKE_LIFE_SECONDS) ||
	    attr_dur(b, IKE_P2_LIFE_DUR, p->life)))
		return IKE_ENOMEM;
	if ((p->group != 0 && attr_tv(b, IKE_P2_GROUP, p->group)) ||
	    attr_tv(b, IKE_P2_ENCAP, p->encap) ||
	    attr_tv(b, IKE_P2_AUTH, p->auth) ||
	    (p->keylen != 0 && attr_tv(b, IKE_P2_KEYLEN, p->keylen)))
		return IKE_ENOMEM;
	buf_put_u16(b, start + 2, (uint16_t)(b->len - start));
	return IKE_OK;
}

/* Append an SA with one ISAKMP proposal (#1, SPI size 0), N transforms. */
int
pld_add_sa_p1(struct pld_wr *w, const struct p1_prop *props, size_t n)
{
	struct wr_mark	 m;
	size_t		 pstart, i;
	int		 rc;

	if (n == 0)
		return IKE_EMALFORMED;
	if (n > PLD_MAX_XFORMS)
		return IKE_ELIMIT;
	if ((rc = wr_begin(w, IKE_PLD_SA, &m)) != IKE_OK)
		return rc;
	rc = sa_begin(w->b, IKE_PROTO_ISAKMP, 0, 0, n, &pstart);
	for (i = 0; rc == IKE_OK && i < n; i++)
		rc = xform_p1(w->b, &props[i], (uint8_t)(i + 1), i + 1 == n);
	if (rc == IKE_OK)
		buf_put_u16(w->b, pstart + 2, (uint16_t)(w->b->len - pstart));
	return wr_end(w, &m, rc);
}

/* Append an SA with one ESP proposal (#1) carrying SPI, N transforms. */
int
pld_add_sa_p2(struct pld_wr *w, uint32_t spi, const struct p2_prop *props,
    size_t n)
{
	struct wr_mark	 m;
	size_t		 pstart, i;
	int		 rc;

	if (n == 0)
		return IKE_EMALFORMED;
	if (n > PLD_MAX_XFORMS)
		return IKE_ELIMIT;
	if ((rc = wr_begin(w, IKE_PLD_SA, &m)) != IKE_OK)
		return rc;
	rc = sa_begin(w->b, IKE_PROTO_ESP, 4, spi, n, &pstart);
	for (i = 0; rc == IKE_OK && i < n; i++)
		rc = xform_p2(w->b, &props[i], (uint8_t)(i + 1), i + 1 == n);
	if (rc == IKE_OK)
		buf_put_u16(w->b, pstart + 2, (uint16_t)(w->b->len - pstart));
	return wr_end(w, &m, rc);
}

/* Append an ID payload (RFC 2407 4.6.2). */
int
pld_add_id(struct pld_wr *w, const struct pld_id *id)
{
	struct wr_mark	 m;
	int		 rc;

	if (id->len > UINT16_MAX)
		return IKE_ELIMIT;
	if ((rc = wr_begin(w, IKE_PLD_ID, &m)) != IKE_OK)
		return rc;
	if (buf_add_u8(w->b, id->type) || buf_add_u8(w->b, id->proto) ||
	    buf_add_u16(w->b, id->port) || buf_add(w->b, id->data, id->len))
		rc = IKE_ENOMEM;
	return wr_end(w, &m, rc);
}

/* Append a Notification payload (RFC 2408 3.14); SPI NULL means zeros. */
int
pld_add_notify(struct pld_wr *w, const struct pld_notify *n)
{
	struct wr_mark	 m;
	int		 rc;

	if (n->data_len > UINT16_MAX)
		return IKE_ELIMIT;
	if ((rc = wr_begin(w, IKE_PLD_N, &m)) != IKE_OK)
		return rc;
	if (buf_add_u32(w->b, n->doi) || buf_add_u8(w->b, n->proto) ||
	    buf_add_u8(w->b, n->spi_size) || buf_add_u16(w->b, n->type) ||
	    buf_add(w->b, n->spi, n->spi_size) ||
	    buf_add(w->b, n->data, n->data_len))
		rc = IKE_ENOMEM;
	return wr_end(w, &m, rc);
}

/* Append a Delete payload (RFC 2408 3.15). */
int
pld_add_delete(struct pld_wr *w, const struct pld_delete *d)
{
	struct wr_mark	 m;
	int		 rc;

	if ((rc = wr_begin(w, IKE_PLD_D, &m)) != IKE_OK)
		return rc;
	if (buf_add_u32(w->b, d->doi) || buf_add_u8(w->b, d->proto) ||
	    buf_add_u8(w->b, d->spi_size) || buf_add_u16(w->b, d->count) ||
	    buf_add(w->b, d->spis, (size_t)d->spi_size * d->count))
		rc = IKE_ENOMEM;
	return wr_end(w, &m, rc);
}
