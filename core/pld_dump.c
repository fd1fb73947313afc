/*
 * pld_dump.c: print an ISAKMP message as an indented tree, one field
 * per line, each line starting with the field's byte offset in the
 * message. The input is untrusted: everything is decoded through the
 * parsers of pld.c, text from the packet is escaped, and packet bytes
 * never reach a format string.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "frag.h"
#include "pld.h"

/* Where the text goes; ERR sticks at the first failed append. */
struct dump {
	struct buf	*out;
	int		 err;
};

/* A number and its name, for the value tables below. */
struct vname {
	unsigned int	 val;
	const char	*name;
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Protocol IDs (RFC 2407 4.4.1). */
static const struct vname proto_names[] = {
	{ 1, "ISAKMP" }, { 2, "AH" }, { 3, "ESP" }, { 4, "IPCOMP" },
};

/* ESP transform IDs (RFC 2407 4.4.4, RFC 3602, RFC 4106, RFC 4309). */
static const struct vname esp_names[] = {
	{ 1, "ESP_DES_IV64" }, { 2, "ESP_DES" }, { 3, "ESP_3DES" },
	{ 4, "ESP_RC5" }, { 5, "ESP_IDEA" }, { 6, "ESP_CAST" },
	{ 7, "ESP_BLOWFISH" }, { 8, "ESP_3IDEA" }, { 9, "ESP_DES_IV32" },
	{ 10, "ESP_RC4" }, { 11, "ESP_NULL" }, { 12, "ESP_AES" },
	{ 13, "ESP_AES-CTR" }, { 14, "ESP_AES-CCM_8" },
	{ 15, "ESP_AES-CCM_12" }, { 16, "ESP_AES-CCM_16" },
	{ 18, "ESP_AES-GCM_8" }, { 19, "ESP_AES-GCM_12" },
	{ 20, "ESP_AES-GCM_16" },
};

/* Identification types (RFC 2407 4.6.2.1). */
static const struct vname id_names[] = {
	{ 1, "ID_IPV4_ADDR" }, { 2, "ID_FQDN" }, { 3, "ID_USER_FQDN" },
	{ 4, "ID_IPV4_ADDR_SUBNET" }, { 5, "ID_IPV6_ADDR" },
	{ 6, "ID_IPV6_ADDR_SUBNET" }, { 7, "ID_IPV4_ADDR_RANGE" },
	{ 8, "ID_IPV6_ADDR_RANGE" }, { 9, "ID_DER_ASN1_DN" },
	{ 10, "ID_DER_ASN1_GN" }, { 11, "ID_KEY_ID" },
};

/* Phase 1 attribute values (RFC 2409 appendix A). */
static const struct vname enc_names[] = {
	{ 1, "DES-CBC" }, { 2, "IDEA-CBC" }, { 3, "Blowfish-CBC" },
	{ 4, "RC5-R16-B64-CBC" }, { 5, "3DES-CBC" }, { 6, "CAST-CBC" },
	{ 7, "AES-CBC" },
};
static const struct vname hash_names[] = {
	{ 1, "MD5" }, { 2, "SHA" }, { 3, "Tiger" }, { 4, "SHA2-256" },
	{ 5, "SHA2-384" }, { 6, "SHA2-512" },
};
static const struct vname auth_names[] = {
	{ 1, "pre-shared key" }, { 2, "DSS signatures" },
	{ 3, "RSA signatures" }, { 4, "RSA encryption" },
	{ 5, "revised RSA encryption" },
};
static const struct vname group_names[] = {
	{ 1, "MODP-768" }, { 2, "MODP-1024" }, { 3, "EC2N-155" },
	{ 4, "EC2N-185" }, { 5, "MODP-1536" }, { 14, "MODP-2048" },
	{ 15, "MODP-3072" }, { 16, "MODP-4096" }, { 17, "MODP-6144" },
	{ 18, "MODP-8192" },
};
static const struct vname gtype_names[] = {
	{ 1, "MODP" }, { 2, "ECP" }, { 3, "EC2N" },
};
static const struct vname life_names[] = {
	{ 1, "seconds" }, { 2, "kilobytes" },
};

/* IPsec DOI attribute values (RFC 2407 4.5, RFC 3947, RFC 4868). */
static const struct vname encap_names[] = {
	{ 1, "Tunnel" }, { 2, "Transport" }, { 3, "UDP-Encapsulated-Tunnel" },
	{ 4, "UDP-Encapsulated-Transport" },
	{ 61443, "UDP-Encapsulated-Tunnel (draft)" },
	{ 61444, "UDP-Encapsulated-Transport (draft)" },
};
static const struct vname esp_auth_names[] = {
	{ 1, "HMAC-MD5" }, { 2, "HMAC-SHA" }, { 3, "DES-MAC" }, { 4, "KPDK" },
	{ 5, "HMAC-SHA2-256" }, { 6, "HMAC-SHA2-384" },
	{ 7, "HMAC-SHA2-512" },
};

/* An attribute type: its name and, if its values have names, the table. */
struct attr_desc {
	uint16_t		 type;
	const char		*name;
	const struct vname	*vals;
	size_t			 nvals;
};

#define VALS(t)	(t), NELEM(t)

static const struct attr_desc p1_attrs[] = {
	{ 1, "Encryption Algorithm", VALS(enc_names) },
	{ 2, "Hash Algorithm", VALS(hash_names) },
	{ 3, "Authentication Method", VALS(auth_names) },
	{ 4, "Group Description", VALS(group_names) },
	{ 5, "Group Type", VALS(gtype_names) },
	{ 6, "Group Prime/Irreducible Polynomial", NULL, 0 },
	{ 7, "Group Generator One", NULL, 0 },
	{ 8, "Group Generator Two", NULL, 0 },
	{ 9, "Group Curve A", NULL, 0 },
	{ 10, "Group Curve B", NULL, 0 },
	{ 11, "Life Type", VALS(life_names) },
	{ 12, "Life Duration", NULL, 0 },
	{ 13, "PRF", NULL, 0 },
	{ 14, "Key Length", NULL, 0 },
	{ 15, "Field Size", NULL, 0 },
	{ 16, "Group Order", NULL, 0 },
};

static const struct attr_desc p2_attrs[] = {
	{ 1, "SA Life Type", VALS(life_names) },
	{ 2, "SA Life Duration", NULL, 0 },
	{ 3, "Group Description", VALS(group_names) },
	{ 4, "Encapsulation Mode", VALS(encap_names) },
	{ 5, "Authentication Algorithm", VALS(esp_auth_names) },
	{ 6, "Key Length", NULL, 0 },
	{ 7, "Key Rounds", NULL, 0 },
	{ 8, "Compress Dictionary Size", NULL, 0 },
	{ 9, "Compress Private Algorithm", NULL, 0 },
};

static const char *
vname(const struct vname *t, size_t n, unsigned int val)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (t[i].val == val)
			return t[i].name;
	return NULL;
}

/* Append N raw bytes. */
static void
put(struct dump *d, const void *p, size_t n)
{
	if (d->err == IKE_OK && buf_add(d->out, p, n) != IKE_OK)
		d->err = IKE_ENOMEM;
}

/* Append formatted text; FMT is always a constant of this file. */
static void
putf(struct dump *d, const char *fmt, ...) IKE_PRINTF(2, 3);

static void
putf(struct dump *d, const char *fmt, ...)
{
	char	 s[256];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	put(d, s, (size_t)n < sizeof(s) ? (size_t)n : sizeof(s) - 1);
}

/* Start a line: the offset, then two spaces per level of depth. */
static void
begin(struct dump *d, size_t off, int depth)
{
	putf(d, "%4zu  %*s", off, depth * 2, "");
}

static void
end(struct dump *d)
{
	put(d, "\n", 1);
}

/* A whole line of formatted text. */
static void
line(struct dump *d, size_t off, int depth, const char *fmt, ...)
    IKE_PRINTF(4, 5);

static void
line(struct dump *d, size_t off, int depth, const char *fmt, ...)
{
	char	 s[256];
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	begin(d, off, depth);
	putf(d, "%s", s);
	end(d);
}

/*
 * Packet text, made safe for a terminal: printable ASCII stays, any
 * other byte (and the backslash itself) becomes \xNN.
 */
static void
put_esc(struct dump *d, const uint8_t *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (p[i] >= 0x20 && p[i] <= 0x7e && p[i] != '\\')
			put(d, &p[i], 1);
		else
			putf(d, "\\x%02x", p[i]);
	}
}

static void
put_hex(struct dump *d, const uint8_t *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		putf(d, "%02x", p[i]);
}

/* Bytes as hex rows of 16, each row with its own offset. */
static void
hex_rows(struct dump *d, size_t off, int depth, const uint8_t *p, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i += 16) {
		begin(d, off + i, depth);
		for (j = i; j < n && j < i + 16; j++)
			putf(d, j == i ? "%02x" : " %02x", p[j]);
		end(d);
	}
}

/* A parse error, at its own offset (or FALLBACK if it has none). */
static void
error_line(struct dump *d, const struct ike_diag *dg, size_t fallback,
    int depth)
{
	const char	*nn = ike_notify_name(dg->notify);

	begin(d, dg->off != SIZE_MAX ? dg->off : fallback, depth);
	putf(d, "error: %s (%s", dg->msg, ike_err_name(dg->code));
	if (nn != NULL)
		putf(d, ", a peer would answer %s", nn);
	putf(d, ")");
	end(d);
}

/* "NAME (N)" or just "N" when the value has no name. */
static void
put_named(struct dump *d, const char *name, unsigned int val)
{
	if (name != NULL)
		putf(d, "%s (%u)", name, val);
	else
		putf(d, "%u", val);
}

static void
named_line(struct dump *d, size_t off, int depth, const char *field,
    const char *name, unsigned int val)
{
	begin(d, off, depth);
	putf(d, "%s ", field);
	put_named(d, name, val);
	end(d);
}

static void
dump_attr(struct dump *d, const struct pld_attr *a, bool p1, int depth)
{
	const struct attr_desc	*t = p1 ? p1_attrs : p2_attrs;
	size_t			 n = p1 ? NELEM(p1_attrs) : NELEM(p2_attrs);
	const struct attr_desc	*desc = NULL;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (t[i].type == a->type)
			desc = &t[i];
	begin(d, a->off, depth);
	if (desc != NULL)
		putf(d, "%s = ", desc->name);
	else
		putf(d, "attribute %u = ", a->type);
	if (!a->tv && a->len > 4) {
		putf(d, "%zu bytes", a->len);
		end(d);
		hex_rows(d, a->off + 4, depth + 1, a->data, a->len);
		return;
	}
	if (desc != NULL && desc->vals != NULL)
		put_named(d, vname(desc->vals, desc->nvals, a->val), a->val);
	else
		putf(d, "%u", a->val);
	end(d);
}

static void
dump_sa(struct dump *d, const struct pld_ref *r)
{
	struct pld_sa		 sa;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	const struct pld_prop	*pr;
	const struct pld_xform	*xf;
	size_t			 i, j, k;
	bool			 p1;

	if (pld_sa_parse(r, &sa, &dg) != IKE_OK) {
		error_line(d, &dg, r->off, 1);
		hex_rows(d, r->off + 4, 1, r->body, r->body_len);
		return;
	}
	line(d, r->off + 4, 1, "DOI %u (IPsec)", sa.doi);
	line(d, r->off + 8, 1, "situation 0x%08x (SIT_IDENTITY_ONLY)", sa.sit);
	for (i = 0; i < sa.nprop; i++) {
		pr = &sa.prop[i];
		p1 = pr->proto == IKE_PROTO_ISAKMP;
		line(d, pr->off, 1, "proposal #%u", pr->num);
		named_line(d, pr->off + 5, 2, "protocol",
		    vname(proto_names, NELEM(proto_names), pr->proto),
		    pr->proto);
		line(d, pr->off + 6, 2, "SPI size %u", pr->spi_size);
		line(d, pr->off + 7, 2, "transforms %zu", pr->nxf);
		if (pr->spi_size > 0) {
			begin(d, pr->off + 8, 2);
			putf(d, "SPI ");
			put_hex(d, pr->spi, pr->spi_size);
			end(d);
		}
		for (j = 0; j < pr->nxf; j++) {
			xf = &pr->xf[j];
			line(d, xf->off, 2, "transform #%u", xf->num);
			named_line(d, xf->off + 5, 3, "transform ID",
			    p1 ? (xf->id == IKE_KEY_IKE ? "KEY_IKE" : NULL) :
			    pr->proto == IKE_PROTO_ESP ?
			    vname(esp_names, NELEM(esp_names), xf->id) : NULL,
			    xf->id);
			for (k = 0; k < xf->nattr; k++)
				dump_attr(d, &xf->attr[k], p1, 4);
		}
	}
}

/* Dotted quad of 4 bytes. */
static void
put_ipv4(struct dump *d, const uint8_t *p)
{
	putf(d, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
}

/* Prefix length of a contiguous netmask, or -1. */
static int
mask_bits(const uint8_t *p)
{
	uint32_t	 m = be32(p);
	int		 n = 0;

	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	if (n < 32 && (m << n) != 0)
		return -1;
	return n;
}

static void
dump_id(struct dump *d, const struct pld_ref *r)
{
	struct pld_id	 id;
	struct ike_diag	 dg = IKE_DIAG_INIT;
	size_t		 off = r->off + 8;
	int		 bits;

	if (pld_id_parse(r, &id, &dg) != IKE_OK) {
		error_line(d, &dg, r->off, 1);
		hex_rows(d, r->off + 4, 1, r->body, r->body_len);
		return;
	}
	named_line(d, r->off + 4, 1, "type",
	    vname(id_names, NELEM(id_names), id.type), id.type);
	line(d, r->off + 5, 1, "protocol %u", id.proto);
	line(d, r->off + 6, 1, "port %u", id.port);
	begin(d, off, 1);
	switch (id.type) {
	case IKE_ID_IPV4_ADDR:
		putf(d, "address ");
		put_ipv4(d, id.data);
		break;
	case IKE_ID_IPV4_ADDR_SUBNET:
		putf(d, "subnet ");
		put_ipv4(d, id.data);
		if ((bits = mask_bits(id.data + 4)) >= 0) {
			putf(d, "/%d", bits);
		} else {
			putf(d, "/");
			put_ipv4(d, id.data + 4);
		}
		break;
	case IKE_ID_FQDN:
	case IKE_ID_USER_FQDN:
		putf(d, "name \"");
		put_esc(d, id.data, id.len);
		putf(d, "\"");
		break;
	default:
		putf(d, "data: %zu bytes", id.len);
		end(d);
		hex_rows(d, off, 2, id.data, id.len);
		return;
	}
	end(d);
}

static void
dump_notify(struct dump *d, const struct pld_ref *r)
{
	struct pld_notify	 n;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	size_t			 off = r->off + 12;

	if (pld_notify_parse(r, &n, &dg) != IKE_OK) {
		error_line(d, &dg, r->off, 1);
		hex_rows(d, r->off + 4, 1, r->body, r->body_len);
		return;
	}
	line(d, r->off + 4, 1, "DOI %u", n.doi);
	named_line(d, r->off + 8, 1, "protocol",
	    vname(proto_names, NELEM(proto_names), n.proto), n.proto);
	line(d, r->off + 9, 1, "SPI size %u", n.spi_size);
	named_line(d, r->off + 10, 1, "type", ike_notify_name(n.type),
	    n.type);
	if (n.spi_size > 0) {
		begin(d, off, 1);
		putf(d, "SPI ");
		put_hex(d, n.spi, n.spi_size);
		end(d);
		off += n.spi_size;
	}
	if (n.data_len > 0) {
		line(d, off, 1, "data: %zu bytes", n.data_len);
		hex_rows(d, off, 2, n.data, n.data_len);
	}
}

static void
dump_delete(struct dump *d, const struct pld_ref *r)
{
	struct pld_delete	 del;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	size_t			 i, off = r->off + 12;

	if (pld_delete_parse(r, &del, &dg) != IKE_OK) {
		error_line(d, &dg, r->off, 1);
		hex_rows(d, r->off + 4, 1, r->body, r->body_len);
		return;
	}
	line(d, r->off + 4, 1, "DOI %u", del.doi);
	named_line(d, r->off + 8, 1, "protocol",
	    vname(proto_names, NELEM(proto_names), del.proto), del.proto);
	line(d, r->off + 9, 1, "SPI size %u", del.spi_size);
	line(d, r->off + 10, 1, "SPIs %u", del.count);
	for (i = 0; i < del.count && del.spi_size > 0; i++) {
		begin(d, off, 1);
		putf(d, "SPI ");
		put_hex(d, del.spis + i * del.spi_size, del.spi_size);
		end(d);
		off += del.spi_size;
	}
}

/* Vendor fragment (ikev1-reference.md 1.6). */
static void
dump_frag(struct dump *d, const struct pld_ref *r)
{
	struct ike_rd	 rd = RD_INIT(r->body, r->body_len);
	const uint8_t	*rest;
	uint16_t	 id;
	uint8_t		 num, flags;

	if (rd_u16(&rd, &id) || rd_u8(&rd, &num) || rd_u8(&rd, &flags)) {
		line(d, r->off + 4, 1, "error: fragment header needs 4 bytes");
		return;
	}
	line(d, r->off + 4, 1, "fragment ID %u", id);
	if (num < 1 || num > FRAG_MAX)
		line(d, r->off + 6, 1, "error: fragment number %u; numbers "
		    "run from 1 to %d", num, FRAG_MAX);
	else
		line(d, r->off + 6, 1, "number %u", num);
	line(d, r->off + 7, 1, "flags 0x%02x%s", flags,
	    flags & 1 ? " (last)" : "");
	(void)rd_ptr(&rd, &rest, rd_left(&rd));
	line(d, r->off + 8, 1, "data: %zu bytes", r->body_len - 4);
	hex_rows(d, r->off + 8, 2, rest, r->body_len - 4);
}

/* NAT Original Address (RFC 3947 3.2). */
static void
dump_nat_oa(struct dump *d, const struct pld_ref *r)
{
	struct ike_rd	 rd = RD_INIT(r->body, r->body_len);
	const uint8_t	*addr;
	uint8_t		 type;

	if (rd_u8(&rd, &type) || rd_skip(&rd, 3)) {
		line(d, r->off + 4, 1, "error: NAT-OA needs 4 bytes");
		return;
	}
	named_line(d, r->off + 4, 1, "type",
	    vname(id_names, NELEM(id_names), type), type);
	if (type == IKE_ID_IPV4_ADDR && rd_ptr(&rd, &addr, 4) == IKE_OK &&
	    rd_left(&rd) == 0) {
		begin(d, r->off + 8, 1);
		putf(d, "address ");
		put_ipv4(d, addr);
		end(d);
		return;
	}
	/* Not a bare address: show everything after the 4-byte fixed part. */
	line(d, r->off + 8, 1, "data: %zu bytes", r->body_len - 4);
	hex_rows(d, r->off + 8, 2, r->body + 4, r->body_len - 4);
}

static void
dump_payload(struct dump *d, const struct pld_ref *r)
{
	const char	*name = ike_pld_name(r->type);

	begin(d, r->off, 0);
	if (name != NULL)
		putf(d, "%s  len %zu", name, r->len);
	else
		putf(d, "private type %u  len %zu", r->type, r->len);
	end(d);
	switch (r->type) {
	case IKE_PLD_SA:
		dump_sa(d, r);
		break;
	case IKE_PLD_ID:
		dump_id(d, r);
		break;
	case IKE_PLD_N:
		dump_notify(d, r);
		break;
	case IKE_PLD_D:
		dump_delete(d, r);
		break;
	case IKE_PLD_FRAG:
		dump_frag(d, r);
		break;
	case IKE_PLD_NAT_OA:
		dump_nat_oa(d, r);
		break;
	default:
		/* KE, NONCE, HASH, VID, NAT-D, SIG, CERT, CR, private. */
		line(d, r->off + 4, 1, "data: %zu bytes", r->body_len);
		hex_rows(d, r->off + 4, 2, r->body, r->body_len);
		break;
	}
}

/*
 * Walk and print a chain; IS_PLAIN says it is a decrypted body whose
 * tail is CBC padding.
 */
static void
dump_chain(struct dump *d, const uint8_t *p, size_t n, size_t base,
    uint8_t first, bool is_plain)
{
	struct pld_chain	 c;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	size_t			 i, rest;
	int			 rc;

	rc = pld_chain_parse(p, n, base, first, &c, &dg);
	for (i = 0; i < c.n; i++)
		dump_payload(d, &c.p[i]);
	if (rc != IKE_OK) {
		error_line(d, &dg, base, 0);
		return;
	}
	rest = n - (c.end - base);
	if (is_plain)
		line(d, c.end, 0, "padding: %zu bytes", rest);
	else if (rest > 0)
		line(d, c.end, 0, "trailing bytes after the last payload: %zu",
		    rest);
}

static void
dump_hdr(struct dump *d, const struct pld_hdr *h)
{
	const char	*f = "";

	line(d, 0, 0, "ISAKMP header");
	begin(d, 0, 1);
	putf(d, "initiator cookie ");
	put_hex(d, h->icookie, IKE_COOKIE_LEN);
	end(d);
	begin(d, 8, 1);
	putf(d, "responder cookie ");
	put_hex(d, h->rcookie, IKE_COOKIE_LEN);
	end(d);
	begin(d, 16, 1);
	putf(d, "next payload ");
	put_named(d, h->next ? ike_pld_name(h->next) : "none", h->next);
	end(d);
	line(d, 17, 1, "version %u.%u", h->version >> 4, h->version & 0x0f);
	named_line(d, 18, 1, "exchange", ike_exch_name(h->exch), h->exch);
	if (h->flags == 0)
		f = " (none)";
	begin(d, 19, 1);
	putf(d, "flags 0x%02x%s", h->flags, f);
	if (h->flags & IKE_FLAG_ENC)
		putf(d, " E");
	if (h->flags & IKE_FLAG_COMMIT)
		putf(d, " C");
	if (h->flags & IKE_FLAG_AUTHONLY)
		putf(d, " A");
	end(d);
	line(d, 20, 1, "message ID 0x%08x", h->msgid);
	line(d, 24, 1, "length %u", h->len);
}

/* Print MSG (and its decrypted body PLAIN, if given) as a tree. */
int
pld_dump(const uint8_t *msg, size_t len, const uint8_t *plain,
    size_t plain_len, struct buf *out)
{
	struct dump	 d = { out, IKE_OK };
	struct pld_hdr	 h;
	struct ike_diag	 dg = IKE_DIAG_INIT;
	int		 rc;

	memset(&h, 0, sizeof(h));
	rc = pld_hdr_parse(msg, len, &h, &dg);
	if (len < IKE_HDR_LEN) {
		error_line(&d, &dg, 0, 0);
		hex_rows(&d, 0, 1, msg, len);
		goto out;
	}
	dump_hdr(&d, &h);
	if (rc != IKE_OK) {
		error_line(&d, &dg, 0, 1);
		/*
		 * A wrong length still leaves payloads worth showing; a
		 * wrong version or flags means this is not IKEv1 as we
		 * know it.
		 */
		if (dg.off != 24)
			goto out;
	}
	if (h.flags & IKE_FLAG_ENC) {
		if (plain == NULL) {
			line(&d, IKE_HDR_LEN, 0, "encrypted body: %zu bytes",
			    len - IKE_HDR_LEN);
			goto out;
		}
		line(&d, IKE_HDR_LEN, 0, "decrypted body: %zu bytes",
		    plain_len);
		dump_chain(&d, plain, plain_len, IKE_HDR_LEN, h.next, true);
	} else
		dump_chain(&d, msg + IKE_HDR_LEN, len - IKE_HDR_LEN,
		    IKE_HDR_LEN, h.next, false);
out:
	/* Keep the text NUL-terminated without counting the NUL. */
	put(&d, "", 1);
	if (d.err == IKE_OK)
		out->len--;
	return d.err;
}

/* Hex dump: "0000  xx xx ... (16 per row)  |ascii|", offsets from BASE. */
int
pld_hexdump(const uint8_t *p, size_t len, size_t base, struct buf *out)
{
	struct dump	 d = { out, IKE_OK };
	size_t		 i, j;

	for (i = 0; i < len; i += 16) {
		putf(&d, "%04zx ", base + i);
		for (j = i; j < i + 16; j++) {
			if (j < len)
				putf(&d, " %02x", p[j]);
			else
				put(&d, "   ", 3);
		}
		put(&d, "  |", 3);
		for (j = i; j < len && j < i + 16; j++)
			put(&d, p[j] >= 0x20 && p[j] <= 0x7e ? &p[j] :
			    (const uint8_t *)".", 1);
		put(&d, "|\n", 2);
	}
	put(&d, "", 1);
	if (d.err == IKE_OK)
		out->len--;
	return d.err;
}
