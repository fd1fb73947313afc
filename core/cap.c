/*
 * cap.c: a reader for classic pcap and pcapng captures held in memory,
 * and a decoder for the Ethernet / IPv4 / UDP / ESP layers under IKE.
 *
 * File formats: the pcap format as documented by tcpdump.org
 * (draft-ietf-opsawg-pcap) and pcapng (draft-ietf-opsawg-pcapng).
 * Frames: IEEE 802.3 / 802.1Q, RFC 791 (IPv4), RFC 768 (UDP), RFC 3948
 * (UDP encapsulation of ESP and the non-ESP marker for IKE on 4500).
 *
 * All bytes come through the bounds-checked reader of buf.h; the
 * helpers below only decode fields the reader has already handed out.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cap.h"

/* Classic pcap magic numbers, as read big-endian from the first bytes. */
#define PCAP_MAGIC_US		0xa1b2c3d4u
#define PCAP_MAGIC_NS		0xa1b23c4du
#define PCAP_HDR_LEN		24
#define PCAP_REC_HDR_LEN	16

/* pcapng block types and the section header's byte-order magic. */
#define NG_SHB			0x0a0d0d0au
#define NG_IDB			0x00000001u
#define NG_SPB			0x00000003u
#define NG_EPB			0x00000006u
#define NG_BOM			0x1a2b3c4du
#define NG_OPT_END		0
#define NG_OPT_TSRESOL		9
#define NG_OPT_TSOFFSET		14

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_VLAN		0x8100
#define ETHERTYPE_QINQ		0x88a8
#define IP_PROTO_UDP		17
#define IP_PROTO_ESP		50
#define UDP_IKE			500
#define UDP_NATT		4500

#define NS_PER_S		1000000000ull

/*
 * Fill DG with "record N at offset X: <message>" (N is the packet
 * record being read, 0 for the file header) and return CODE.
 */
static int IKE_PRINTF(5, 6)
cap_err(struct ike_diag *dg, enum ike_err code, unsigned int recno,
    size_t off, const char *fmt, ...)
{
	char	 why[160];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (recno == 0)
		return diag_set(dg, code, off, "file header at offset %zu: %s",
		    off, why);
	return diag_set(dg, code, off, "record %u at offset %zu: %s", recno,
	    off, why);
}

/* Little-endian loads, for files written on little-endian machines. */
static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

/* 16/32-bit fields in the file's own byte order. */
static uint16_t
f16(const struct cap_file *cf, const uint8_t *p)
{
	return cf->swap ? be16(p) : le16(p);
}

static uint32_t
f32(const struct cap_file *cf, const uint8_t *p)
{
	return cf->swap ? be32(p) : le32(p);
}

/* A reader over the whole file, positioned at OFF. */
static struct ike_rd
file_rd(const struct cap_file *cf, size_t off)
{
	struct ike_rd	 rd = RD_INIT(cf->p, cf->len);

	rd.off = off;
	return rd;
}

/* Classic pcap: the 24-byte global header. */
static int
pcap_open(struct cap_file *cf, uint32_t magic, struct ike_diag *dg)
{
	struct ike_rd	 rd = file_rd(cf, 0);
	const uint8_t	*h;
	uint16_t	 major;

	if (rd_ptr(&rd, &h, PCAP_HDR_LEN) != IKE_OK)
		return cap_err(dg, IKE_ESHORT, 0, 0,
		    "pcap file header needs %d bytes, file has %zu",
		    PCAP_HDR_LEN, cf->len);
	cf->swap = magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS;
	cf->nsec = be32(h) == PCAP_MAGIC_NS || le32(h) == PCAP_MAGIC_NS;
	major = f16(cf, h + 4);
	if (major != 2)
		return cap_err(dg, IKE_EUNSUPP, 0, 4,
		    "pcap version %u.%u is not supported (2.4 is)", major,
		    f16(cf, h + 6));
	cf->snaplen = f32(cf, h + 16);
	/* The upper bits of the link type field may carry FCS details. */
	cf->linktype = f32(cf, h + 20) & 0xffff;
	cf->off = PCAP_HDR_LEN;
	return IKE_OK;
}

/* Check a captured length against the snapshot length and our cap. */
static int
check_caplen(unsigned int no, size_t off, uint32_t caplen, uint32_t snaplen,
    struct ike_diag *dg)
{
	if (snaplen != 0 && caplen > snaplen)
		return cap_err(dg, IKE_EMALFORMED, no, off,
		    "captured length %u exceeds snapshot length %u", caplen,
		    snaplen);
	if (caplen > CAP_MAX_RECORD)
		return cap_err(dg, IKE_ELIMIT, no, off,
		    "captured length %u exceeds ikelab's limit of %d bytes",
		    caplen, CAP_MAX_RECORD);
	return IKE_OK;
}

/* Classic pcap: one 16-byte record header and its packet bytes. */
static int
pcap_next(struct cap_file *cf, struct cap_rec *rec, struct ike_diag *dg)
{
	struct ike_rd	 rd = file_rd(cf, cf->off);
	const uint8_t	*h, *data;
	unsigned int	 no = cf->recno + 1;
	uint32_t	 frac, caplen;
	int		 rc;

	if (rd_left(&rd) == 0)
		return IKE_ENOENT;
	if (rd_ptr(&rd, &h, PCAP_REC_HDR_LEN) != IKE_OK)
		return cap_err(dg, IKE_ESHORT, no, cf->off,
		    "file ends inside the %d-byte record header (%zu bytes left)",
		    PCAP_REC_HDR_LEN, rd_left(&rd));
	frac = f32(cf, h + 4);
	if (frac >= (cf->nsec ? NS_PER_S : 1000000u))
		return cap_err(dg, IKE_EMALFORMED, no, cf->off + 4,
		    "fraction of a second %u is too large", frac);
	caplen = f32(cf, h + 8);
	if ((rc = check_caplen(no, cf->off + 8, caplen, cf->snaplen, dg)) !=
	    IKE_OK)
		return rc;
	if (rd_ptr(&rd, &data, caplen) != IKE_OK)
		return cap_err(dg, IKE_ESHORT, no, cf->off + 8,
		    "captured length %u but only %zu bytes left in the file",
		    caplen, rd_left(&rd));

	rec->no = no;
	rec->ts_ns = f32(cf, h) * NS_PER_S + (cf->nsec ? frac : frac * 1000ull);
	rec->linktype = cf->linktype;
	rec->data = data;
	rec->caplen = caplen;
	rec->origlen = f32(cf, h + 12);
	rec->off = cf->off + PCAP_REC_HDR_LEN;
	cf->off = rd_pos(&rd);
	cf->recno = no;
	return IKE_OK;
}

/*
 * pcapng: split off the block at cf->off. *TYPE and *BODY / *BODY_LEN
 * (the bytes between the 8-byte head and the trailing length) are set;
 * the block's byte order is learnt first when it is a section header.
 */
static int
ng_block(struct cap_file *cf, uint32_t *type, const uint8_t **body,
    size_t *body_len, struct ike_diag *dg)
{
	struct ike_rd	 rd = file_rd(cf, cf->off);
	const uint8_t	*h, *tail;
	unsigned int	 no = cf->recno + 1;
	uint32_t	 len;

	if (rd_ptr(&rd, &h, 12) != IKE_OK)
		return cap_err(dg, IKE_ESHORT, no, cf->off,
		    "file ends inside a pcapng block header (%zu bytes left)",
		    rd_left(&rd));
	*type = be32(h);	/* NG_SHB reads the same either way */
	if (*type == NG_SHB) {
		if (be32(h + 8) == NG_BOM)
			cf->swap = true;
		else if (le32(h + 8) == NG_BOM)
			cf->swap = false;
		else
			return cap_err(dg, IKE_EMALFORMED, no, cf->off + 8,
			    "section header has byte-order magic 0x%08x",
			    be32(h + 8));
	}
	*type = f32(cf, h);
	len = f32(cf, h + 4);
	if (len < 12 || len % 4 != 0)
		return cap_err(dg, IKE_EMALFORMED, no, cf->off + 4,
		    "block length %u is not a multiple of 4 of at least 12",
		    len);
	if (len > CAP_MAX_BLOCK)
		return cap_err(dg, IKE_ELIMIT, no, cf->off + 4,
		    "block length %u exceeds ikelab's limit of %d bytes", len,
		    CAP_MAX_BLOCK);
	rd.off = cf->off + 8;
	if (rd_ptr(&rd, body, len - 12) != IKE_OK ||
	    rd_ptr(&rd, &tail, 4) != IKE_OK)
		return cap_err(dg, IKE_ESHORT, no, cf->off + 4,
		    "block length %u but only %zu bytes left in the file", len,
		    cf->len - cf->off);
	if (f32(cf, tail) != len)
		return cap_err(dg, IKE_EMALFORMED, no, cf->off + len - 4,
		    "trailing block length %u differs from leading %u",
		    f32(cf, tail), len);
	*body_len = len - 12;
	return IKE_OK;
}

/* pcapng section header body: version and a fresh interface table. */
static int
ng_shb(struct cap_file *cf, const uint8_t *body, size_t len,
    struct ike_diag *dg)
{
	uint16_t	 major;

	if (len < 16)
		return cap_err(dg, IKE_EMALFORMED, cf->recno + 1, cf->off + 4,
		    "section header body of %zu bytes is below 16", len);
	major = f16(cf, body + 4);
	if (major != 1)
		return cap_err(dg, IKE_EUNSUPP, cf->recno + 1, cf->off + 12,
		    "pcapng version %u.%u is not supported (1.0 is)", major,
		    f16(cf, body + 6));
	cf->nif = 0;
	return IKE_OK;
}

/* Options of an interface block: if_tsresol and if_tsoffset. */
static int
ng_idb_opts(struct cap_file *cf, struct cap_if *ifc, struct ike_rd *rd,
    struct ike_diag *dg)
{
	const uint8_t	*h, *v;
	uint16_t	 code, olen;

	while (rd_left(rd) >= 4) {
		size_t	 at = rd_pos(rd);

		rd_ptr(rd, &h, 4);
		code = f16(cf, h);
		olen = f16(cf, h + 2);
		if (code == NG_OPT_END)
			break;
		if (rd_ptr(rd, &v, olen) != IKE_OK ||
		    rd_skip(rd, (size_t)(3 - (olen + 3) % 4)) != IKE_OK)
			return cap_err(dg, IKE_EMALFORMED, cf->recno + 1, at,
			    "interface option %u of %u bytes runs past its block",
			    code, olen);
		if (code == NG_OPT_TSRESOL && olen == 1) {
			ifc->ts_pow2 = (v[0] & 0x80) != 0;
			ifc->ts_exp = (uint8_t)(v[0] & 0x7f);
			if (ifc->ts_exp > (ifc->ts_pow2 ? 63 : 19))
				return cap_err(dg, IKE_EUNSUPP,
				    cf->recno + 1, at,
				    "timestamp resolution 0x%02x is not supported",
				    v[0]);
		} else if (code == NG_OPT_TSOFFSET && olen == 8) {
			uint64_t u = (uint64_t)f32(cf, v + (cf->swap ? 0 : 4))
			    << 32 | f32(cf, v + (cf->swap ? 4 : 0));

			ifc->ts_off = (int64_t)u;
		}
	}
	return IKE_OK;
}

/* pcapng interface description block. */
static int
ng_idb(struct cap_file *cf, const uint8_t *body, size_t len,
    struct ike_diag *dg)
{
	struct cap_if	*ifc;
	struct ike_rd	 rd = RD_INIT(body, len);

	rd.base = cf->off + 8;
	if (len < 8)
		return cap_err(dg, IKE_EMALFORMED, cf->recno + 1, cf->off + 4,
		    "interface block body of %zu bytes is below 8", len);
	if (cf->nif >= CAP_MAX_IFS)
		return cap_err(dg, IKE_ELIMIT, cf->recno + 1, cf->off,
		    "more than %d interfaces in one section", CAP_MAX_IFS);
	ifc = &cf->ifs[cf->nif];
	memset(ifc, 0, sizeof(*ifc));
	ifc->linktype = f16(cf, body);
	ifc->snaplen = f32(cf, body + 4);
	ifc->ts_exp = 6;
	rd_skip(&rd, 8);
	cf->nif++;
	return ng_idb_opts(cf, ifc, &rd, dg);
}

/* TS in IFC's units to nanoseconds since the epoch; false if too big. */
static bool
ng_ts_ns(const struct cap_if *ifc, uint64_t ts, uint64_t *ns)
{
	uint64_t	 secs, frac, p = 1;
	unsigned int	 e = ifc->ts_exp;

	if (ifc->ts_pow2) {
		secs = ts >> e;
		frac = ts & ((1ull << e) - 1);
		frac = e <= 34 ? (frac * NS_PER_S) >> e :
		    ((frac >> (e - 34)) * NS_PER_S) >> 34;
	} else {
		for (unsigned int i = 0; i < e; i++)
			p *= 10;
		secs = ts / p;
		frac = ts % p;
		frac = e <= 9 ? frac * (NS_PER_S / p) : frac / (p / NS_PER_S);
	}
	if (ifc->ts_off < 0) {
		/* -(off + 1) + 1 avoids negating INT64_MIN. */
		uint64_t back = (uint64_t)-(ifc->ts_off + 1) + 1;

		if (secs < back)
			return false;
		secs -= back;
	} else if (secs > UINT64_MAX - (uint64_t)ifc->ts_off)
		return false;
	else
		secs += (uint64_t)ifc->ts_off;
	if (secs > (UINT64_MAX - frac) / NS_PER_S)
		return false;
	*ns = secs * NS_PER_S + frac;
	return true;
}

/* pcapng enhanced packet block. */
static int
ng_epb(struct cap_file *cf, const uint8_t *body, size_t len,
    struct cap_rec *rec, struct ike_diag *dg)
{
	unsigned int	 no = cf->recno + 1;
	const struct cap_if *ifc;
	uint32_t	 ifid, caplen;
	int		 rc;

	if (len < 20)
		return cap_err(dg, IKE_EMALFORMED, no, cf->off + 4,
		    "packet block body of %zu bytes is below 20", len);
	ifid = f32(cf, body);
	if (ifid >= cf->nif)
		return cap_err(dg, IKE_EMALFORMED, no, cf->off + 8,
		    "interface %u was not described (%zu known)", ifid,
		    cf->nif);
	ifc = &cf->ifs[ifid];
	caplen = f32(cf, body + 12);
	if ((rc = check_caplen(no, cf->off + 20, caplen, ifc->snaplen, dg)) !=
	    IKE_OK)
		return rc;
	if (caplen > len - 20)
		return cap_err(dg, IKE_EMALFORMED, no, cf->off + 20,
		    "captured length %u runs past the block (%zu bytes)",
		    caplen, len - 20);
	if (!ng_ts_ns(ifc, (uint64_t)f32(cf, body + 4) << 32 |
	    f32(cf, body + 8), &rec->ts_ns))
		return cap_err(dg, IKE_EMALFORMED, no, cf->off + 12,
		    "timestamp is out of range");
	rec->linktype = ifc->linktype;
	rec->data = body + 20;
	rec->caplen = caplen;
	rec->origlen = f32(cf, body + 16);
	rec->off = cf->off + 28;
	return IKE_OK;
}

/* pcapng simple packet block: interface 0, no timestamp. */
static int
ng_spb(struct cap_file *cf, const uint8_t *body, size_t len,
    struct cap_rec *rec, struct ike_diag *dg)
{
	unsigned int	 no = cf->recno + 1;
	uint32_t	 orig;
	size_t		 caplen;

	if (len < 4)
		return cap_err(dg, IKE_EMALFORMED, no, cf->off + 4,
		    "simple packet block body of %zu bytes is below 4", len);
	if (cf->nif == 0)
		return cap_err(dg, IKE_EMALFORMED, no, cf->off,
		    "simple packet block before any interface block");
	orig = f32(cf, body);
	caplen = len - 4 < orig ? len - 4 : orig;
	if (cf->ifs[0].snaplen != 0 && caplen > cf->ifs[0].snaplen)
		caplen = cf->ifs[0].snaplen;
	if (caplen > CAP_MAX_RECORD)
		return cap_err(dg, IKE_ELIMIT, no, cf->off + 8,
		    "captured length %zu exceeds ikelab's limit of %d bytes",
		    caplen, CAP_MAX_RECORD);
	rec->ts_ns = 0;
	rec->linktype = cf->ifs[0].linktype;
	rec->data = body + 4;
	rec->caplen = caplen;
	rec->origlen = orig;
	rec->off = cf->off + 12;
	return IKE_OK;
}

/* pcapng: walk blocks until the next packet. */
static int
ng_next(struct cap_file *cf, struct cap_rec *rec, struct ike_diag *dg)
{
	const uint8_t	*body;
	size_t		 len;
	uint32_t	 type;
	int		 rc;

	while (cf->off < cf->len) {
		if ((rc = ng_block(cf, &type, &body, &len, dg)) != IKE_OK)
			return rc;
		switch (type) {
		case NG_SHB:
			rc = ng_shb(cf, body, len, dg);
			break;
		case NG_IDB:
			rc = ng_idb(cf, body, len, dg);
			break;
		case NG_EPB:
			rc = ng_epb(cf, body, len, rec, dg);
			break;
		case NG_SPB:
			rc = ng_spb(cf, body, len, rec, dg);
			break;
		default:
			rc = IKE_OK;	/* name resolution, statistics... */
			break;
		}
		if (rc != IKE_OK)
			return rc;
		cf->off += len + 12;
		if (type == NG_EPB || type == NG_SPB) {
			rec->no = ++cf->recno;
			return IKE_OK;
		}
	}
	return IKE_ENOENT;
}

int
cap_open(struct cap_file *cf, const uint8_t *p, size_t len,
    struct ike_diag *dg)
{
	const uint8_t	*h;
	uint32_t	 magic;
	struct ike_rd	 rd = RD_INIT(p, len);
	const uint8_t	*body;
	size_t		 blen;
	uint32_t	 type;
	int		 rc;

	memset(cf, 0, sizeof(*cf));
	cf->p = p;
	cf->len = len;
	if (rd_ptr(&rd, &h, 4) != IKE_OK)
		return cap_err(dg, IKE_ESHORT, 0, 0,
		    "%zu bytes are too few for a capture file", len);
	magic = be32(h);
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS ||
	    le32(h) == PCAP_MAGIC_US || le32(h) == PCAP_MAGIC_NS)
		return pcap_open(cf, magic, dg);
	if (magic != NG_SHB)
		return cap_err(dg, IKE_EUNSUPP, 0, 0,
		    "magic 0x%08x is neither pcap nor pcapng", magic);

	cf->is_ng = true;
	if ((rc = ng_block(cf, &type, &body, &blen, dg)) != IKE_OK ||
	    (rc = ng_shb(cf, body, blen, dg)) != IKE_OK)
		return rc;
	cf->off = blen + 12;
	return IKE_OK;
}

int
cap_next(struct cap_file *cf, struct cap_rec *rec, struct ike_diag *dg)
{
	memset(rec, 0, sizeof(*rec));
	return cf->is_ng ? ng_next(cf, rec, dg) : pcap_next(cf, rec, dg);
}

/*
 * Skip the link-layer header of REC in RD. *IS_V4 tells whether an IPv4
 * header follows.
 */
static int
link_skip(const struct cap_rec *rec, struct ike_rd *rd, bool *is_v4,
    struct ike_diag *dg)
{
	const uint8_t	*h;
	uint16_t	 et;

	*is_v4 = false;
	switch (rec->linktype) {
	case CAP_LINK_ETHERNET:
		if (rd_ptr(rd, &h, 14) != IKE_OK)
			break;
		et = be16(h + 12);
		/* Up to two 802.1Q / 802.1ad tags. */
		for (int i = 0; i < 2 && (et == ETHERTYPE_VLAN ||
		    et == ETHERTYPE_QINQ); i++) {
			if (rd_ptr(rd, &h, 4) != IKE_OK)
				goto short_link;
			et = be16(h + 2);
		}
		*is_v4 = et == ETHERTYPE_IPV4;
		return IKE_OK;
	case CAP_LINK_LINUX_SLL:
		if (rd_ptr(rd, &h, 16) != IKE_OK)
			break;
		*is_v4 = be16(h + 14) == ETHERTYPE_IPV4;
		return IKE_OK;
	case CAP_LINK_LINUX_SLL2:
		if (rd_ptr(rd, &h, 20) != IKE_OK)
			break;
		*is_v4 = be16(h) == ETHERTYPE_IPV4;
		return IKE_OK;
	case CAP_LINK_RAW:
		*is_v4 = rd_left(rd) > 0 && rd->buf[0] >> 4 == 4;
		return IKE_OK;
	case CAP_LINK_IPV4:
		*is_v4 = true;
		return IKE_OK;
	default:
		return IKE_OK;
	}
short_link:
	return cap_err(dg, IKE_ESHORT, rec->no, rec->off + rd_pos(rd),
	    "frame of %zu bytes ends inside its link-layer header (type %u)",
	    rec->caplen, rec->linktype);
}

/*
 * The IPv4 header (RFC 791 3.1): fill addresses and protocol, and
 * narrow RD to the IP payload.
 */
static int
ipv4_parse(const struct cap_rec *rec, struct ike_rd *rd, struct cap_pkt *pkt,
    bool *is_frag, struct ike_diag *dg)
{
	size_t		 at = rec->off + rd_pos(rd), hlen, tlen;
	const uint8_t	*h;
	struct ike_rd	 ip;

	if (rd_left(rd) < 20)
		return cap_err(dg, IKE_ESHORT, rec->no, at,
		    "%zu bytes are too few for an IPv4 header", rd_left(rd));
	h = rd->buf + rd->off;
	hlen = (size_t)(h[0] & 0x0f) * 4;
	tlen = be16(h + 2);
	if (h[0] >> 4 != 4 || hlen < 20)
		return cap_err(dg, IKE_EMALFORMED, rec->no, at,
		    "IPv4 version/header length byte 0x%02x is invalid", h[0]);
	if (tlen < hlen)
		return cap_err(dg, IKE_EMALFORMED, rec->no, at + 2,
		    "IPv4 total length %zu is below its header length %zu",
		    tlen, hlen);
	if (tlen > rd_left(rd))
		return cap_err(dg, IKE_ESHORT, rec->no, at + 2,
		    "IPv4 total length %zu but only %zu bytes captured", tlen,
		    rd_left(rd));
	/* Ethernet may pad short frames: the total length says what is IP. */
	rd_sub(rd, tlen, &ip);
	rd_skip(&ip, hlen);
	memcpy(pkt->src, h + 12, 4);
	memcpy(pkt->dst, h + 16, 4);
	pkt->proto = h[9];
	*is_frag = (be16(h + 6) & 0x3fff) != 0;	/* MF flag or offset */
	*rd = ip;
	return IKE_OK;
}

/* The UDP header and the NAT-T rules of RFC 3948 2.2 and 4. */
static int
udp_parse(const struct cap_rec *rec, struct ike_rd *rd, struct cap_pkt *pkt,
    struct ike_diag *dg)
{
	size_t		 at = rec->off + rd_pos(rd), ulen;
	const uint8_t	*h, *pl;

	if (rd_ptr(rd, &h, 8) != IKE_OK)
		return cap_err(dg, IKE_ESHORT, rec->no, at,
		    "%zu bytes are too few for a UDP header", rd_left(rd));
	pkt->sport = be16(h);
	pkt->dport = be16(h + 2);
	ulen = be16(h + 4);
	if (ulen < 8 || ulen - 8 > rd_left(rd))
		return cap_err(dg, IKE_EMALFORMED, rec->no, at + 4,
		    "UDP length %zu does not fit the %zu bytes after the IPv4 header",
		    ulen, rd_left(rd) + 8);
	rd_ptr(rd, &pl, ulen - 8);
	pkt->data = pl;
	pkt->len = ulen - 8;
	pkt->off = at + 8;
	if (pkt->sport != UDP_NATT && pkt->dport != UDP_NATT) {
		bool is_ike = pkt->sport == UDP_IKE || pkt->dport == UDP_IKE;

		pkt->kind = is_ike ? CAP_IKE : CAP_UDP;
		return IKE_OK;
	}
	pkt->natt = true;
	if (pkt->len == 1 && pl[0] == 0xff) {
		pkt->kind = CAP_KEEPALIVE;
		return IKE_OK;
	}
	if (pkt->len < 4)
		return cap_err(dg, IKE_EMALFORMED, rec->no, at + 8,
		    "UDP 4500 payload of %zu bytes is shorter than the 4-byte non-ESP marker",
		    pkt->len);
	if (be32(pl) != 0) {
		pkt->kind = CAP_ESP;	/* the 4 bytes are the ESP SPI */
		return IKE_OK;
	}
	pkt->kind = CAP_IKE;
	pkt->data += 4;
	pkt->len -= 4;
	pkt->off += 4;
	return IKE_OK;
}

int
cap_decode(const struct cap_rec *rec, struct cap_pkt *pkt,
    struct ike_diag *dg)
{
	struct ike_rd	 rd = RD_INIT(rec->data, rec->caplen);
	bool		 is_v4, is_frag = false;
	int		 rc;

	memset(pkt, 0, sizeof(*pkt));
	pkt->kind = CAP_NOT_IPV4;
	if ((rc = link_skip(rec, &rd, &is_v4, dg)) != IKE_OK)
		return rc;
	if (!is_v4)
		return IKE_OK;
	if ((rc = ipv4_parse(rec, &rd, pkt, &is_frag, dg)) != IKE_OK)
		return rc;
	pkt->data = rd.buf + rd.off;
	pkt->len = rd_left(&rd);
	pkt->off = rec->off + rd_pos(&rd);
	if (is_frag) {
		pkt->kind = CAP_FRAGMENT;
		return IKE_OK;
	}
	if (pkt->proto == IP_PROTO_UDP)
		return udp_parse(rec, &rd, pkt, dg);
	pkt->kind = pkt->proto == IP_PROTO_ESP ? CAP_ESP : CAP_IPV4;
	return IKE_OK;
}
